"""`diplosim run`: one game without a window, a readable turn-by-turn log or one JSON object.

A shell around the engine: it loads the scenario, lets a bot (or a recorded game) give the
orders, prints what happened and why, and can save the game for the front end to open.
"""

from __future__ import annotations

import json
import sys

from diplosim.engine import Game, IllegalAction, build_params, check_policy, get_policy
from diplosim.engine.game import parse_save
from diplosim.scenario.loader import load_scenario


def _final_countries(game: Game) -> dict:
    p, s = game.params, game.state
    out = {}
    for c, cid in enumerate(p.country_ids):
        out[cid] = {
            "name": p.country_names[c],
            "rights": {t: round(float(s.rights[0, c, h]), 2) for h, t in enumerate(p.themes)},
            "estimate": {t: round(float(s.estimate[0, c, h]), 2) for h, t in enumerate(p.themes)},
            **{f: round(float(s.field(f)[0, c]), 2) for f in ("face", "resistance", "relations", "stability",
                                                            "capacity", "civil_society", "rival_pull", "trade",
                                                            "legitimacy", "uncertainty")},
            "leverage": round(float(s.leverage[0, c]), 2),
            "stance": _stance(int(s.decision[0, c])),
            "abuse": bool(s.abuse[0, c]),
        }
    return out


def _stance(decision: int) -> str:
    from diplosim.engine.layout import DECISIONS

    return DECISIONS[decision]


def _player(game: Game) -> dict:
    from diplosim.engine.layout import PLAYER

    return {name: round(float(game.state.player[0, i]), 2) for name, i in PLAYER.items()}


def summary(game: Game, policy: str) -> dict:
    """The finished (or stopped) game as one JSON-ready object."""
    out = game.outcome()
    return {
        "scenario": game.params.scenario_id,
        "seed": game.seed,
        "policy": policy,
        "turns_played": len(game.turns),
        "outcome": out.result,
        "score": round(out.score, 3),
        "reason": out.reason,
        "objectives_met": list(out.met),
        "objectives_failed": list(out.failed),
        "player": _player(game),
        "countries": _final_countries(game),
        "actions": [{"turn": i + 1, "orders": [[o.tool, o.target] for o in r.orders], "choices": r.choices}
                    for i, r in enumerate(game.turns)],
    }


def _print_turn(console, game: Game, turn: int, entries) -> None:
    names = game.params.country_names
    console.print(f"[bold]Turn {turn}[/bold]")
    for e in entries:
        where = f"[{names[e.country]}] " if 0 <= e.country < len(names) else ""
        cause = f" [dim]— {e.cause}[/dim]" if e.cause else ""
        console.print(f"  {e.kind:9s} {where}{e.text}{cause}", highlight=False)


def run_game(scenario: str | None, *, seed: int | None, policy: str, turns: int | None, as_json: bool,
             actions_file: str | None, save_file: str | None, sets: list[str] = (),
             forbid: list[str] = ()) -> int:
    """Play one game headlessly and print it; returns the exit code (user mistakes: a sentence, 1 or 2).
    turns and sets override the scenario exactly as `diplosim batch` does, so any batch game replays."""
    from rich.console import Console

    from diplosim.saves import read_save, write_save

    console = Console(soft_wrap=True, highlight=False)
    err = Console(stderr=True, soft_wrap=True, highlight=False)
    from diplosim.scenario.loader import parse_override
    from diplosim.scenario.messages import did_you_mean

    overrides = {}
    for item in sets:
        try:
            key, value = parse_override(item)
        except ValueError as e:
            err.print(f"diplosim run: --set {item}: {e}")
            return 2
        overrides[key] = value
    if turns is not None:
        overrides["turns"] = turns
    loaded = load_scenario(scenario, overrides=overrides or None)
    params = build_params(loaded)
    unknown = [t for t in forbid if t not in params.tools.ids]
    if unknown:
        err.print(f"diplosim run: --forbid: no tool '{unknown[0]}' in this scenario."
                  f"{did_you_mean(unknown[0], params.tools.ids)}")
        return 2
    params = params.forbid(*forbid) if forbid else params
    try:
        check_policy(params, policy)
    except ValueError as e:
        err.print(f"diplosim run: {e}")
        return 2
    bot = get_policy(policy)
    records = []
    if actions_file:
        try:
            data = read_save(actions_file)
            records, _, saved_seed = parse_save(params, data, None)
        except ValueError as e:
            err.print(f"diplosim run: {actions_file}: {e}")
            return 1
        seed = saved_seed if seed is None else seed
    game = Game(params, seed)
    limit = params.turns
    played = 0
    try:
        for record in records:
            if game.over or played >= limit:
                break
            game.replay([record])
            played += 1
            if not as_json:
                _print_turn(console, game, played, [e for e in game.log if e.turn == played])
    except IllegalAction as e:
        err.print(f"diplosim run: {actions_file}: turn {played + 1} cannot be replayed on this scenario ({e})")
        return 1
    while not game.over and played < limit:
        entries = game.play_policy_turn(bot)
        played += 1
        if not as_json:
            _print_turn(console, game, played, entries)
    if save_file:
        try:
            write_save(save_file, game.to_save(loaded.digest))
        except OSError as e:
            err.print(f"diplosim run: cannot write the save {save_file}: {e.strerror or e}")
            return 1
    result = summary(game, policy)
    if as_json:
        sys.stdout.write(json.dumps(result) + "\n")
        return 0
    out = game.outcome()
    console.print(f"\n[bold]{params.title}[/bold] — seed {game.seed}, policy {policy}: "
                  f"{out.result.upper()}, score {out.score:.1f}")
    console.print(f"  {out.reason}")
    console.print(f"  replay this game with: diplosim run {scenario or params.scenario_id} --seed {game.seed} "
                  f"--policy {policy}")
    return 0


__all__ = ["run_game", "summary"]
