"""Reads of jobs: each one through `job_for`, so another user's job is a 404 (STYLE.md §3)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from households import access
from households.models import User
from jobs import storage
from jobs.models import Job

# A job still waiting after this many seconds: the page says a worker may not be running.
WAITING_HINT_SECONDS = 30


def job_for(*, user: User, pk: Any) -> Job:
    """The job `pk` if `user` asked for it, or is an administrator; else 404."""
    jobs = Job.objects.select_related("ward")
    if not access.is_administrator(user):
        jobs = jobs.filter(owner=user)
    job = jobs.filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def jobs_of(*, user: User) -> QuerySet[Job]:
    """The user's own jobs not yet removed, newest first."""
    return Job.objects.filter(owner=user).select_related("ward").order_by("-created_at")


def job_state(job: Job) -> dict[str, Any]:
    """What the status page shows and its script polls: status, progress, message, download."""
    done, total = job.done, job.total
    if job.status == Job.Status.RUNNING:
        done, total = storage.read_progress(job.pk) or (0, None)
    percent = None
    if total:
        percent = min(100, done * 100 // total)
    elif job.status == Job.Status.DONE:
        percent = 100
    waited = (timezone.now() - job.created_at).total_seconds()
    return {
        "status": job.status,
        "label": str(job.get_status_display()),
        "finished": job.is_finished,
        "done": done,
        "total": total,
        "percent": percent,
        "message": job.message,
        "waiting_long": job.status == Job.Status.QUEUED and waited > WAITING_HINT_SECONDS,
        "download_url": reverse("jobs:download", args=[job.pk]) if job.has_file else "",
    }
