"""The one task every job runs through; which work it does is the job's `kind`.

With the database backend (`django_tasks_db`), `manage.py db_worker` runs it; the task row
is written in the same transaction as the `Job`, so a worker never sees one without the other.
"""

from __future__ import annotations

from django_tasks import task


@task()
def run_job(job_id: str) -> None:
    from jobs.services import job_run  # the services enqueue this task

    job_run(job_id=job_id)
