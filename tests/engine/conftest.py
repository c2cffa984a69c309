"""Shared fixtures: a small scenario whose numbers make each mechanic easy to see."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from diplosim.engine import build_params, initial_state
from diplosim.scenario.loader import load_scenario

HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def params():
    """Rules of the small test scenario (tests/engine/mini.yaml)."""
    return build_params(load_scenario(HERE / "mini.yaml"))


@pytest.fixture(scope="session")
def meridian():
    """Rules of the reference scenario."""
    return build_params(load_scenario("meridian"))


@pytest.fixture
def worlds(params):
    """A fresh batch of 512 worlds of the small scenario."""
    return initial_state(params, np.arange(512, dtype=np.uint64))
