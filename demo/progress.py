"""A text progress bar for the data commands (`seed_demo`, `generate_synthetic`): no package,
one line per update on a log, one redrawn line on a terminal."""

from __future__ import annotations

import time
from typing import TextIO

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

# What each step of the data commands is called on the bar; the steps' own names are keys.
PHASES = {
    "plan": gettext_lazy("planning"),
    "households": gettext_lazy("households"),
    "review": gettext_lazy("review"),
    "programmes": gettext_lazy("programmes"),
    "history": gettext_lazy("history"),
    "later": gettext_lazy("later years"),
    "later-review": gettext_lazy("later reviews"),
    "standing": gettext_lazy("standing"),
    "benefits": gettext_lazy("benefits"),
}


class ProgressBar:
    """A text progress bar on a stream (stderr): counts, rate and time left, one line a phase."""

    WIDTH = 30

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.phase = ""
        self.started = 0.0
        self.interactive = stream.isatty()

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if phase != self.phase:
            if self.phase and self.interactive:
                self.stream.write("\n")
            self.phase, self.started = phase, now
        elapsed = now - self.started
        filled = self.WIDTH * done // total if total else self.WIDTH
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (total - done) / rate if rate > 0 else 0.0
        label = str(PHASES.get(phase, phase))
        line = f"{label:<20} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
        if total > 1:
            line += f"{_n(done):>9}/{_n(total)}  {_n(round(rate)):>8}/s  {_clock(elapsed)}, "
            line += _("%(time)s left") % {"time": _clock(left)}
        else:
            # A step without counts: only whether it is done, and how long it took.
            line += _clock(elapsed)
            if done >= total:
                line += ", " + pgettext("progress", "done")
        # A terminal redraws one line; a log file gets one line per chunk.
        self.stream.write(("\r" + line) if self.interactive else (line + "\n"))
        self.stream.flush()

    def close(self) -> None:
        if self.phase and self.interactive:
            self.stream.write("\n")
            self.stream.flush()


def _n(value: int) -> str:
    """A count with the language's thousands separator (3.000 in Vietnamese)."""
    return number_format(value, force_grouping=True)


def _clock(seconds: float) -> str:
    # Minutes and seconds as a clock shows them (4:05): the same in every language.
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"
