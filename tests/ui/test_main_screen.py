"""The main screen driven by posted input: select, queue, undo, end turns, answer events, log."""

import pygame

from diplosim.ui.overlays import EventModal, HelpOverlay
from tests.ui.helpers import click, close_events, country_point, key, move, tool_row_point


def test_select_country_by_click_and_tooltip(app):
    main = app.screens["main"]
    pos = country_point(app, 0)
    move(app, pos)
    assert main.hover == 0
    assert app.last_tip and app.session.params.country_names[0] in app.last_tip
    click(app, pos)
    assert main.selected == 0
    # the country panel shows the estimate with its range, never the hidden truth
    tips = " ".join(t for _, t in main.country_cache.tips)
    assert "likely between" in tips


def test_queue_and_undo_through_the_palette(app):
    s = app.session
    close_events(app)
    click(app, country_point(app, 0))
    click(app, tool_row_point(app, "quiet_engagement"))
    assert app.screens["main"].palette.chosen == "quiet_engagement"
    # the detail box shows the engine's preview for the selected target
    preview = s.preview("quiet_engagement", s.params.country_ids[0])
    assert 0.0 <= preview.success_chance <= 1.0
    key(app, pygame.K_q)
    assert [(o.tool, o.target) for o in s.game.current.orders] == [("quiet_engagement", s.params.country_ids[0])]
    key(app, pygame.K_z, mod=pygame.KMOD_CTRL)
    assert s.game.current.orders == []
    # the queue button queues too; the per-row ✕ button undoes that row
    click(app, tool_row_point(app, "monitoring"))
    click(app, app.screens["main"].palette.queue_button.rect.center)
    click(app, tool_row_point(app, "quiet_engagement"))
    key(app, pygame.K_q)
    assert [o.tool for o in s.game.current.orders] == ["monitoring", "quiet_engagement"]
    click(app, app.screens["main"].undo_buttons[0].rect.center)
    assert [o.tool for o in s.game.current.orders] == ["quiet_engagement"]


def test_illegal_action_shows_reason(app):
    s = app.session
    close_events(app)
    click(app, country_point(app, 0))
    main = app.screens["main"]
    why = s.checks(s.params.country_ids[0])["legal_referral"]
    assert why  # needs legitimacy at the start
    click(app, tool_row_point(app, "legal_referral"))
    key(app, pygame.K_q)
    assert s.game.current.orders == []
    assert any(why in t[0] for t in app.toasts)
    assert not main.palette.queue_button.is_enabled()


def test_end_turn_fills_the_log_and_autosaves(app, diplosim_home):
    s = app.session
    close_events(app)
    click(app, country_point(app, 0))
    click(app, tool_row_point(app, "quiet_engagement"))
    key(app, pygame.K_q)
    key(app, pygame.K_RETURN)
    assert s.game.turn == 2
    close_events(app)
    key(app, pygame.K_SPACE)
    assert s.game.turn == 3
    log = app.screens["main"].log
    entries = [m for m in log.list.meta if m is not None]
    assert len(entries) == len(s.game.log) > 0
    assert any(e.kind == "action" and "Quiet engagement" in e.text for e in entries)
    assert (diplosim_home / "saves" / "meridian.autosave.json").is_file()
    # hovering a log line shows its cause; clicking it selects its country
    close_events(app)
    lst = log.list
    i = next(k for k, m in enumerate(lst.meta) if m is not None and m.country >= 0 and m.cause)
    r = lst.row_rect(i)
    click(app, (r.x + 30, r.y + 5))
    assert app.screens["main"].selected == lst.meta[i].country
    assert "Why:" in app.last_tip


def test_event_dialog_answer(app):
    s = app.session
    from diplosim.engine import get_policy

    passive = get_policy("passive")
    for _ in range(s.params.turns):
        close_events(app)
        if s.pending_events():
            break
        s.game.play_policy_turn(passive)
        s.touch()
    assert s.pending_events(), "an event with a choice should come up in this scenario"
    app.goto("main")  # opens the dialog for the waiting event
    app.frame()
    modal = app.overlays[-1]
    assert isinstance(modal, EventModal)
    ev = s.event(modal.event_id)
    click(app, modal.buttons[1].rect.center)  # at once: a stray click, ignored
    assert ev.id not in s.game.current.choices
    modal.opened -= 1.0  # a second later: read, and meant
    click(app, modal.buttons[1].rect.center)
    assert s.game.current.choices[ev.id] == ev.choices[1].id
    assert not any(isinstance(o, EventModal) and o.event_id == ev.id for o in app.overlays)


def test_layers_help_charts_scale(app):
    main = app.screens["main"]
    close_events(app)
    key(app, pygame.K_3)
    assert main.layer == "face"
    key(app, pygame.K_6)
    key(app, pygame.K_6)
    assert main.layer == "theme" and main.theme == 1
    key(app, pygame.K_F1)
    assert isinstance(app.overlays[-1], HelpOverlay)
    key(app, pygame.K_ESCAPE)
    assert not app.overlays
    key(app, pygame.K_c)
    assert app.screen.name == "charts"
    key(app, pygame.K_ESCAPE)
    assert app.screen.name == "main"
    key(app, pygame.K_EQUALS, unicode="+")
    assert app.fonts.scale > 1.0
    app.frame()


def test_chart_gridlines_are_labelled_with_the_values_they_sit_at():
    from diplosim.ui.charts import gridlines

    plot = pygame.Rect(0, 0, 100, 200)  # bottom 200, top 0
    # a budget axis from 0 to 185: the top line says 185, the middle 92 (it used to put 185 mid-way)
    assert gridlines(plot, 0.0, 185.0) == [(200.0, "0"), (100.0, "92"), (0.0, "185")]


def test_two_events_come_one_after_the_other_and_enter_takes_the_default(tmp_path):
    from pathlib import Path

    from diplosim.engine import Game, build_params
    from diplosim.scenario.loader import load_scenario
    from diplosim.ui.app import App
    from diplosim.ui.session import Session

    text = Path(__file__).parents[1].joinpath("engine", "mini.yaml").read_text()
    second = """  - id: strike
    title: Strike
    country: proudland
    turn: 3
    choices:
      - {id: mediate, label: Mediate, effects: [{field: player.budget, add: -5}]}
      - {id: ignore, label: Ignore, effects: []}
    default: ignore
objectives:"""
    path = tmp_path / "two.yaml"
    path.write_text(text.replace("objectives:", second, 1))
    loaded = load_scenario(str(path))
    app = App((1280, 800))
    s = Session(loaded, Game(build_params(loaded), seed=3))
    app.set_session(s, "main")
    for _ in range(3):  # events of turn 3 wait for answers once turn 3 is played
        app.end_turn()
    modals = [o for o in app.overlays if isinstance(o, EventModal) and not o.closed]
    assert len(modals) == 1 and set(s.pending_events()) == {"crackdown", "strike"}
    first = modals[0].event_id
    key(app, pygame.K_1)  # at once: a key meant for the map, ignored
    assert first not in s.game.current.choices
    modals[0].opened -= 1.0
    key(app, pygame.K_1)  # answer the first: the second opens by itself
    nxt = [o for o in app.overlays if isinstance(o, EventModal) and not o.closed]
    assert len(nxt) == 1 and nxt[0].event_id != first
    key(app, pygame.K_RETURN)  # Enter takes the default the dialog names, and does not end the turn
    ev = s.event(nxt[0].event_id)
    assert s.game.current.choices[ev.id] == ev.default
    assert s.game.turn == 4
    pygame.quit()


def test_the_log_scrolls_by_page_keys_and_by_its_scrollbar(app):
    s = app.session
    close_events(app)
    from diplosim.engine import get_policy

    for _ in range(6):
        s.game.play_policy_turn(get_policy("random"))
    s.touch()
    app.frame()
    lst = app.screens["main"].log.list
    assert lst.total > lst.rect.height, "six turns of log should not fit"
    key(app, pygame.K_PAGEDOWN)
    assert lst.scroll > 0
    key(app, pygame.K_HOME)
    assert lst.scroll == 0
    key(app, pygame.K_END)
    assert lst.scroll == lst.total - lst.rect.height
    click(app, (lst.rect.right - 3, lst.rect.y + 2))  # the top of the scrollbar: back to the newest lines
    assert lst.scroll < 0.05 * (lst.total - lst.rect.height)


def test_a_long_briefing_scrolls(app):
    app.goto("briefing")
    app.frame()
    brief = app.screen
    page = brief._page[1]
    assert page.get_height() > brief.left.height, "meridian's briefing is longer than the screen"
    key(app, pygame.K_PAGEDOWN)
    assert brief.scroll > 0
    for _ in range(20):
        key(app, pygame.K_PAGEDOWN)
    assert brief.scroll == page.get_height() - brief.left.height  # the last line can be read
    key(app, pygame.K_RETURN)
    assert app.screen is app.screens["main"]


def test_the_briefing_says_where_each_objective_stands_once_play_has_begun(app):
    from diplosim.engine import get_policy
    from diplosim.engine.objectives import ObjectiveStatus
    from diplosim.ui.screens import standing_text

    app.goto("briefing")
    app.frame()
    assert app.screen.start.label.startswith("Start")
    app.session.game.play_policy_turn(get_policy("passive"))
    app.frame()
    assert app.screen.start.label.startswith("Back to the game")
    objectives = {o.id: o for o in app.session.params.objectives}
    reach_at_end = next(o for o in objectives.values() if o.kind == "reach" and o.at_end and ".rights" in
                        (o.condition.field or ""))
    assert standing_text(reach_at_end, ObjectiveStatus(False, False, True, 41.4)) == (
        "Now 41 by your estimates: holds now (judged at the end)", "good")
    assert standing_text(reach_at_end, ObjectiveStatus(True, False, True, 50.0)) == ("✓ Met", "good")
    assert standing_text(reach_at_end, ObjectiveStatus(False, True, False, 20.0)) == ("✗ Failed", "bad")


def test_risk_lines_name_the_likelier_reactions_worst_first():
    from diplosim.ui.palette import reaction_lines

    lines = reaction_lines({"retaliate": (0.12, 0.05), "harden": (0.30, 0.10), "turn_to_rival": (0.02, 0.0)})
    assert lines == [("risk: crackdown", "30%  (10% without)"),
                     ("risk: retaliation on trade", "12%  (5% without)")]  # 2% is too rare to show
