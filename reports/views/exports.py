"""The household list as a spreadsheet and the Excel import of households (issue 5 §3, §4).

The import is two steps: the uploaded file is checked in a transaction that is rolled back
(the preview lists every problem), then kept server-side under a random name; the signed token
naming it comes back with "Confirm import", and the file is checked again and saved in one
transaction. The token names the user and the ward, so it cannot import someone else's file.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from audit.services import describe_query, record_view
from giamngheo import uploads
from giamngheo.forms import field_of
from households import access, selectors
from households.access import signed_in_user
from households.forms.lists import HouseholdFilterForm
from households.models import Asker, User, Ward
from households.scope import scope_of
from jobs.models import Job
from jobs.views import start_job
from programs.excel import xlsx_response
from reports import households_export, imports
from reports import jobs as reports_jobs
from reports.imports import LAYOUT, MAX_ROWS, ImportResult, Problem, example_rows

TOKEN_SALT = "reports.import"
# Rows the dry run lists on the page (a larger file is checked by a background job, which
# counts what it changes).
MAX_SHOWN = 2000
TOKEN_MAX_AGE = 60 * 60  # an hour between the preview and the confirmation


def _uploads() -> Path:
    """Where files wait between the preview and the confirmation (beside Django's own)."""
    return Path(settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir()) / "giamngheo-imports"


@login_required
@require_http_methods(["GET", "HEAD"])
def household_list_xlsx(request: HttpRequest) -> HttpResponseBase:
    """The household list with the filters of `/households/`, as an Excel sheet. `members=1`,
    which the list's "Export to Excel" asks for, gives one row per member in the import layout
    with the survey's columns (`reports.imports`), so the file goes back through the import
    unchanged; without it, one summary row per household (the command's default, and the
    performance bench's measure)."""
    user = request.user
    access.require(access.can_see_reports(user))
    scope = scope_of(request)
    form = HouseholdFilterForm.for_scope(request.GET, scope)  # as on the page
    wards, rounds = form.wards, form.rounds
    filters = form.filters()
    ward = next((w for w in wards if w.pk == filters.ward), wards[0] if len(wards) == 1 else None)
    review_round = next((r for r in rounds if r.pk == filters.review_round), None)
    if reports_jobs.list_is_larger_than(
        user=user, scope=scope, filters=filters, limit=settings.JOBS_XLSX_MIN_HOUSEHOLDS
    ):  # too long to write while the officer waits: a background job (issue 11 §4)
        record_view(request=request, action="export_households", detail=describe_query(request))
        return start_job(
            request,
            kind=Job.Kind.HOUSEHOLD_XLSX,
            parameters={"query": request.GET.urlencode()},
            ward=ward,
            back=f"{reverse('households:list')}?{request.GET.urlencode()}",
        )
    sheet = households_export.household_sheet(
        user=user,
        scope=scope,
        filters=filters,
        sort=selectors.parse_sort(request.GET.get("sort")),
        ward=ward,
        review_round=review_round,
        with_members=request.GET.get("members") == "1",
    )
    record_view(request=request, action="export_households", detail=describe_query(request))
    return households_export.xlsx_response(sheet)


# --- Import ------------------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "class": "form-control",
            }
        ),
    )
    ward = forms.ModelChoiceField(
        label=gettext_lazy("Ward / commune"),
        queryset=Ward.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, user: Asker, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if access.is_administrator(user):
            field_of(self, "ward", forms.ModelChoiceField).queryset = Ward.objects.all()
        else:
            del self.fields["ward"]  # an officer imports into their own ward

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Choose an Excel file ending in .xlsx (the template)."))
        if upload.size > imports.max_file_bytes():
            raise forms.ValidationError(_too_large_message())
        return upload


def _too_large_message() -> str:
    return _("The file is larger than %(size)s MB: split it into several files.") % {
        "size": imports.max_megabytes()
    }


def _import_ward(user: User, form: ImportForm) -> Ward:
    if "ward" in form.fields:
        return form.cleaned_data["ward"]
    if user.ward is None:  # only an officer, who has a ward, has no "ward" field
        raise PermissionDenied
    return user.ward


def _store(upload: Any) -> str:
    """Keep the upload until it is confirmed; previews no longer confirmable (older than the
    token) are removed on the way, so an abandoned preview's personal data does not linger."""
    folder = _uploads()
    folder.mkdir(mode=0o700, exist_ok=True)
    cutoff = time.time() - TOKEN_MAX_AGE
    for old in folder.glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    name = f"{uuid.uuid4().hex}.xlsx"
    try:
        with (folder / name).open("wb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
    except BaseException:
        (folder / name).unlink(missing_ok=True)  # a full disk leaves no half file behind
        raise
    return name


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "nav": "households",
        "columns": [str(c.header) for c in LAYOUT],
        "max_rows": MAX_ROWS,
        "max_mb": imports.max_megabytes(),
        "max_bytes": imports.max_file_bytes(),
        "max_shown": MAX_SHOWN,
        **extra,
    }


@csrf_exempt  # checked in _post, once the upload limit is in place (see giamngheo.uploads)
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_households(request: HttpRequest) -> HttpResponse:
    """Upload → preview (nothing saved) → confirm (everything saved, or nothing)."""
    user = request.user
    access.require(access.can_create_households(user))
    if request.method != "POST":
        return render(request, "reports/import.html", _context(request, form=ImportForm(user=user)))
    # Before anything reads the body: a declared oversize is refused unread, and a file
    # that turns out larger than declared stops being stored at the limit.
    if uploads.body_too_large(request, imports.max_file_bytes()):
        return _refuse_too_large(request)
    limiter = uploads.limit_uploads(request, imports.max_file_bytes())
    return _post(request, limiter)


def _refuse_too_large(request: HttpRequest) -> HttpResponse:
    result = ImportResult(problems=[Problem(0, "", _too_large_message())])
    return render(
        request,
        "reports/import.html",
        _context(request, form=ImportForm(user=request.user), result=result),
        status=413,
    )


@csrf_protect
def _post(request: HttpRequest, limiter: uploads.LimitedUploadHandler) -> HttpResponse:
    user = signed_in_user(request)
    if "token" in request.POST:
        return _confirm(request)
    if limiter.exceeded:
        return _refuse_too_large(request)
    form = ImportForm(request.POST, request.FILES, user=user)
    if not form.is_valid():
        return render(request, "reports/import.html", _context(request, form=form))
    ward = _import_ward(user, form)
    name = _store(form.cleaned_data["file"])
    path = _uploads() / name
    if reports_jobs.check_in_background(path):
        # A long check: a background job, whose page offers the confirmation (issue 11 §4).
        return start_job(
            request,
            kind=Job.Kind.IMPORT_CHECK,
            parameters={
                "file": reports_jobs.keep_for_job(path),
                "ward": ward.pk,
                "filename": form.cleaned_data["file"].name[:150],
            },
            ward=ward,
            back=reverse("reports:import"),
        )
    token = ""
    try:
        result = imports.import_households(path, user=user, ward=ward, commit=False)
        if result.is_valid:
            token = signing.dumps(
                {"file": name, "user": user.pk, "ward": ward.pk, "rows": result.rows},
                salt=TOKEN_SALT,
            )
    finally:
        if not token:  # only a file that passed waits for its confirmation
            path.unlink(missing_ok=True)
    return render(
        request,
        "reports/import.html",
        _context(
            request,
            form=ImportForm(user=user),
            result=result,
            ward=ward,
            token=token,
            filename=form.cleaned_data["file"].name,
        ),
    )


def _confirm(request: HttpRequest) -> HttpResponse:
    user = request.user
    try:
        data = signing.loads(request.POST["token"], salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        data = None
    name = data.get("file") if isinstance(data, dict) else None
    path = _uploads() / Path(name).name if isinstance(name, str) and name else None
    if data is None or data.get("user") != user.pk or path is None or not path.exists():
        messages.error(
            request, _("This preview has expired or was already imported: upload the file again.")
        )
        return redirect("reports:import")
    ward = Ward.objects.get(pk=data["ward"])
    rows = data.get("rows")
    if isinstance(rows, int) and rows >= settings.JOBS_IMPORT_MIN_ROWS:
        # Saved row by row in a background job with its progress (issue 11 §4).
        return start_job(
            request,
            kind=Job.Kind.IMPORT,
            parameters={"file": reports_jobs.keep_for_job(path), "ward": ward.pk, "rows": rows},
            ward=ward,
            back=reverse("reports:import"),
        )
    try:
        result = imports.import_households(path, user=user, ward=ward, commit=True)
    finally:
        path.unlink(missing_ok=True)  # imported or not, the preview's file is spent
    if not result.saved:
        # Something changed since the preview (another officer, another import): show why.
        return render(
            request,
            "reports/import.html",
            _context(request, form=ImportForm(user=user), result=result, ward=ward, token=""),
        )
    messages.success(
        request,
        _("%(households)s households with %(members)s members were imported into %(ward)s.")
        % {"households": len(result.households), "members": result.member_count, "ward": ward},
    )
    return redirect(f"{reverse('households:list')}?ward={ward.pk}")


@login_required
@require_http_methods(["GET", "HEAD"])
def import_template(request: HttpRequest) -> HttpResponseBase:
    """The empty layout to fill in, with an example household of two members."""
    access.require(access.can_create_households(request.user))
    return xlsx_response(
        filename="mau-nhap-ho-gia-dinh.xlsx",
        sheet_title=_("Households and members"),
        title=_(
            "Households and members – import template: one row per member; rows with the "
            "same household code are one household; delete the example rows"
        ),
        columns=[column.column() for column in LAYOUT],
        rows=example_rows(),
    )
