"""Where jobs keep their files: `settings.JOBS_DIR`, a private folder never served as media.

Each job has at most three files there, named after its random id: the result being written
(`<id>.part`), the result once finished (`<id>.xlsx`, `<id>.pdf`), and its progress
(`<id>.progress`). Progress is a file rather than a column because an import saves every row
in one transaction: a progress row written from inside it would be seen only at its end (and
on SQLite would wait for its lock), while a file is seen at once by every web worker sharing
the folder, which they must share anyway to hand over the result.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from django.conf import settings

# Written at most this often (seconds): enough for a bar polled every second.
PROGRESS_INTERVAL = 0.5


def jobs_dir() -> Path:
    folder = Path(settings.JOBS_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def part_path(job_id: uuid.UUID | str) -> Path:
    return jobs_dir() / f"{job_id}.part"


def result_path(name: str) -> Path | None:
    """The finished file called `name`, if it is one of ours (no path may climb out)."""
    if not name or Path(name).name != name:
        return None
    return jobs_dir() / name


def progress_path(job_id: uuid.UUID | str) -> Path:
    return jobs_dir() / f"{job_id}.progress"


def read_progress(job_id: uuid.UUID | str) -> tuple[int, int | None] | None:
    try:
        text = progress_path(job_id).read_text(encoding="ascii")
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    parts = text.split()
    if len(parts) != 2 or not parts[0].isdigit():
        return None
    return int(parts[0]), int(parts[1]) if parts[1].isdigit() else None


class ProgressFile:
    """`progress(done, total)`, the callback the export, PDF and import functions take.

    Writes "done total" to the job's progress file, replaced whole so a reader never sees half
    a line, and not more often than every PROGRESS_INTERVAL seconds (the last step always).
    """

    def __init__(self, job_id: uuid.UUID | str) -> None:
        self.path = progress_path(job_id)
        self.done = 0
        self.total: int | None = None
        self._written_at = 0.0

    def __call__(self, done: int, total: int | None) -> None:
        self.done, self.total = max(done, 0), total
        now = time.monotonic()
        if now - self._written_at < PROGRESS_INTERVAL and done != total:
            return
        self._written_at = now
        temporary = self.path.with_suffix(".progress-new")
        temporary.write_text(f"{self.done} {'-' if total is None else total}", encoding="ascii")
        os.replace(temporary, self.path)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
        self.path.with_suffix(".progress-new").unlink(missing_ok=True)
