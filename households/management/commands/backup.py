"""`manage.py backup`: the database and the uploaded files in one archive (docs/backup.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from giamngheo import backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump on PostgreSQL, SQLite's online backup) and the uploaded "
        "files to one archive, by default BACKUP_DIR/giamngheo-YYYYMMDD-HHMMSS.tar.gz."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="archive to write (default: in BACKUP_DIR)")
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup.backup_create(
                path=Path(options["output"]) if options["output"] else None,
                using=options["database"],
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Backed up the database and %(files)d uploaded files to %(path)s (%(size)s MB).")
            % {
                "files": result.media_files,
                "path": result.path,
                "size": backup.size_in_megabytes(result.size),
            }
        )
