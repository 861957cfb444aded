"""Every write to jobs: enqueue, run (in the worker), remove what has expired."""

from __future__ import annotations

import datetime
import logging
import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from households.models import User, Ward
from jobs import storage
from jobs.models import Job
from jobs.runner import JobFailed, Outcome

logger = logging.getLogger(__name__)

# Which function does the work of each kind (see `jobs.runner`).
RUNNERS = {
    Job.Kind.HOUSEHOLD_XLSX: "reports.jobs.household_list_xlsx",
    Job.Kind.HOUSEHOLD_PDF: "reports.jobs.household_list_pdf",
    Job.Kind.IMPORT: "reports.jobs.import_households",
    Job.Kind.IMPORT_CHECK: "reports.jobs.check_import",
}

UNFINISHED = (Job.Status.QUEUED, Job.Status.RUNNING)


class TooManyJobs(Exception):
    """The user already has `settings.JOBS_MAX_PER_USER` jobs waiting or running."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "You already have %(count)s jobs waiting or running. Wait until one of them "
                "finishes, then try again."
            )
            % {"count": settings.JOBS_MAX_PER_USER}
        )


def keep_for() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.JOBS_KEEP_HOURS)


@transaction.atomic
def job_enqueue(
    *,
    owner: User,
    kind: str,
    parameters: dict[str, Any],
    ward: Ward | None = None,
    language: str | None = None,
) -> Job:
    """Record a job for `owner` and hand it to the task backend; old jobs are removed first.

    Refused (`TooManyJobs`) when the user already has JOBS_MAX_PER_USER jobs unfinished: a
    button pressed again and again does not fill the queue.
    """
    jobs_remove_expired()
    # The user's row is locked so that two requests at once cannot both pass the count.
    User.objects.select_for_update().filter(pk=owner.pk).first()
    if Job.objects.filter(owner=owner, status__in=UNFINISHED).count() >= settings.JOBS_MAX_PER_USER:
        raise TooManyJobs
    now = timezone.now()
    job = Job(
        kind=kind,
        owner=owner,
        ward=ward,
        parameters=parameters,
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
        created_at=now,
        expires_at=now + keep_for(),
    )
    job.full_clean()
    job.save()
    from jobs.tasks import run_job

    # The database backend writes the task in this transaction: the worker sees it on commit.
    # (The immediate backend, in tests, runs it here and now.)
    result = run_job.enqueue(str(job.pk))
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def job_run(*, job_id: str) -> None:
    """Do a job's work (in the worker), once: a task delivered twice does not import twice."""
    started = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now()
    )
    if not started:
        return  # removed meanwhile, or already run
    job = Job.objects.select_related("owner", "ward").get(pk=job_id)
    progress = storage.ProgressFile(job.pk)
    target = storage.part_path(job.pk)
    try:
        with translation.override(job.language):
            runner = import_string(RUNNERS[Job.Kind(job.kind)])
            outcome: Outcome = runner(job, target=target, progress=progress)
            stored = ""
            if outcome.filename:
                stored = f"{job.pk}{Path(outcome.filename).suffix.lower()[:10]}"
                os.replace(target, storage.jobs_dir() / stored)
            _finish(
                job,
                progress,
                Job.Status.DONE,
                message=outcome.message,
                link=outcome.link,
                action_url=outcome.action_url,
                action_label=outcome.action_label,
                file=stored,
                filename=outcome.filename if stored else "",
                content_type=outcome.content_type if stored else "",
            )
    except JobFailed as failed:
        _finish(job, progress, Job.Status.FAILED, message=failed.message, details=failed.details)
    except BaseException as error:
        # The traceback goes to the log for the administrator; the user reads what to do.
        logger.exception("Background job %s (%s) failed", job.pk, job.kind)
        with translation.override(job.language):
            message = _(
                "The job could not be completed because of an error on the server. Try again "
                "later; if it happens again, tell the administrator."
            )
        _finish(job, progress, Job.Status.FAILED, message=message)
        if not isinstance(error, Exception):
            raise  # the worker is being stopped: let it stop
    finally:
        target.unlink(missing_ok=True)
        progress.remove()


def _finish(
    job: Job,
    progress: storage.ProgressFile,
    status: str,
    *,
    message: str,
    link: str = "",
    details: list[dict[str, Any]] | None = None,
    **files: str,
) -> None:
    total = progress.total
    done = progress.done if total is None else min(progress.done, total)
    if status == Job.Status.DONE and total is not None:
        done = total
    Job.objects.filter(pk=job.pk).update(
        status=status,
        done=done,
        total=total,
        message=message,
        link=link,
        details=details or [],
        finished_at=timezone.now(),
        **files,
    )


def jobs_remove_expired(*, dry_run: bool = False) -> int:
    """Remove jobs past their `expires_at` with their files, and files no job names that are
    older than JOBS_KEEP_HOURS (left by a worker that was killed); return how many jobs.

    A job still running JOBS_RUNNING_HOURS after it started lost its worker (killed, or its
    host restarted): it is marked as not completed, so its page stops waiting."""
    now = timezone.now()
    if not dry_run:
        with translation.override(settings.LANGUAGE_CODE):
            interrupted = _(
                "The job was interrupted before it finished (the job worker stopped). "
                "Start it again."
            )
        Job.objects.filter(
            status=Job.Status.RUNNING,
            started_at__lt=now - datetime.timedelta(hours=settings.JOBS_RUNNING_HOURS),
        ).update(status=Job.Status.FAILED, message=interrupted, finished_at=now)
    expired = Job.objects.filter(expires_at__lt=now)
    names = list(expired.values_list("pk", "file"))
    if dry_run:
        return len(names)
    folder = storage.jobs_dir()
    for pk, name in names:
        for path in (storage.result_path(name), storage.part_path(pk), storage.progress_path(pk)):
            if path is not None:
                path.unlink(missing_ok=True)
    count = expired.delete()[0] if names else 0
    cutoff = time.time() - keep_for().total_seconds()
    known = {str(pk) for pk in Job.objects.values_list("pk", flat=True)}
    for path in folder.iterdir():
        if path.is_file() and path.name.split(".")[0] not in known:
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)
            except FileNotFoundError:
                continue
    return count
