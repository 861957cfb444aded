"""`manage.py backup` / `restore`: a round trip gives back the same rows and uploaded files.

The in-process round trip runs on the suite's database (PostgreSQL in CI: pg_dump/pg_restore;
SQLite locally: the online backup API); a second one runs the commands as an operator does, in
subprocesses, on a SQLite file database in a temporary folder.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.utils import ConnectionHandler

from giamngheo import backup
from households.models import Assessment, Household, Member
from tests.factories import make_assessment, make_household, make_member

# transaction=True: pg_restore and SQLite's backup API work on committed data, from outside the
# test's transaction. The reference data are put back after each test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
# For the tests whose rows no program outside needs to read (a backup of the data as they are,
# a restore refused before it starts, a database of their own): an ordinary test, rolled back,
# not a transactional one whose tables are emptied and refilled after it (seconds each).
not_committed = pytest.mark.django_db

# The tables whose rows a restore must give back exactly.
KEY_TABLES = [
    "households_ward",
    "households_quarter",
    "households_household",
    "households_member",
    "households_assessment",
    "households_assessment_causes",
    "households_user",
    "programs_agency",
    "programs_programme",
    "programs_programmerule",
    "programs_benefit",
]

DIGEST_SQL = """
def digest(connection, media_root):
    import hashlib, json
    from pathlib import Path
    out = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
            rows = [list(row) for row in cursor.fetchall()]
            text = json.dumps(rows, default=str, ensure_ascii=False, sort_keys=True)
            out[table] = [len(rows), hashlib.sha256(text.encode()).hexdigest()]
    root = Path(media_root)
    out["media"] = sorted(
        [p.relative_to(root).as_posix(), hashlib.sha256(p.read_bytes()).hexdigest()]
        for p in root.rglob("*") if p.is_file()
    ) if root.is_dir() else []
    return out
"""


def digest() -> dict[str, Any]:
    namespace: dict[str, Any] = {"TABLES": KEY_TABLES}
    exec(DIGEST_SQL, namespace)
    connection.ensure_connection()
    result: dict[str, Any] = namespace["digest"](connection, django_settings.MEDIA_ROOT)
    return result


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def make_data() -> Assessment:
    household = make_household(code="DT-0001", head_name="Nguyễn Thị Hoà")
    make_member(household, full_name="Nguyễn Thị Hoà")
    make_member(
        household, full_name="Trần Văn Bảy", relation=Member.Relation.CHILD, birth_year=2005
    )
    assessment = make_assessment(household, income_per_capita=650_000)
    name = default_storage.save("minutes/bien-ban-hop.pdf", ContentFile(b"%PDF-1.4 bien ban"))
    Assessment.objects.filter(pk=assessment.pk).update(meeting_minutes_file=name)
    return assessment


def spoil_data(media: Path) -> None:
    """Everything a bad day does: rows changed, deleted and added, files lost and added."""
    Household.objects.filter(code="DT-0001").update(head_name="Sai tên")
    Member.objects.filter(full_name="Trần Văn Bảy").delete()
    make_household(code="DT-0999", head_name="Hộ thêm sau khi sao lưu")
    (media / "minutes" / "bien-ban-hop.pdf").unlink()


def test_round_trip_gives_back_the_same_rows_and_files(
    media: Path, tmp_path: Path, capsys: Any
) -> None:
    # One transactional test for the operator's whole sequence (each transactional test costs
    # the tables emptied and the reference data written again after it): a backup and its
    # summary, then on the spoiled data a dry run and a restore without --yes, neither of which
    # changes anything, then the restore.
    make_data()
    before = digest()
    archive = tmp_path / "backups" / "giamngheo-test.tar.gz"

    call_command("backup", output=str(archive))
    out = capsys.readouterr().out.strip()
    assert out.startswith("Đã sao lưu cơ sở dữ liệu và 1 tệp đính kèm vào ")
    assert str(archive) in out and out.endswith("MB).")
    assert len(out.splitlines()) == 1
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    engine = "database.dump" if connection.vendor == "postgresql" else "database.sqlite3"
    assert {"manifest.json", engine, "media/minutes/bien-ban-hop.pdf"} <= set(names)

    spoil_data(media)
    spoiled = digest()
    assert spoiled != before

    # The dry run lists what a restore would put back, and changes nothing.
    call_command("restore", str(archive), dry_run=True)
    out = capsys.readouterr().out
    assert "Sẽ khôi phục" in out
    assert "minutes/bien-ban-hop.pdf" in out
    assert str(connection.settings_dict["NAME"]) in out
    assert digest() == spoiled

    # Under pytest standard input is not a terminal: no one can confirm.
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))
    assert digest() == spoiled

    call_command("restore", str(archive), yes=True)
    assert digest() == before
    assert Household.objects.get(code="DT-0001").head_name == "Nguyễn Thị Hoà"
    assert not Household.objects.filter(code="DT-0999").exists()
    assert (media / "minutes" / "bien-ban-hop.pdf").read_bytes() == b"%PDF-1.4 bien ban"


@not_committed
def test_default_name_is_dated_in_backup_dir(settings: Any, media: Path, tmp_path: Path) -> None:
    settings.BACKUP_DIR = tmp_path / "bk"
    call_command("backup")
    (archive,) = (tmp_path / "bk").iterdir()
    assert archive.name.startswith("giamngheo-") and archive.name.endswith(".tar.gz")
    stamp = archive.name.removeprefix("giamngheo-").removesuffix(".tar.gz")
    assert len(stamp) == len("YYYYMMDD-HHMMSS") and stamp[8] == "-"


@not_committed
def test_restore_of_a_file_that_is_not_a_backup_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-backup.tar.gz"
    bogus.write_bytes(b"\x00" * 100)
    with pytest.raises(CommandError, match="không phải là bản sao lưu"):
        call_command("restore", str(bogus), yes=True)
    with pytest.raises(CommandError, match="Không có tệp sao lưu"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), yes=True)


@not_committed
def test_restore_refuses_a_backup_of_the_other_engine(media: Path, tmp_path: Path) -> None:
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=str(archive))
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    forged = tmp_path / "other.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(forged, "w:gz") as target:
        manifest = json.load(source.extractfile("manifest.json"))  # type: ignore[arg-type]
        manifest["engine"] = other
        data = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        target.addfile(info, io.BytesIO(data))
        empty = tarfile.TarInfo(backup.DUMP_NAMES[other])
        target.addfile(empty, io.BytesIO(b""))
    with pytest.raises(CommandError, match="bản sao lưu của cơ sở dữ liệu"):
        call_command("restore", str(forged), yes=True)


# --- PostgreSQL client programs --------------------------------------------------------------


def fake_program(directory: Path, name: str, version: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    program = directory / name
    program.write_text(f"#!/bin/sh\necho '{name} (PostgreSQL) {version}'\n")
    program.chmod(0o755)
    return program


@not_committed
def test_pg_program_of_the_server_version_comes_first(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    fake_program(tmp_path / "lib" / "14" / "bin", "pg_dump", "14.9")
    wanted = fake_program(tmp_path / "lib" / "15" / "bin", "pg_dump", "15.20")
    fake_program(tmp_path / "lib" / "16" / "bin", "pg_dump", "16.1")
    glob = str(tmp_path / "lib" / "*" / "bin")
    assert backup.find_pg_program("pg_dump", 15, lib_glob=glob) == wanted
    # No client of the server's version: the newest newer one.
    assert backup.find_pg_program("pg_dump", 13, lib_glob=glob).parent.parent.name == "16"


@not_committed
def test_missing_pg_program_is_a_clear_error(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(backup.BackupError) as missing:
        backup.find_pg_program("pg_dump", 15, lib_glob=str(tmp_path / "none" / "*" / "bin"))
    assert "Không tìm thấy pg_dump" in str(missing.value)
    assert "postgresql-client-15" in str(missing.value)

    fake_program(tmp_path / "old", "pg_dump", "9.6.24")
    monkeypatch.setenv("PATH", str(tmp_path / "old"))
    with pytest.raises(backup.BackupError) as old:
        backup.find_pg_program("pg_dump", 15, lib_glob=str(tmp_path / "none" / "*" / "bin"))
    assert "cũ hơn" in str(old.value)


@not_committed
def test_password_goes_in_the_environment_never_on_the_command_line(monkeypatch: Any) -> None:
    monkeypatch.setitem(connections["default"].settings_dict, "PASSWORD", "mat-khau-bi-mat")
    monkeypatch.setitem(connections["default"].settings_dict, "USER", "giamngheo")
    args, env = backup._pg_command("default")
    assert not any("mat-khau-bi-mat" in arg for arg in args)
    assert env["PGPASSWORD"] == "mat-khau-bi-mat"
    assert "--no-password" in args and "giamngheo" in args


# --- The commands as an operator runs them, on a SQLite file database --------------------------

# The operator's steps other than the commands under test: migrate and write the data (in a
# process of their own, as the operator's), then spoil them after the backup (here, in the file
# itself). Each database state is read from this process.
SCRIPT = """
import django
django.setup()
from django.core.management import call_command
from tests.test_backup import make_data
call_command("migrate", interactive=False, verbosity=0)
make_data()
"""


def spoil_file(database: Path, media: Path) -> None:
    """`spoil_data` in the SQLite file, with SQL rather than one more process starting Django:
    a row changed, one deleted, one added, a file lost."""
    with closing(sqlite3.connect(database)) as db, db:
        db.execute(
            "UPDATE households_household SET head_name = ? WHERE code = ?", ("Sai tên", "DT-0001")
        )
        db.execute("DELETE FROM households_member WHERE full_name = ?", ("Trần Văn Bảy",))
        columns = [row[1] for row in db.execute("PRAGMA table_info(households_household)")]
        added = {"id": "NULL", "code": "'DT-0999'", "head_name": "'Hộ thêm sau khi sao lưu'"}
        db.execute(
            f"INSERT INTO households_household ({', '.join(columns)}) "
            f"SELECT {', '.join(added.get(c, c) for c in columns)} "
            "FROM households_household WHERE code = 'DT-0001'"
        )
    (media / "minutes" / "bien-ban-hop.pdf").unlink()


@not_committed
def test_sqlite_file_database_round_trip_with_the_commands(tmp_path: Path) -> None:
    base = Path(django_settings.BASE_DIR)
    database = tmp_path / "db.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_SETTINGS_MODULE": "giamngheo.settings",
        "PYTHONPATH": str(base),
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args],
            cwd=base,
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            check=False,
            timeout=300,
        )

    def state() -> dict[str, Any]:
        # The file database read through Django's SQLite backend, as the commands see it, here
        # rather than in one more process started for each look.
        namespace: dict[str, Any] = {"TABLES": KEY_TABLES}
        exec(DIGEST_SQL, namespace)
        handler = ConnectionHandler(
            {DEFAULT_DB_ALIAS: {"ENGINE": "django.db.backends.sqlite3", "NAME": str(database)}}
        )
        sqlite = handler[DEFAULT_DB_ALIAS]
        try:
            result: dict[str, Any] = namespace["digest"](sqlite, tmp_path / "media")
            return result
        finally:
            sqlite.close()

    made = run("-c", SCRIPT)
    assert made.returncode == 0, made.stderr
    before = state()
    assert before["households_household"][0] == 1 and before["media"]

    archive = tmp_path / "giamngheo.tar.gz"
    done = run("manage.py", "backup", "--output", str(archive))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Đã sao lưu")

    spoil_file(database, tmp_path / "media")
    spoiled = state()
    assert spoiled != before
    assert spoiled["households_household"][0] == 2
    assert spoiled["households_member"][0] == before["households_member"][0] - 1

    refused = run("manage.py", "restore", str(archive))
    assert refused.returncode != 0 and "--yes" in refused.stderr
    assert state() == spoiled

    restored = run("manage.py", "restore", str(archive), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert state() == before
