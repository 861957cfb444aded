"""Confirming an import file checked by a background job (issue 11 §4).

A large file's check runs as a job (`reports.jobs.check_import`); its page offers "Confirm
import", posted here: the checked file is handed to a second job that saves it, all or nothing,
within the hour the synchronous preview also allows.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from households import access
from households.access import AuthenticatedRequest
from jobs import selectors, storage
from jobs.models import Job
from jobs.views import start_job
from reports import jobs as reports_jobs
from reports.views.exports import TOKEN_MAX_AGE


@login_required
@require_POST
def confirm_checked_import(request: AuthenticatedRequest, pk: Any) -> HttpResponse:
    user = request.user
    access.require(access.can_create_households(user))
    check = selectors.job_for(user=user, pk=pk)
    # Only the officer who uploaded the file confirms it (an administrator sees it, no more).
    if check.kind != Job.Kind.IMPORT_CHECK or check.owner_id != user.pk:
        raise Http404
    path = storage.result_path(check.parameters.get("file", ""))
    fresh = check.finished_at is not None and timezone.now() - check.finished_at < (
        datetime.timedelta(seconds=TOKEN_MAX_AGE)
    )
    name = ""
    if check.status == Job.Status.DONE and fresh and path is not None and check.ward is not None:
        try:
            name = reports_jobs.keep_for_job(path)  # a second press finds no file
        except FileNotFoundError:
            name = ""
    if not name:
        messages.error(
            request, _("This preview has expired or was already imported: upload the file again.")
        )
        return redirect("reports:import")
    assert check.ward is not None
    return start_job(
        request,
        kind=Job.Kind.IMPORT,
        parameters={"file": name, "ward": check.ward.pk, "rows": check.total},
        ward=check.ward,
        back="reports:import",
    )
