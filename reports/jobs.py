"""The reports' long work as background jobs (issue 11 §4): see `jobs.runner` for the contract.

Each runner reads what the request asked for from `job.parameters` (the household list's query
string, the waiting import file), checks it again through the same form and selectors as the
page, for `job.owner`, and calls the same functions as the synchronous view: a job sees what
its owner would see now, never more.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from households import selectors as household_selectors
from households.forms.lists import HouseholdFilterForm
from households.models import Asker, PovertyStatus, Ward
from households.scope import Scope
from jobs import storage
from jobs.models import Job
from jobs.runner import JobFailed, Outcome, Progress
from programs.excel import XLSX_CONTENT_TYPE
from programs.scope import scope_for
from reports import households_export, imports, pdf, xlsx_guard


def _list_form(job: Job, scope: Scope) -> HouseholdFilterForm:
    return HouseholdFilterForm.for_scope(QueryDict(job.parameters.get("query", "")), scope)


def household_list_xlsx(job: Job, *, target: Path, progress: Progress) -> Outcome:
    """The household list's Excel export (`reports:household_list_xlsx`), as a file."""
    user = job.owner
    # The list as its owner sees it now (the page's scope, `programs.scope`).
    scope = scope_for(user)
    query = QueryDict(job.parameters.get("query", ""))
    form = _list_form(job, scope)
    wards, rounds = form.wards, form.rounds
    filters = form.filters()
    # The sheet's heading names the ward and round as the synchronous export does.
    ward = next((w for w in wards if w.pk == filters.ward), wards[0] if len(wards) == 1 else None)
    review_round = next((r for r in rounds if r.pk == filters.review_round), None)
    sort = household_selectors.parse_sort(query.get("sort"))
    with_members = query.get("members") == "1"
    sheet = households_export.household_sheet(
        user=user,
        scope=scope,
        filters=filters,
        sort=sort,
        ward=ward,
        review_round=review_round,
        with_members=with_members,
    )
    count = households_export.write_sheet(target, sheet, progress=progress)
    return Outcome(
        message=_("%(count)s rows exported.") % {"count": _number(count)},
        filename=sheet.filename,
        content_type=XLSX_CONTENT_TYPE,
    )


def household_list_pdf(job: Job, *, target: Path, progress: Progress) -> Outcome:
    """The household list by status as a landscape PDF (`reports:household_list_pdf`)."""
    user = job.owner
    scope = scope_for(user)
    form = _list_form(job, scope)
    wards, rounds = form.wards, form.rounds
    filters = form.filters()
    households = household_selectors.household_list(
        user=user, scope=scope, filters=filters, sort="status"
    )
    limit = job.parameters.get("limit")
    rows = list(households[: limit + 1] if isinstance(limit, int) else households)
    if isinstance(limit, int) and len(rows) > limit:
        raise JobFailed(
            _(
                "This list has more than %(limit)s households, too many for one PDF. Choose a "
                "ward or commune (or a status) to print it in parts, or export it to Excel."
            )
            % {"limit": _number(limit)}
        )
    progress(0, None)  # WeasyPrint lays the document out in one go: no steps to count
    ward = next((w for w in wards if w.pk == filters.ward), None)
    if ward is None and len(wards) == 1:
        ward = wards[0]
    review_round = next((r for r in rounds if r.pk == filters.review_round), None)
    status = PovertyStatus(filters.status).label if filters.status in PovertyStatus else ""
    title = (
        _("List of %(status)s") % {"status": str(status).lower()}
        if status
        else _("List of households by status")
    )
    parts = [str(ward) if ward else _("Phan Thiet city")]
    if review_round:
        parts.append(review_round.name)
    content = pdf.render_household_list(
        rows,
        title=title,
        subtitle=" – ".join(parts),
        ward=ward,
        show_ward=ward is None,
        progress=progress,
    )
    target.write_bytes(content)
    progress(len(rows), len(rows))
    year = review_round.year if review_round else ""
    filename = pdf.ascii_filename(
        "danh-sach-ho", ward.name if ward else "thanh-pho", filters.status, year
    )
    return Outcome(
        message=_("%(count)s households printed.") % {"count": _number(len(rows))},
        filename=filename,
        content_type="application/pdf",
    )


def import_households(job: Job, *, target: Path, progress: Progress) -> Outcome:
    """The confirmed import of a checked file (`reports:import`): everything saved, or nothing."""
    path = storage.result_path(job.parameters.get("file", ""))
    if path is None or not path.exists():
        raise JobFailed(
            _("This preview has expired or was already imported: upload the file again.")
        )
    ward = Ward.objects.get(pk=job.parameters["ward"])
    total = job.parameters.get("rows")
    progress(0, total if isinstance(total, int) else None)
    try:
        result = imports.import_households(
            path, user=job.owner, ward=ward, commit=True, progress=progress
        )
    finally:
        path.unlink(missing_ok=True)  # imported or not, the file is spent
    if not result.saved:
        # Something changed since the preview (another officer, another import): say what.
        raise JobFailed(
            _("Nothing was imported: the file no longer passes the check.")
            if result.problems
            else _("Nothing was imported."),
            details=_problems(result),
        )
    progress(result.rows, result.rows)
    return Outcome(
        message=_("%(households)s households with %(members)s members were imported into %(ward)s.")
        % {
            "households": _number(len(result.households)),
            "members": _number(result.member_count),
            "ward": ward,
        },
        link=f"{reverse('households:list')}?ward={ward.pk}",
    )


def check_import(job: Job, *, target: Path, progress: Progress) -> Outcome:
    """The check of an uploaded import file (`reports:import`'s preview): nothing is saved.

    A file without problems waits in the jobs' folder for "Confirm import"
    (`reports:import_check_confirm`), which saves it in another job; a file with problems is
    removed, and the problems are listed by row on the job's page."""
    path = storage.result_path(job.parameters.get("file", ""))
    if path is None or not path.exists():
        raise JobFailed(
            _("This preview has expired or was already imported: upload the file again.")
        )
    ward = Ward.objects.get(pk=job.parameters["ward"])
    progress(0, None)
    try:
        result = imports.import_households(
            path, user=job.owner, ward=ward, commit=False, progress=progress
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if not result.is_valid:
        path.unlink(missing_ok=True)
        raise JobFailed(
            ngettext(
                "%(count)s problem: nothing was saved. Correct every row listed below in the "
                "file, then upload it again.",
                "%(count)s problems: nothing was saved. Correct every row listed below in the "
                "file, then upload it again.",
                len(result.problems),
            )
            % {"count": _number(len(result.problems))},
            details=_problems(result),
        )
    progress(result.rows, result.rows)
    counts = {name: _number(count) for name, count in result.counts().items()}
    return Outcome(
        message=_(
            "Check of %(name)s: no problem found. %(households)s households with %(members)s "
            "members will be added to or updated in %(ward)s. Nothing has been saved yet."
        )
        % {
            "name": job.parameters.get("filename", ""),
            "households": _number(len(result.households)),
            "members": _number(result.member_count),
            "ward": ward,
        }
        + " "
        + _(
            "New households: %(new_households)s · new members: %(new_members)s · rows "
            "changed: %(changed)s · rows unchanged: %(unchanged)s · surveys recorded: "
            "%(surveys)s."
        )
        % counts
        + " "
        + _(
            "A file this large is checked in the background: what it changes is counted, not "
            "listed row by row (a file under %(size)s KB is listed on the import page)."
        )
        % {"size": _number(settings.JOBS_IMPORT_CHECK_MIN_KB)},
        action_url=reverse("reports:import_check_confirm", args=[job.pk]),
        action_label=_("Confirm import"),
    )


def _problems(result: imports.ImportResult) -> list[dict[str, Any]]:
    return [
        {"row": p.row, "column": p.column, "message": str(p.message)}
        for p in result.problems[:MAX_DETAILS]
    ]


# The problems listed on a failed import's page (the rest are counted in the message).
MAX_DETAILS = 500


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def list_is_larger_than(*, user: Asker, scope: Scope, filters: Any, limit: int) -> bool:
    """Whether the household list `filters` gives in `scope` has more than `limit`
    households: reads at most limit + 1 keys, however long the list."""
    households = household_selectors.household_list(
        user=user, scope=scope, filters=filters, sort="code"
    )
    return households.order_by().values("pk")[: limit + 1].count() > limit


def check_in_background(path: Path) -> bool:
    """Whether an uploaded import file is large enough for its check to be a job: one of
    JOBS_IMPORT_CHECK_MIN_KB or more that `xlsx_guard` accepts (a refused file is refused at
    once, on the import page, as before)."""
    if path.stat().st_size < settings.JOBS_IMPORT_CHECK_MIN_KB * 1024:
        return False
    try:
        xlsx_guard.check_workbook(path, max_bytes=imports.max_file_bytes())
    except xlsx_guard.WorkbookRefused:
        return False
    return True


def keep_for_job(path: Path) -> str:
    """Move a checked import file from where previews wait (removed after an hour) into the
    jobs' folder, where it waits for the worker; return its name there."""
    name = f"import-{uuid.uuid4().hex}.xlsx"
    shutil.move(path, storage.jobs_dir() / name)
    return name
