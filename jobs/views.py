"""A job's page (progress bar, message, download), its status as JSON, and the download.

Only the user who asked for a job, or an administrator, may see it: for anyone else it does
not exist (404). `start_job` is what a view calls to hand a long piece of work to a job.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from households.access import AuthenticatedRequest, signed_in_user
from households.models import Ward
from jobs import selectors, services, storage

# The user's jobs listed on their page: the latest ones (jobs are removed after a day anyway).
LIST_LIMIT = 50


def start_job(
    request: HttpRequest,
    *,
    kind: str,
    parameters: dict[str, Any],
    ward: Ward | None = None,
    back: str = "",
) -> HttpResponse:
    """Hand the work to a background job and show its page; `back` is where to return when
    the user may not start one more (they already have several running)."""
    try:
        job = services.job_enqueue(
            owner=signed_in_user(request),
            kind=kind,
            parameters=parameters,
            ward=ward,
        )
    except services.TooManyJobs as refused:
        messages.error(request, str(refused))
        return redirect(back or "jobs:list")
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_http_methods(["GET", "HEAD"])
def job_list(request: AuthenticatedRequest) -> HttpResponse:
    jobs = list(selectors.jobs_of(user=request.user)[:LIST_LIMIT])
    return render(request, "jobs/job_list.html", {"jobs": jobs, "keep_hours": _keep_hours()})


@login_required
@require_http_methods(["GET", "HEAD"])
def job_detail(request: AuthenticatedRequest, pk: Any) -> HttpResponse:
    job = selectors.job_for(user=request.user, pk=pk)
    return render(
        request,
        "jobs/job_detail.html",
        {"job": job, "state": selectors.job_state(job), "keep_hours": _keep_hours()},
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def job_status(request: AuthenticatedRequest, pk: Any) -> HttpResponse:
    job = selectors.job_for(user=request.user, pk=pk)
    return JsonResponse(selectors.job_state(job))


@login_required
@require_http_methods(["GET", "HEAD"])
def job_download(request: AuthenticatedRequest, pk: Any) -> HttpResponseBase:
    """The finished file, as an attachment; never kept by the browser or a proxy."""
    job = selectors.job_for(user=request.user, pk=pk)
    path = storage.result_path(job.file) if job.has_file else None
    if path is None:
        raise Http404
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise Http404 from None  # removed by the cleanup
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=job.filename,
        content_type=job.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "no-store, private"
    return response


def _keep_hours() -> int:
    return settings.JOBS_KEEP_HOURS
