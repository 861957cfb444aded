"""`manage.py restore FILE`: put back a `manage.py backup` archive (docs/backup.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils.translation import gettext as _

from giamngheo import backup


class Command(BaseCommand):
    help = (
        "Restore the database and the uploaded files from a backup archive. This replaces the "
        "configured database's contents: asks for confirmation unless --yes is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="archive written by `manage.py backup`")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be restored, change nothing"
        )
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        using = options["database"]
        try:
            contents = backup.backup_contents(path)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        target = connections[using].settings_dict["NAME"]
        if options["dry_run"]:
            self.stdout.write(
                _(
                    "Would restore the %(engine)s database %(source)s, backed up at %(created)s, "
                    "into %(target)s, and %(files)d uploaded files into %(media)s:"
                )
                % {
                    "engine": contents.engine,
                    "source": contents.database,
                    "created": backup.local_time(contents.created),
                    "target": target,
                    "files": len(contents.media),
                    "media": backup.media_root(),
                }
            )
            for name in contents.media:
                self.stdout.write(f"  {name}")
            return
        if not options["yes"] and not self._confirmed(target):
            raise CommandError(
                _("Nothing restored: confirm with --yes to replace the database %(target)s.")
                % {"target": target}
            )
        try:
            backup.backup_restore(path=path, using=using)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Restored the database %(target)s and %(files)d uploaded files from %(path)s.")
            % {"target": target, "files": len(contents.media), "path": path}
        )

    def _confirmed(self, target: str) -> bool:
        if not sys.stdin or not sys.stdin.isatty():
            return False
        answer = input(
            _("This replaces everything in the database %(target)s. Type 'yes' to go on: ")
            % {"target": target}
        )
        return answer.strip().lower() in {"yes", "có", "co"}
