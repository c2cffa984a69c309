"""What the player can ask of the game from anywhere in the front end: end the turn, answer
events, save, load, hot reload, help, UI scale, new game and replay. Mixed into App."""

from __future__ import annotations

import time
from pathlib import Path

from diplosim.ui import theme as T
from diplosim.ui.overlays import EventModal, HelpOverlay, MessageOverlay


class Commands:
    # --- game actions --------------------------------------------------------------------------
    def end_turn(self) -> None:
        s = self.session
        if s is None or s.game.over:
            return
        if self.replaying is not None:
            self.replay_step()
            return
        unanswered = s.pending_events()
        turn = s.game.turn
        entries = s.end_turn()
        moves = [e for e in entries if e.kind == "decision"]
        note = (f"Turn {turn} played: {len(entries)} log line{'s' * (len(entries) != 1)}, "
                f"{len(moves)} government decision{'s' * (len(moves) != 1)}")
        if unanswered:
            note += f"; {len(unanswered)} unanswered event(s) took the default"
        self.toast(note)
        self.overlays = [o for o in self.overlays if not isinstance(o, EventModal)]
        if s.game.over:
            self.goto("debrief")
        else:
            self.open_next_event()
            self._warm()
        self.dirty = True

    def open_next_event(self) -> None:
        s = self.session
        if s is None or s.game.over or self.replaying is not None or self.screen is not self.screens.get("main"):
            return
        if any(isinstance(o, EventModal) and not o.closed for o in self.overlays):  # one just answered is closed
            return
        pending = s.pending_events()
        if pending:
            self.overlays.append(EventModal(self, pending[0]))
            self.dirty = True

    def save(self) -> None:
        if self.session:
            msg = self.session.save()
            self.toast(msg, T.GOOD if msg.startswith("Saved") else T.BAD)

    def load(self, path: str | None = None) -> None:
        if self.session:
            msg = self.session.load(path)
            ok = msg.startswith("Loaded")
            self.toast(msg, T.GOOD if ok else T.BAD, 6.0)
            if ok:
                self.goto("debrief" if self.session.game.over else "main")

    def reload(self) -> None:
        """F5: reload the scenario file and replay this game onto it."""
        if self.session is None:
            return
        problems = self.session.reload()
        if problems:
            self.overlays.append(MessageOverlay(self, "The changed scenario has problems; your game goes on "
                                                "unchanged", problems, "Fix the file and press F5 again. Esc closes."))
        else:
            self.toast(f"Reloaded {Path(self.session.loaded.path).name} and replayed {len(self.session.game.turns)} "
                       "turn(s)", T.GOOD)
            for name in ("main", "charts", "debrief"):
                if name in self.screens and self.screens[name] is not self.screen:
                    self.screens.pop(name)
            self.screen.layout(self.window.get_size())
        self.dirty = True

    def help(self) -> None:
        if not any(isinstance(o, HelpOverlay) for o in self.overlays):
            self.overlays.append(HelpOverlay(self))
        self.dirty = True

    def set_scale(self, scale: float) -> None:
        self.fonts.set_scale(round(scale, 2))
        for scr in self.screens.values():
            scr.layout(self.window.get_size())
        if self.screen is not None:
            self.screen.layout(self.window.get_size())
        self.toast(f"Interface scale {self.fonts.scale:.0%}")

    def new_game(self) -> None:
        if self.session:
            from diplosim.engine import Game
            from diplosim.ui.session import Session

            self.replaying = None
            self.set_session(Session(self.session.loaded, Game(self.session.params, self.session.game.seed)),
                             "main")

    def start_replay(self) -> None:
        """Watch the finished game again: the same seed and orders, one turn at a time."""
        if not self.session or not self.session.game.turns:
            return
        from diplosim.engine import Game
        from diplosim.ui.session import Session

        old = self.session.game
        records = list(old.turns)
        self.set_session(Session(self.session.loaded, Game(self.session.params, old.seed)), "main")
        self.replaying = {"records": records, "k": 0, "next": time.monotonic() + 1.0, "finished": old}
        self.toast("Replay: a turn every second; Enter for the next turn now, Esc to stop", T.ACCENT, 6)

    def replay_step(self) -> None:
        r = self.replaying
        if r is None:
            return
        if r["k"] >= len(r["records"]):
            self.replaying = None
            self.goto("debrief")
            return
        self.session.game.replay([r["records"][r["k"]]])
        self.session.touch()
        r["k"] += 1
        r["next"] = time.monotonic() + 1.0
        self.dirty = True

