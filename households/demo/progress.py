"""A text progress bar for the data commands (`seed_demo`, `generate_synthetic`): no package,
one line per update on a log, one redrawn line on a terminal."""

from __future__ import annotations

import time
from typing import TextIO


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
        line = f"{phase:<12} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
        if total > 1:
            line += f"{done:>9,}/{total:,}  {rate:>8,.0f}/s  {_clock(elapsed)}, ETA {_clock(left)}"
        else:
            # A step without counts: only whether it is done, and how long it took.
            line += f"{_clock(elapsed)}" + (", done" if done >= total else "")
        # A terminal redraws one line; a log file gets one line per chunk.
        self.stream.write(("\r" + line) if self.interactive else (line + "\n"))
        self.stream.flush()

    def close(self) -> None:
        if self.phase and self.interactive:
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s"
