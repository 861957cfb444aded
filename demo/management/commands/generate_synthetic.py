"""`manage.py generate_synthetic`: synthetic households at city or province scale (issue 11),
for measuring (`bench/`). See `demo.synthetic`.

Bulk data has no audit trail: django-simple-history rows are not written for it.
"""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from demo import synthetic
from demo.progress import ProgressBar
from households.models import Household


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
        bar = ProgressBar(options.get("stderr") or sys.stderr)
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
