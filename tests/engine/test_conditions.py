"""Compiled conditions answer exactly what reading the fields and comparing them would."""

from __future__ import annotations

import operator

import numpy as np
import pytest

from diplosim.engine import get_policy, initial_state, step
from diplosim.engine.conditions import compile_condition, compile_programs, compile_reader
from diplosim.scenario.models import Condition

OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
       "!=": operator.ne}
FIELDS = ["target.face", "target.rights", "target.rights.integrity", "target.estimate", "target.estimate.expression",
          "target.leverage", "target.abuse", "proudland.relations", "crisia.rights", "mean.rights", "mean.abuse",
          "min.stability", "max.rights.expression", "mean.leverage", "player.credibility", "player.budget", "turn"]


@pytest.fixture(scope="module")
def played(params):
    """Worlds that have played a few random turns, so fields differ between worlds and countries."""
    s = initial_state(params, np.arange(64, dtype=np.uint64))
    policy = get_policy("random")
    for _ in range(6):
        s, _ = step(params, s, policy(params, s))
    return s


def reference(params, s, cond: Condition) -> np.ndarray:
    """The answer by plain numpy: read the field, compare, combine (W, C)."""
    shape = (s.worlds, params.n_countries)
    if cond.field is not None:
        read = compile_reader(cond.field, list(params.themes), list(params.country_ids))
        return np.broadcast_to(OPS[cond.op](read(s), cond.value), shape)
    if cond.not_ is not None:
        return ~reference(params, s, cond.not_)
    parts = [reference(params, s, c) for c in (cond.all if cond.all is not None else cond.any)]
    combine = np.logical_and if cond.all is not None else np.logical_or
    return combine.reduce(parts) if parts else np.full(shape, cond.all is not None)


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("op", sorted(OPS))
def test_each_field_and_operator(params, played, field, op):
    values = np.broadcast_to(compile_reader(field, list(params.themes), list(params.country_ids))(played),
                             (played.worlds, params.n_countries))
    # Thresholds at values some world has, so == and != and the strict comparisons all matter.
    for value in (values.min(), np.median(values), values.max(), values.max() + 0.5):
        cond = Condition(field=field, op=op, value=float(value))
        got = compile_condition(cond, list(params.themes), list(params.country_ids))(played)
        want = reference(params, played, cond)
        assert got.shape == want.shape
        assert np.array_equal(got, want), value


def test_nested_all_any_not(params, played):
    cond = Condition.model_validate({"any": [
        {"all": [{"field": "target.face", "op": "<", "value": 60}, {"not": {"field": "turn", "op": ">=", "value": 7}}]},
        {"not": {"any": [{"field": "mean.rights", "op": ">", "value": 30},
                         {"field": "target.abuse", "op": "==", "value": 1}]}},
        {"all": []},
    ]})
    got = compile_condition(cond, list(params.themes), list(params.country_ids))(played)
    assert np.array_equal(got, reference(params, played, cond))


def test_many_conditions_in_one_pass(params, played):
    """A list stands for all of its conditions; None and [] always hold."""
    a = Condition(field="target.face", op=">", value=50.0)
    b = Condition(field="player.credibility", op="<", value=60.0)
    got = compile_programs([a, [a, b], None, []], list(params.themes), list(params.country_ids))(played)
    assert got.shape == (played.worlds, 4, params.n_countries)
    assert np.array_equal(got[:, 0], reference(params, played, a))
    assert np.array_equal(got[:, 1], reference(params, played, a) & reference(params, played, b))
    assert got[:, 2:].all()
