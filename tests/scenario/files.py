"""Writing test scenario files: real files on disk, as instructors make them."""

from __future__ import annotations

from pathlib import Path


def write_file(tmp_path: Path, text: str | bytes, name: str) -> Path:
    """Write text (UTF-8) or raw bytes to tmp_path/name and return the path."""
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path
