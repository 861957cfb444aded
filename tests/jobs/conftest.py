"""Jobs run at once in the tests (django-tasks' immediate backend), into a private folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _jobs_settings(settings: Any, tmp_path: Path) -> Path:
    settings.JOBS_DIR = tmp_path / "jobs"
    settings.TASKS = IMMEDIATE
    return settings.JOBS_DIR
