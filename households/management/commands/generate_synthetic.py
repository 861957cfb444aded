"""`manage.py generate_synthetic`: synthetic households at city or province scale (issue 11),
for measuring (`bench/`). See `households.demo.synthetic`.

Bulk data has no audit trail: django-simple-history rows are not written for it.
"""

from __future__ import annotations

import time
from typing import Any, TextIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from households.demo import synthetic
from households.models import Household


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
        line = (
            f"{phase:<10} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
            f"{done:>9,}/{total:,}  {rate:>8,.0f}/s  "
            f"{_clock(elapsed)} elapsed, ETA {_clock(left)}"
        )
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


class Command(BaseCommand):
    help = (
        "Generate synthetic households (members, the 2016 and 2017 periodic reviews, 2017 "
        "ad-hoc requests, benefits and loans) in bulk, for performance measurements. Writes no "
        "audit trail for the generated rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--households", type=int, default=60_000, help="Number of households (default 60000)."
        )
        parser.add_argument(
            "--seed", type=int, default=2017, help="Random seed; same seed, same data."
        )
        parser.add_argument(
            "--wipe",
            action="store_true",
            help="Delete every existing household (and its members, assessments and benefits) "
            "first.",
        )
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=synthetic.CHUNK_SIZE,
            help=f"Households written at a time (default {synthetic.CHUNK_SIZE}).",
        )

    def handle(
        self,
        *args: Any,
        households: int,
        seed: int,
        wipe: bool,
        force: bool,
        chunk_size: int,
        **options: Any,
    ) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "Refusing to generate synthetic data with DEBUG off; use --force if you "
                    "really mean it."
                )
            )
        if households < 1:
            raise CommandError(_("The number of households must be at least 1."))
        if chunk_size < 1:
            raise CommandError(_("The chunk size must be at least 1."))
        if Household.objects.exists():
            if not wipe:
                raise CommandError(
                    _(
                        "There are already households in the database; use --wipe to delete "
                        "them (with their members, assessments and benefits) first."
                    )
                )
            synthetic.wipe()
        bar = ProgressBar(self.stderr._out)
        try:
            result = synthetic.generate(
                households=households, seed=seed, chunk_size=chunk_size, progress=bar
            )
        finally:
            bar.close()
        self.stdout.write(
            _(
                "Synthetic data created in %(seconds)s s: %(households)s households, "
                "%(members)s members, %(assessments)s assessments, %(events)s review steps, "
                "%(benefits)s benefits (%(loans)s loans)."
            )
            % {
                "seconds": f"{result.seconds:.0f}",
                "households": result.households,
                "members": result.members,
                "assessments": result.assessments,
                "events": result.review_events,
                "benefits": result.benefits,
                "loans": result.loans,
            }
        )
