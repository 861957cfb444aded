"""What the management commands print is Vietnamese, as the pages are (issue 13: "English left
in command output"). Each command a user meets runs here and its output is searched for
English words; the values it prints (paths, codes) are taken out first."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django_tasks_db.management.commands import db_worker as library_worker

from demo.progress import ProgressBar
from jobs.worker_log import LINES, translate_worker_log
from tests.factories import make_assessment, make_household, make_member, make_round

pytestmark = pytest.mark.django_db

# Words of the English lines the commands printed; none is a Vietnamese word.
ENGLISH = re.compile(
    r"\b(the|and|with|from|would|was|were|rows?|households?|members?|problems?|nothing|"
    r"imported|import|removed|expired|jobs?|worker|started|starting|queues?|tasks?|done|"
    r"left|eta|plan|planning|review|programmes|history|later|standing|benefits|file|"
    r"received|exiting|gracefully|failed|state|no|cannot|read)\b",
    re.IGNORECASE,
)


def english_in(text: str, *values: object) -> list[str]:
    for value in values:
        text = text.replace(str(value), "")
    return ENGLISH.findall(text)


def exported(tmp_path: Path) -> Path:
    review_round = make_round(2017)
    household = make_household("tien-loi", code="TL-0001", head_name="Lê Thị Hoa")
    make_member(household, full_name="Lê Thị Hoa", sex="female")
    make_assessment(household, review_round=review_round, income_per_capita=800_000)
    output = tmp_path / "ho.xlsx"
    call_command(
        "export_households", "--year", "2017", "--unit", "tien-loi", "--members",
        "--output", str(output), stdout=io.StringIO(),
    )  # fmt: skip
    return output


def test_import_households_prints_vietnamese(tmp_path: Path) -> None:
    output = exported(tmp_path)
    for options in (["--dry-run"], []):
        out = io.StringIO()
        call_command("import_households", str(output), "--unit", "tien-loi", *options, stdout=out)
        assert out.getvalue().strip()
        assert english_in(out.getvalue()) == [], out.getvalue()

    err = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_households", str(output), "--unit", "duc-thang", stderr=err)
    assert str(refused.value) == "1 lỗi: không có gì được nhập."
    assert err.getvalue().startswith("Dòng 3, Phường/xã: ")
    assert english_in(err.getvalue()) == [], err.getvalue()

    with pytest.raises(CommandError) as unknown:
        call_command("import_households", str(output), "--unit", "nowhere")
    assert english_in(str(unknown.value), "nowhere") == [], str(unknown.value)
    missing = tmp_path / "missing.xlsx"
    with pytest.raises(CommandError) as absent:
        call_command("import_households", str(missing))
    assert str(absent.value) == f"Không có tệp {missing}."


def test_cleanup_jobs_prints_vietnamese() -> None:
    for options in (["--dry-run"], []):
        out = io.StringIO()
        call_command("cleanup_jobs", *options, stdout=out)
        assert out.getvalue().strip()
        assert english_in(out.getvalue()) == [], out.getvalue()


def test_the_progress_bar_of_the_data_commands_is_vietnamese() -> None:
    stream = io.StringIO()
    bar = ProgressBar(stream)
    # The steps `seed_demo` and `generate_synthetic` report.
    for phase in (
        "plan", "households", "review", "programmes", "history", "later", "later-review",
        "standing", "benefits",
    ):  # fmt: skip
        bar(phase, 1500, 3000)
        bar(phase, 1, 1)
    lines = stream.getvalue().splitlines()
    assert (
        lines[0].startswith("lập kế hoạch ")
        and "1.500/3.000" in lines[0]
        and ", còn 0:" in lines[0]
    )
    assert lines[1].endswith(", xong")
    assert english_in(stream.getvalue()) == [], stream.getvalue()


def test_the_job_worker_prints_vietnamese(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The test runs in one transaction and must keep Ctrl+C as it was.
    monkeypatch.setattr(library_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(library_worker.Worker, "configure_signals", lambda self: None)
    caplog.set_level(logging.INFO)

    call_command(
        "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--worker-id", "w1",
        stdout=io.StringIO(),
    )  # fmt: skip

    assert caplog.messages == [
        "Bộ xử lý công việc w1 đã khởi động, hàng đợi: default.",
        "Không còn công việc nào: bộ xử lý công việc w1 dừng.",
    ]
    with pytest.raises(CommandError) as refused:
        call_command("db_worker", "--queue-name", "default", "--exclude-queues", "x")
    assert english_in(str(refused.value), "--queue-name", "--exclude-queues") == []


@pytest.mark.parametrize("message", sorted(LINES))
def test_every_line_of_the_job_worker_is_translated(
    message: str, caplog: pytest.LogCaptureFixture
) -> None:
    translate_worker_log()
    caplog.set_level(logging.DEBUG)
    args: Any = tuple(range(1, message.count("%") + 1))
    logging.getLogger("django_tasks_db").info(message, *args)
    assert english_in(caplog.messages[0], "--reload", "--batch") == [], caplog.messages[0]
