"""Save files: where they live, atomic writing, and reading with one-sentence errors.

A save is the engine's `Game.to_save` data (seed plus every order) as JSON. Writing goes to a
temporary file in the same folder and is then renamed over the target (`os.replace`), so a crash
mid-write never leaves a half-written save: the previous one stays loadable.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def data_dir() -> Path:
    """The user's diplosim folder: $DIPLOSIM_HOME, else $XDG_DATA_HOME/diplosim, else ~/.local/share/diplosim."""
    env = os.environ.get("DIPLOSIM_HOME")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "diplosim"


def saves_dir() -> Path:
    """Folder of manual saves and autosaves."""
    return data_dir() / "saves"


def autosave_path(scenario_id: str) -> Path:
    """The autosave of a scenario (one per scenario, overwritten each end of turn)."""
    return saves_dir() / f"{scenario_id}.autosave.json"


def manual_save_path(scenario_id: str) -> Path:
    """The quick-save slot of a scenario (Ctrl+S writes it, Ctrl+O reads it)."""
    return saves_dir() / f"{scenario_id}.save.json"


def write_save(path: str | os.PathLike[str], data: dict) -> Path:
    """Write JSON atomically: a temporary file beside the target, flushed, then renamed over it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=1, ensure_ascii=False)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return target


def read_save(path: str | os.PathLike[str]) -> dict:
    """Read a save file; ValueError with one sentence when it is missing, unreadable or not JSON."""
    p = Path(path)
    if not p.exists():
        raise ValueError(f"there is no save file at {p}")
    if p.is_dir():
        raise ValueError(f"{p} is a folder, not a save file")
    try:
        if p.stat().st_size > 20_000_000:
            raise ValueError(f"{p} is far too big to be a diplosim save")
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{p} is not a text file, so not a diplosim save") from None
    except OSError as err:
        raise ValueError(f"{p} cannot be read ({err.strerror or err})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"{p} is damaged: it is not valid JSON (line {err.lineno})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{p} is not a diplosim save file")
    return data
