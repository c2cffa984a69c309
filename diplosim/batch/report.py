"""DIR/report.html: one self-contained page (plots as base64 PNG) a balance tester reads.

Win rates with intervals, score distributions, rights trajectories (median and 10-90% band),
tool use, a sweep plot, the ablation table and the warnings. matplotlib runs headless (Agg).
"""

from __future__ import annotations

import base64
import html
import io
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from diplosim.batch.results import Collected
    from diplosim.batch.runner import Plan

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:24px auto;
padding:0 16px;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:right;white-space:nowrap}
th{background:#f4f4f4;white-space:normal;vertical-align:bottom}
td.l,th.l{text-align:left}td.l{white-space:normal}.scroll{overflow-x:auto}.meta{color:#555}.warn{background:#fff4d6;border-left:4px solid #e0a800;
padding:8px 12px;margin:.4em 0}.ok{background:#e8f5e9;border-left:4px solid #43a047;padding:8px 12px}
.flag-dominant{color:#b00020;font-weight:600}.flag-useless{color:#8a6d00;font-weight:600}
img{max-width:100%;height:auto}code{background:#f4f4f4;padding:1px 4px;border-radius:3px}
"""


def _png(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return f'<img alt="" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'


def _colours(n: int) -> list[Any]:
    import matplotlib

    cmap = matplotlib.colormaps["tab10"]
    return [cmap(i % 10) for i in range(n)]


def _win_rates(rows: list[dict[str, Any]]) -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 0.5 + 0.55 * len(rows)))
    y = np.arange(len(rows))[::-1]
    rate = np.array([r["win_rate"] for r in rows]) * 100
    lo = np.array([r["win_rate_ci95"][0] for r in rows]) * 100
    hi = np.array([r["win_rate_ci95"][1] for r in rows]) * 100
    ax.barh(y, rate, color=_colours(len(rows)), alpha=0.75, height=0.6)
    ax.errorbar(rate, y, xerr=[np.maximum(rate - lo, 0), np.maximum(hi - rate, 0)], fmt="none", ecolor="black", capsize=4)
    for yi, r, low, h in zip(y, rate, lo, hi, strict=True):
        if h < 85:
            ax.text(h + 1.5, yi, f"{r:.1f}%", va="center", fontsize=9)
        else:
            ax.text(low - 1.5, yi, f"{r:.1f}%", va="center", ha="right", fontsize=9, color="white",
                    fontweight="bold")
    ax.set_yticks(y, [r["policy"] for r in rows])
    ax.set_xlim(0, 100)
    ax.set_xlabel("win rate (%) with 95% Wilson interval")
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def _scores(plan: Plan, col: Collected, policies: list[str]) -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.6))
    scores = [np.concatenate(col.base[p, 0].scores) for p in policies]
    lo = min(float(s.min()) for s in scores)
    hi = max(float(s.max()) for s in scores)
    pad = max((hi - lo) * 0.04, 0.5)
    bins = np.linspace(lo - pad, hi + pad, 42)
    for p, s, c in zip(policies, scores, _colours(len(policies)), strict=True):
        ax.hist(s, bins=bins, histtype="step", linewidth=1.8, color=c, label=f"{p} (mean {s.mean():.1f})",
                weights=np.full(s.size, 100.0 / s.size))
    ax.set_xlabel("final score")
    ax.set_ylabel("% of games")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return _png(fig)


def _trajectories(col: Collected, policies: list[str]) -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.8))
    for p, c in zip(policies, _colours(len(policies)), strict=True):
        q10, q50, q90 = col.base[p, 0].trajectory_bands()
        turns = np.arange(q50.size)
        ax.fill_between(turns, q10, q90, color=c, alpha=0.15, linewidth=0)
        ax.plot(turns, q50, color=c, linewidth=2, label=f"{p}: median (band 10–90%)")
    ax.set_xlabel("turn")
    ax.set_ylabel("mean true rights (all countries, themes)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return _png(fig)


def _tool_use(plan: Plan, rows: list[dict[str, Any]]) -> str:
    import matplotlib.pyplot as plt

    tools = plan.tools[0]
    fig, ax = plt.subplots(figsize=(8, 0.8 + 0.32 * len(tools) * max(1, len(rows)) ** 0.5))
    height = 0.8 / max(1, len(rows))
    y = np.arange(len(tools))[::-1]
    for i, (r, c) in enumerate(zip(rows, _colours(len(rows)), strict=True)):
        share = np.array([r["tool_use_share"][t] for t in tools]) * 100
        ax.barh(y + (len(rows) / 2 - i - 0.5) * height, share, height=height, color=c, label=r["policy"])
    ax.set_yticks(y, tools, fontsize=8)
    ax.set_xlabel("share of the policy's actions (%)")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def _sweep(plan: Plan, summary: dict[str, Any]) -> str:
    import matplotlib.pyplot as plt

    keys = [k for k, _ in plan.variants[0].swept]
    out = []
    for key in keys:
        fig, ax = plt.subplots(figsize=(8, 3.6))
        groups: dict[tuple, list[dict[str, Any]]] = {}
        for r in summary["results"]:
            rest = tuple((k, v) for k, v in r["swept"].items() if k != key)
            groups.setdefault((r["policy"], rest), []).append(r)
        colours = _colours(len(groups))
        for (policy, rest), rs, c in zip(groups.keys(), groups.values(), colours, strict=True):
            xs = [r["swept"][key] for r in rs]
            numeric = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in xs)
            x = np.array(xs, dtype=float) if numeric else np.arange(len(xs))
            rate = np.array([r["win_rate"] for r in rs]) * 100
            lo = np.array([r["win_rate_ci95"][0] for r in rs]) * 100
            hi = np.array([r["win_rate_ci95"][1] for r in rs]) * 100
            label = policy + ("".join(f", {k}={v}" for k, v in rest))
            ax.errorbar(x, rate, yerr=[np.maximum(rate - lo, 0), np.maximum(hi - rate, 0)], marker="o", capsize=3, color=c, label=label)
            if not numeric:
                ax.set_xticks(x, [str(v) for v in xs])
        ax.set_xlabel(key)
        ax.set_ylabel("win rate (%) with 95% CI")
        ax.set_ylim(0, 100)
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
        out.append(_png(fig))
    return "".join(out)


def _ablation_plot(rows: list[dict[str, Any]], policy: str) -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 0.8 + 0.3 * len(rows)))
    y = np.arange(len(rows))[::-1]
    d = np.array([r["delta_win_rate"] for r in rows]) * 100
    lo = np.array([r["delta_win_rate_ci95"][0] for r in rows]) * 100
    hi = np.array([r["delta_win_rate_ci95"][1] for r in rows]) * 100
    colours = ["#b00020" if "dominant" in r["flags"] else "#c9a000" if "useless" in r["flags"] else "#4c72b0"
               for r in rows]
    ax.barh(y, d, color=colours, alpha=0.8, height=0.6)
    ax.errorbar(d, y, xerr=[np.maximum(d - lo, 0), np.maximum(hi - d, 0)], fmt="none", ecolor="black", capsize=3)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, [r["tool"] for r in rows], fontsize=8)
    ax.set_xlabel(f"change in {policy}'s win rate when the tool is forbidden (points, 95% CI)")
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def _fmt_ci(ci: list[float | None], scale: float = 1.0, digits: int = 1) -> str:
    if ci[0] is None or ci[1] is None:
        return "n/a"
    return f"{ci[0] * scale:+.{digits}f} to {ci[1] * scale:+.{digits}f}"


def _results_table(rows: list[dict[str, Any]]) -> str:
    e = html.escape
    head = ("<tr><th class=l>policy</th><th class=l>variant</th><th>games</th><th>win rate</th><th>95% CI</th>"
            "<th>mean score</th><th>95% CI</th><th>won</th><th>lost early</th><th>lost at end</th>"
            "<th>actions/game</th><th>won games on course from turn</th></tr>")
    body = []
    for r in rows:
        lo, hi = r["win_rate_ci95"]
        slo, shi = r["score_ci95"]
        sci = f"{slo:.2f} – {shi:.2f}" if slo is not None and shi is not None else "n/a"
        sh = r["outcome_share"]
        body.append(f"<tr><td class=l>{e(r['policy'])}</td><td class=l>{e(r['variant'])}</td><td>{r['games']}</td>"
                    f"<td>{100 * r['win_rate']:.1f}%</td><td>{100 * lo:.1f} – {100 * hi:.1f}%</td>"
                    f"<td>{r['mean_score']:.2f}</td><td>{sci}</td><td>{100 * sh['won']:.1f}%</td>"
                    f"<td>{100 * sh['lost_early']:.1f}%</td><td>{100 * sh['lost_at_end']:.1f}%</td>"
                    f"<td>{r['actions_per_game']:.1f}</td><td>{_on_course(r['won_on_course_from'])}</td></tr>")
    return (f"<div class=scroll><table>{head}{''.join(body)}</table></div>"
            "<p class=meta>On course from turn: from which turn a won game had every required objective met or "
            "holding until the end (the median, with the quartiles in brackets). Early means the game was in hand "
            "long before it ended.</p>")


def _on_course(quartiles: list[int] | None) -> str:
    """When won games had every required objective in place, e.g. "6 (4-9)"; "n/a" without a win."""
    return "n/a" if quartiles is None else f"{quartiles[1]} ({quartiles[0]}–{quartiles[2]})"


def _ablation_table(rows: list[dict[str, Any]]) -> str:
    e = html.escape
    head = ("<tr><th class=l>tool</th><th>use share</th><th>win rate without</th><th>Δ win rate (points)</th>"
            "<th>95% CI</th><th>Δ score</th><th>95% CI</th><th class=l>flag</th></tr>")
    body = []
    for r in rows:
        flags = " ".join(f"<span class=flag-{f}>{f}</span>" for f in r["flags"])
        body.append(f"<tr><td class=l>{e(r['tool'])}</td><td>{100 * r['use_share']:.1f}%</td>"
                    f"<td>{100 * r['win_rate']:.1f}%</td><td>{100 * r['delta_win_rate']:+.1f}</td>"
                    f"<td>{_fmt_ci(r['delta_win_rate_ci95'], 100)}</td><td>{r['delta_score']:+.2f}</td>"
                    f"<td>{_fmt_ci(r['delta_score_ci95'], 1, 2)}</td><td class=l>{flags}</td></tr>")
    return f"<div class=scroll><table>{head}{''.join(body)}</table></div>"


def useless_lines(summary: dict[str, Any]) -> list[str]:
    """The 'useless' warnings condensed to one line per variant (summary.json keeps each one)."""
    abl = {(r["variant"], r["tool"]): r for r in summary["ablation"]["rows"]
           if r["policy"] == summary["ablation"]["reference_policy"]}
    by_variant: dict[str, list[str]] = {}
    for w in summary["warnings"]:
        if w["kind"] != "useless":
            continue
        r = abl[w["variant"], w["tool"]]
        why = (f"chosen for {100 * r['use_share']:.2f}% of actions"
               if r["use_share"] < summary["ablation"]["useless_threshold"] else
               f"no measurable effect: win rate {100 * r['delta_win_rate']:+.1f} points, score {r['delta_score']:+.2f}")
        by_variant.setdefault(w["variant"], []).append(f"{w['tool']} ({why})")
    ref = summary["ablation"]["reference_policy"]
    many = len(summary["variants"]) > 1
    return [f"{len(tools)} tools look useless for {ref}" + (f" [{v}]" if many else "") + ": " + "; ".join(tools)
            for v, tools in by_variant.items()]


def load_plotting() -> None:
    """Load matplotlib, headless (Agg); a batch calls it early, while its workers play."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot  # the slow part of loading it


def build_html(plan: Plan, col: Collected, summary: dict[str, Any]) -> str:
    load_plotting()
    e = html.escape
    first = plan.variants[0].label
    rows0 = [r for r in summary["results"] if r["variant"] == first]
    policies = [r["policy"] for r in rows0]
    parts = [(f"<!doctype html><html><head><meta charset=utf-8><title>diplosim batch: {e(plan.title)}</title>"
             f"<style>{_CSS}</style></head><body>"),
             f"<h1>Batch report: {e(plan.title)}</h1>",
             f"<p class=meta>Scenario <code>{e(plan.scenario)}</code> (sha256 {plan.digest[:12]}…), "
             f"{plan.games:,} games per policy and variant, {plan.variant_turns[0]} turns, seed {plan.seed}"
             + (f", --set {e(' '.join(plan.sets))}" if plan.sets else "")
             + (f", --sweep {e(' '.join(plan.sweeps))}" if plan.sweeps else "") + ".</p>",
             (f"<p class=meta>Game <i>k</i> uses seed game_seed({plan.seed}, <i>k</i>) (column <code>seed</code> of "
             f"games.csv); replay it alone with <code>{e(summary['replay'])}</code>.</p>")]
    parts.append("<h2>Warnings</h2>")
    if summary["warnings"]:
        parts += [f"<div class=warn>{e(w['message'])}</div>" for w in summary["warnings"] if w["kind"] != "useless"]
        parts += [f"<div class=warn>{e(text)}</div>" for text in useless_lines(summary)]
    elif plan.ablate:
        parts.append("<div class=ok>No tool was flagged dominant or useless.</div>")
    else:
        parts.append("<div class=ok>No warnings. Run with --ablate to test for dominant or useless tools.</div>")
    parts += ["<h2>Win rates</h2>", _results_table(summary["results"]),
              f"<p class=meta>Variant shown in the plots: {e(first)}.</p>" if len(plan.variants) > 1 else "",
              _win_rates(rows0),
              "<h2>Score distributions</h2>", _scores(plan, col, policies),
              ("<h2>Rights over turns</h2><p class=meta>Mean true rights over all countries and themes, per game; "
              "the line is the median over games, the band holds the middle 80% (10th to 90th percentile). "
              "A game that ended early keeps its last value.</p>"), _trajectories(col, policies),
              "<h2>Tool use</h2>", _tool_use(plan, rows0)]
    if plan.sweeps:
        parts += ["<h2>Sweep</h2>", _sweep(plan, summary)]
    if plan.ablate:
        abl = summary["ablation"]
        ref = abl["reference_policy"]
        parts.append(f"<h2>Tool ablation</h2><p class=meta>Each tool forbidden in turn, on the same games (same "
                     f"seeds); differences are paired game by game. Flags judge {e(ref)}: <b>dominant</b> when "
                     f"forbidding the tool lowers its win rate by more than {100 * abl['dominant_threshold']:g} "
                     f"points; <b>useless</b> when it chose the tool for less than "
                     f"{100 * abl['useless_threshold']:g}% of its actions, or forbidding it changed neither win rate "
                     "nor score beyond noise (both intervals include 0).</p>")
        for v in plan.variants:
            for p in [ref] + [q for q in plan.policies if q != ref]:
                rows = [r for r in abl["rows"] if r["policy"] == p and r["variant"] == v.label]
                if not rows:
                    continue
                title = f"{p}" + (f" — {v.label}" if len(plan.variants) > 1 else "")
                parts.append(f"<h3>{e(title)}</h3>")
                if p == ref and v is plan.variants[0]:
                    parts.append(_ablation_plot(rows, p))
                parts.append(_ablation_table(rows))
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(plan: Plan, col: Collected, summary: dict[str, Any], path: Any) -> None:
    from diplosim.batch.runner import write_atomic

    text = build_html(plan, col, summary)
    write_atomic(path, lambda h: h.write(text))
