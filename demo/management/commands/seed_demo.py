"""`manage.py seed_demo`: load the demo data set (see `demo`)."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from demo.progress import ProgressBar
from demo.write import seed_demo


class Command(BaseCommand):
    help = (
        "Load the Phan Thiết demo data: users, the 2016 and 2017 periodic reviews and "
        "households with members and assessments, and their 2025 and 2026 reviews in the "
        "units of the 2025 merger. Safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--households", type=int, default=3000, help="Number of households (default 3000)."
        )
        parser.add_argument(
            "--seed", type=int, default=2017, help="Random seed; same seed, same data."
        )
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args: Any, households: int, seed: int, force: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                _("Refusing to load demo data with DEBUG off; use --force if you really mean it.")
            )
        if households < 1:
            raise CommandError(_("The number of households must be at least 1."))
        # Seeding takes minutes: show how far it got on stderr (stdout keeps the summary).
        bar = ProgressBar(options.get("stderr") or sys.stderr)
        try:
            result = seed_demo(households=households, seed=seed, progress=bar)
        finally:
            bar.close()
        if not result.created and not (result.users or result.review_rounds or result.assessments):
            self.stdout.write(_("Demo data is already present; nothing was created."))
            return
        params = {
            "households": result.households,
            "members": result.members,
            "assessments": result.assessments,
            "users": result.users,
            "rounds": result.review_rounds,
        }
        if result.created:
            message = _(
                "Demo data created: %(households)s households, %(members)s members, "
                "%(assessments)s assessments, %(users)s users, %(rounds)s review rounds."
            )
        elif result.assessments:
            message = _(
                "Demo households are already present; added %(users)s users, %(rounds)s review "
                "rounds and %(assessments)s assessments of the later years."
            )
        else:
            message = _(
                "Demo households are already present; added %(users)s users and "
                "%(rounds)s review rounds."
            )
        self.stdout.write(message % params)
