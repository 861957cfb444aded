"""Uploaded files, served through a view that checks scope (issue 10).

The minutes of a community meeting name the households reviewed and how the people voted: they
are served to whoever may see the household, never straight from MEDIA_ROOT, in development or
in production alike.
"""

from __future__ import annotations

import os

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_http_methods

from audit.models import ViewLog
from audit.services import record_view
from households.models import Assessment, Household
from households.scope import scope_of

# What a browser may show itself; anything else (a Word file) is downloaded, never rendered.
INLINE_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
ATTACHMENT_TYPES = {
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
}


@login_required
@require_http_methods(["GET", "HEAD"])
def assessment_minutes(request: HttpRequest, pk: int) -> FileResponse:
    """The minutes file of an assessment's community meeting; another ward's is a 404."""
    assessment = get_object_or_404(
        Assessment.objects.filter(
            household__in=Household.objects.within(scope_of(request))
        ).select_related("household"),
        pk=pk,
    )
    name = assessment.meeting_minutes_file.name
    if not name:
        raise Http404
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    extension = os.path.splitext(name)[1].lower()
    inline = extension in INLINE_TYPES
    response = FileResponse(
        handle,
        as_attachment=not inline,
        # Django writes filename*=utf-8''… (RFC 5987) when the name is not plain ASCII.
        filename=os.path.basename(name),
        content_type=INLINE_TYPES.get(extension)
        or ATTACHMENT_TYPES.get(extension, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    record_view(
        request=request,
        action=ViewLog.Action.MINUTES_FILE,
        household=assessment.household,
        detail=name,
    )
    return response
