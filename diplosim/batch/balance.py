"""docs/balance.md: the balance figures of every shipped scenario, generated, never typed.

    python -m diplosim.batch.balance [SCENARIO...] --games 10000 --ablation-games 1000 --out docs/balance.md [--cache DIR]

For each scenario: win rate (Wilson 95% interval) and mean score (95% interval) of passive, random,
greedy and every single-tool policy (only:TOOL); each claim's verdict with effect and interval; and the
ablation of greedy (each tool forbidden on the same seeds), with dominant/useless flags.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

from diplosim.batch.claims import HELD, judge, needed_runs, play_runs
from diplosim.batch.stats import AblationRow, Moments, ablation_flags, count_quartiles, wilson

BASE = ("passive", "random", "greedy")


def _pct(lo: float, hi: float) -> str:
    return f"[{lo:.1%}, {hi:.1%}]"


def _pacing(run, turns: int) -> str:
    """When greedy's won games had the win in hand (not a target: a hint at pacing)."""
    quartiles = count_quartiles(np.bincount(run.on_course_from[run.won].astype(np.int64)))
    if quartiles is None:
        return "- pacing: greedy won no game"
    q1, median, q3 = quartiles
    return (f"- pacing (not a target): greedy's won games had every required objective in place from turn "
            f"{median} of {turns} (median; quartiles {q1}-{q3})")


def _alone(tools: list[str], rates: dict[str, tuple[float, float, float]]) -> list[str]:
    """The tools that win alone: repeated whenever allowed (only:TOOL), they win clearly more often
    than random play (their win-rate interval lies above random's)."""
    return [t for t in tools if rates[f"only:{t}"][1] > rates["random"][2]]


def _single_tools(tools: list[str], rates: dict[str, tuple[float, float, float]], alone: list[str]) -> str:
    """The single-tool target's line: the tools that win alone, or the best single tool."""
    random = f"random, {rates['random'][0]:.1%}"
    if alone:
        named = ", ".join(f"only:{t} ({rates[f'only:{t}'][0]:.1%})" for t in alone)
        return f"- no single tool wins alone: **no**, {named} wins clearly more often than {random}"
    best = max(tools, key=lambda t: rates[f"only:{t}"][0])
    return (f"- no single tool wins alone (none wins clearly more often than {random}): **yes** (the best, "
            f"only:{best}, wins {rates[f'only:{best}'][0]:.1%})")


def scenario_section(path: str, loaded, games: int, ablation_games: int, seed: int, executor,
                     dominant: float, useless: float, greedy_games: int | None = None,
                     cache: Path | None = None, tally: dict[str, int] | None = None) -> tuple[str, bool]:
    """The markdown section of one scenario, and whether it meets every balance target."""
    tools = [t.id for t in loaded.tools]
    claims = list(loaded.scenario.claims)
    needed = needed_runs(claims, tools)
    for p in (*BASE, *(f"only:{tool}" for tool in tools)):
        needed.setdefault((p, None), set())
    games_for = {}
    for tool in tools:
        needed.setdefault(("greedy", tool), set())
        games_for[("greedy", tool)] = min(ablation_games, games)
    for key in needed:  # claims' ablations too run at the ablation size
        if key[1] is not None:
            games_for[key] = min(ablation_games, games)
        if key[0] == "greedy" and greedy_games is not None:  # the lookahead bot is the slow one
            games_for[key] = min(games_for.get(key, games), greedy_games)
    runs = play_runs(path, loaded.digest, needed, games, seed, executor, games_for=games_for, cache=cache,
                     tally=tally)
    sc = loaded.scenario
    lines = [f"## {sc.title} (`{sc.id}`)", "", f"*{sc.lesson.strip()}*" if sc.lesson else "", "",
             "| policy | games | win rate | 95% interval | mean score | 95% interval |", "|---|---|---|---|---|---|"]
    rates = {}
    for (policy, forbid), run in sorted(runs.items(), key=lambda kv: (kv[0][1] is not None, kv[0][0])):
        if forbid is not None:
            continue
        lo, hi = wilson(int(run.won.sum()), run.won.size)
        m = Moments()
        m.add(run.score)
        slo, shi = m.ci()
        rates[policy] = (run.won.mean(), lo, hi)
        lines.append(f"| {policy} | {run.won.size} | {run.won.mean():.1%} | {_pct(lo, hi)} | {m.mean:.1f} | "
                     f"[{slo:.1f}, {shi:.1f}] |")
    ok = True
    order = rates["greedy"][0] > rates["random"][0] > rates["passive"][0]
    band = 0.30 <= rates["greedy"][0] <= 0.85
    alone = _alone(tools, rates)
    ok &= order and band and not alone
    lines += ["", f"- greedy > random > passive (win rate): **{'yes' if order else 'no'}**",
              f"- greedy's win rate within 30%-85%: **{'yes' if band else 'no'}** ({rates['greedy'][0]:.1%})",
              _single_tools(tools, rates, alone), _pacing(runs[("greedy", None)], sc.turns), ""]
    if claims:
        lines += ["| claim | verdict | effect | 95% interval | detail |", "|---|---|---|---|---|"]
        for claim in claims:
            r = judge(claim, runs, tools)
            ok &= r.verdict == HELD
            lines.append(f"| {claim.id} | {r.verdict} | {r.effect:+.3f} | [{r.low:+.3f}, {r.high:+.3f}] | {r.detail} |")
        lines.append("")
    base = runs[("greedy", None)]
    n = min(ablation_games, games, base.won.size)
    uses = base.uses[:n].sum(axis=0)
    share = uses / max(1, uses.sum())
    lines += [f"Ablation of greedy over {n} games per tool (each tool forbidden, same seeds):", "",
              "| tool | use share | win rate without | change | 95% interval | flags |", "|---|---|---|---|---|---|"]
    for i, tool in enumerate(tools):
        without = runs[("greedy", tool)]
        d_win = without.won[:n].astype(float) - base.won[:n]
        d_score = without.score[:n] - base.score[:n]
        mw, ms = Moments(), Moments()
        mw.add(d_win)
        ms.add(d_score)
        row = AblationRow(tool, float(base.won[:n].mean()), float(without.won[:n].mean()), mw.mean, mw.ci(),
                          ms.mean, ms.ci(), float(share[i]))
        flags = ablation_flags(row, dominant, useless)
        ok &= not flags
        lo, hi = mw.ci()
        lines.append(f"| {tool} | {share[i]:.1%} | {without.won[:n].mean():.1%} | {mw.mean:+.1%} | "
                     f"[{lo:+.1%}, {hi:+.1%}] | {', '.join(flags) or '-'} |")
    lines += ["", f"**Meets every balance target: {'yes' if ok else 'no'}**", ""]
    return "\n".join(lines), ok


def main(argv: list[str] | None = None) -> int:
    """Generate the balance report; exit 0 when every scenario meets every target."""
    from diplosim.batch.executors import open_executor
    from diplosim.scenario.loader import load_scenario, resolve_ref, scenarios_dir
    from diplosim.scenario.yamlsafe import ScenarioError

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", help="default: every file in scenarios/")
    parser.add_argument("--games", type=int, default=10000, help="games per policy")
    parser.add_argument("--ablation-games", type=int, default=1000, help="games per forbidden tool (greedy)")
    parser.add_argument("--greedy-games", type=int, default=None, help="at most this many games of greedy")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--dominant-threshold", type=float, default=0.15)
    parser.add_argument("--useless-threshold", type=float, default=0.01)
    parser.add_argument("--out", default="docs/balance.md")
    parser.add_argument("--cache", default=None, metavar="DIR",
                        help="keep finished chunks here and reuse them: a stopped run resumes, and "
                             "unchanged scenarios are not played again")
    args = parser.parse_args(argv)
    cache = Path(args.cache) if args.cache else None
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    refs = args.scenarios or [str(p) for p in sorted(scenarios_dir().glob("*.yaml"))]
    try:  # every file is checked before minutes of play are spent on the first
        paths = [str(resolve_ref(ref).resolve()) for ref in refs]
        scenarios = [(path, load_scenario(path)) for path in paths]
    except ScenarioError as exc:
        print("\n".join(p.format() for p in exc.problems), file=sys.stderr)
        return 2
    started = time.time()
    sections, all_ok = [], True
    tally: dict[str, int] = {}
    with open_executor(args.workers, None) as (executor, _, how):
        for path, loaded in scenarios:
            print(f"{loaded.scenario.id}: playing ...", file=sys.stderr, flush=True)
            text, ok = scenario_section(path, loaded, args.games, args.ablation_games, args.seed, executor,
                                        args.dominant_threshold, args.useless_threshold, args.greedy_games,
                                        cache, tally)
            sections.append(text)
            all_ok &= ok
    minutes = (time.time() - started) / 60
    shown = list(argv if argv is not None else sys.argv[1:])
    if "--cache" in shown:  # the cache changes no figure: the command shown leaves it out
        at = shown.index("--cache")
        del shown[at:at + 2]
    shown = [a for a in shown if not a.startswith("--cache=")]
    command = "python -m diplosim.batch.balance " + " ".join(shown)
    header = ["# Balance figures", "",
              "Generated by a command, not typed by hand; rerun it after changing a scenario or the rules:", "",
              f"    {command.strip()}", "",
              (f"{args.games} games per policy"
               + (f" ({args.greedy_games} for greedy)" if args.greedy_games else "")
               + f", {args.ablation_games} per forbidden tool, base seed {args.seed}, "
              f"{how}; took {minutes:.0f} min on {platform.machine()} with {os.cpu_count()} cores"
              + (f" ({tally['reused']} of {tally['reused'] + tally.get('played', 0)} chunks of games reused from "
                 "its cache)" if tally.get("reused") else "") + ", "
              f"{time.strftime('%Y-%m-%d')}. Intervals are 95%: Wilson for win rates, t for means and for the "
              "paired differences of claims and ablations (every policy plays the same seeds)."), "",
              f"**Every scenario meets every target: {'yes' if all_ok else 'no'}**", ""]
    Path(args.out).write_text("\n".join(header + sections), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
