"""Backup and restore of the whole installation: the database and the uploaded files.

One archive, `giamngheo-YYYYMMDD-HHMMSS.tar.gz` in BACKUP_DIR (default BASE_DIR/backups), holds
- `manifest.json`: format version, database engine and name, time, the media files' names;
- the database: `database.dump` (PostgreSQL, `pg_dump --format=custom`) or `database.sqlite3`
  (SQLite, a consistent copy through SQLite's online backup API);
- `media/`: everything under MEDIA_ROOT (the meeting minutes officers upload).

One file, so an operator copying backups off the machine cannot take the database without the
minutes it refers to. The database is dumped first, then the files: a minute uploaded in between
is in the archive without a row pointing to it, never the other way round.

Restore puts the database back as it was (PostgreSQL: `pg_restore --clean --if-exists --no-owner
--single-transaction`, all or nothing; SQLite: the online backup API into the open database) and
writes the archive's files into MEDIA_ROOT; files uploaded since the backup are left in place.
"""

from __future__ import annotations

import datetime
import glob
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
POSTGRESQL = "postgresql"
SQLITE = "sqlite"
DUMP_NAMES = {POSTGRESQL: "database.dump", SQLITE: "database.sqlite3"}
MEDIA_DIR = "media"
# Debian installs each PostgreSQL major version's client programs here.
PG_LIB_GLOB = "/usr/lib/postgresql/*/bin"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is for the operator."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    engine: str
    media_files: int
    size: int


@dataclass
class Contents:
    """What an archive holds, read from its manifest (for `restore --dry-run` and checks)."""

    path: Path
    engine: str
    database: str
    created: str
    media: list[str] = field(default_factory=list)


def backup_dir() -> Path:
    return Path(getattr(settings, "BACKUP_DIR", Path(settings.BASE_DIR) / "backups"))


def default_backup_path(now: datetime.datetime | None = None) -> Path:
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    return backup_dir() / f"giamngheo-{stamp}.tar.gz"


def _engine(using: str) -> str:
    vendor = connections[using].vendor
    if vendor not in DUMP_NAMES:
        raise BackupError(
            _("Backups support PostgreSQL and SQLite, not %(vendor)s.") % {"vendor": vendor}
        )
    return vendor


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_files() -> list[Path]:
    root = media_root()
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


# --- PostgreSQL client programs -------------------------------------------------------------


def _major(version_text: str) -> int | None:
    match = re.search(r"(\d+)(?:\.\d+)?", version_text)
    return int(match.group(1)) if match else None


def _server_major(using: str) -> int:
    connection = connections[using]
    connection.ensure_connection()
    return connection.pg_version // 10000  # type: ignore[attr-defined]


def find_pg_program(name: str, server_major: int, *, lib_glob: str = PG_LIB_GLOB) -> Path:
    """The pg_dump / pg_restore to use for a server of this major version.

    pg_dump refuses a server newer than itself, so the server's own version (Debian's
    /usr/lib/postgresql/N/bin) comes first, then the newest version installed there, then PATH.
    """
    versioned: list[tuple[int, Path]] = []
    for found in glob.glob(lib_glob):
        directory = Path(found)
        major = _major(directory.parent.name)
        if major is not None and (directory / name).is_file():
            versioned.append((major, directory / name))
    versioned.sort(reverse=True)
    exact = [path for major, path in versioned if major == server_major]
    newer = [path for major, path in versioned if major > server_major]
    on_path = shutil.which(name)
    candidates = [*exact, *newer, *([Path(on_path)] if on_path else [])]
    for candidate in candidates:
        major = _program_major(candidate)
        if major is not None and major >= server_major:
            return candidate
    if candidates:
        raise BackupError(
            _(
                "%(program)s is older than the PostgreSQL %(server)s server. Install the "
                "Debian package postgresql-client-%(server)s."
            )
            % {"program": name, "server": server_major}
        )
    raise BackupError(
        _(
            "%(program)s was not found (neither on PATH nor in /usr/lib/postgresql). Install "
            "the Debian package postgresql-client-%(server)s."
        )
        % {"program": name, "server": server_major}
    )


def _program_major(program: Path) -> int | None:
    try:
        out = subprocess.run(
            [str(program), "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    # "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"
    return _major(out.split(")", 1)[-1])


def _pg_command(using: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment; the password only ever in PGPASSWORD."""
    params = connections[using].settings_dict
    args = ["--no-password"]
    if params.get("HOST"):
        args += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", str(params["USER"])]
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    options = params.get("OPTIONS") or {}
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("passfile", "PGPASSFILE"),
    ):
        if options.get(option):
            env[variable] = str(options[option])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(
            _("%(program)s failed: %(detail)s")
            % {"program": Path(command[0]).name, "detail": " ".join(detail[-5:])}
        )


# --- Backup ---------------------------------------------------------------------------------


def _dump_database(engine: str, using: str, target: Path) -> None:
    if engine == POSTGRESQL:
        program = find_pg_program("pg_dump", _server_major(using))
        args, env = _pg_command(using)
        name = str(connections[using].settings_dict["NAME"])
        _run([str(program), *args, "--format=custom", "--file", str(target), name], env)
        return
    # SQLite: the online backup API copies a consistent snapshot even while others write.
    connection = connections[using]
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    copy.close()


def backup_create(*, path: Path | None = None, using: str = "default") -> BackupResult:
    """Write one archive with the database and the uploaded files (issue 10)."""
    engine = _engine(using)
    path = Path(path) if path else default_backup_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="giamngheo-backup-") as work:
        dump = Path(work) / DUMP_NAMES[engine]
        _dump_database(engine, using, dump)
        root = media_root()
        files = _media_files()
        names = [file.relative_to(root).as_posix() for file in files]
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "engine": engine,
            "database": str(connections[using].settings_dict["NAME"]),
            "created": timezone.now().isoformat(),
            "media": names,
        }
        partial = path.with_name(path.name + ".part")
        try:
            with tarfile.open(partial, "w:gz") as archive:
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(timezone.now().timestamp())
                archive.addfile(info, io.BytesIO(data))
                archive.add(dump, arcname=DUMP_NAMES[engine])
                for file, name in zip(files, names, strict=True):
                    archive.add(file, arcname=f"{MEDIA_DIR}/{name}")
            # Only a complete archive gets the final name.
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
    return BackupResult(path=path, engine=engine, media_files=len(files), size=path.stat().st_size)


# --- Restore --------------------------------------------------------------------------------


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:*")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(
            _("%(path)s is not a giamngheo backup: %(error)s") % {"path": path, "error": exc}
        ) from exc


def backup_contents(path: Path) -> Contents:
    """Read an archive's manifest and check that it is complete."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("There is no backup file %(path)s.") % {"path": path})
    with _open(path) as archive:
        try:
            member = archive.extractfile(MANIFEST)
            manifest: dict[str, Any] = json.load(member) if member else {}
            names = set(archive.getnames())
        except (KeyError, ValueError, tarfile.TarError, EOFError, OSError) as exc:
            raise BackupError(
                _("%(path)s is not a giamngheo backup: %(error)s") % {"path": path, "error": exc}
            ) from exc
    engine = manifest.get("engine")
    if manifest.get("format") != FORMAT or engine not in DUMP_NAMES:
        raise BackupError(_("%(path)s is not a giamngheo backup.") % {"path": path})
    media = [str(name) for name in manifest.get("media", [])]
    missing = [
        name
        for name in [DUMP_NAMES[engine], *(f"{MEDIA_DIR}/{m}" for m in media)]
        if name not in names
    ]
    if missing:
        raise BackupError(
            _("The backup %(path)s is incomplete: %(missing)s is missing.")
            % {"path": path, "missing": missing[0]}
        )
    return Contents(
        path=path,
        engine=str(engine),
        database=str(manifest.get("database", "")),
        created=str(manifest.get("created", "")),
        media=media,
    )


def _restore_database(engine: str, using: str, dump: Path) -> None:
    connection = connections[using]
    if engine == POSTGRESQL:
        program = find_pg_program("pg_restore", _server_major(using))
        args, env = _pg_command(using)
        name = str(connection.settings_dict["NAME"])
        # Our own open connection would keep pg_restore's DROP TABLE waiting.
        connections.close_all()
        _run(
            [
                str(program),
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                name,
                str(dump),
            ],
            env,
        )
        return
    connections.close_all()
    connection.ensure_connection()
    with sqlite3.connect(dump) as source:
        source.backup(connection.connection)
    source.close()


def backup_restore(*, path: Path, using: str = "default") -> Contents:
    """Put the database and the uploaded files back as the archive has them (issue 10)."""
    contents = backup_contents(path)
    engine = _engine(using)
    if contents.engine != engine:
        raise BackupError(
            _(
                "%(path)s is a backup of a %(backup)s database; the configured database is "
                "%(engine)s."
            )
            % {"path": path, "backup": contents.engine, "engine": engine}
        )
    with tempfile.TemporaryDirectory(prefix="giamngheo-restore-") as work, _open(path) as archive:
        archive.extractall(work, filter="data")
        _restore_database(engine, using, Path(work) / DUMP_NAMES[engine])
        source = Path(work) / MEDIA_DIR
        if source.is_dir():
            root = media_root()
            root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(source, root, dirs_exist_ok=True)
    return contents


def size_in_megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def local_time(iso: str) -> str:
    """A manifest's time as officers read it, dd/mm/yyyy HH:MM local time."""
    try:
        moment = datetime.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")
