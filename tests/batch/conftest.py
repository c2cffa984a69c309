"""Shared fixtures: a small, fast scenario (3 countries, 6 turns) written from the starter template."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

DOMINANT = """
  - id: quiet_engagement
    acceptance: 5
    effects:
      - {field: target.rights, add: 30, scaled: false}
"""


def small_scenario(folder: Path, name: str = "small", dominant: bool = False, turns: int = 6) -> Path:
    """The starter template with fewer turns; its free-press objective is required, so games can
    be lost. dominant=True gives quiet engagement an overwhelming, certain effect."""
    text = resources.files("diplosim.scenario").joinpath("template.yaml").read_text("utf-8")
    text = text.replace("{id}", name).replace("{title}", name.capitalize())
    text = text.replace("turns: 20 ", f"turns: {turns} ", 1)
    assert f"turns: {turns} " in text
    text = text.replace("    at_end: true\n", "    at_end: true\n    required: true\n", 1)
    if dominant:
        text = text.replace("tools:\n", "tools:\n" + DOMINANT.lstrip("\n"), 1)
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def scenario(tmp_path: Path) -> str:
    return str(small_scenario(tmp_path))


@pytest.fixture
def dominant_scenario(tmp_path: Path) -> str:
    return str(small_scenario(tmp_path, "dominant", dominant=True))
