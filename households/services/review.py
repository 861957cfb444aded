"""The review of Circular 17/2016/TT-BLĐTBXH, step by step (REFERENCE.md §3.2–3.3).

draft → submitted (ward officer) → meeting_held (community meeting: date, attendance, share
agreeing, minutes) → posted (public posting, from/to, at least `review_rules.POSTING_WORKING_DAYS`
working days) → recognised (the ward chairman's decision: number, date after the posting, signer;
recorded by the ward's officer), or returned with a reason by the city at any step after
submission, back to the officer.
A recognised assessment is locked: a correction is an ad-hoc review, a new assessment in an
ad-hoc round (`assessment_open_adhoc`), never an edit.

Each step works on many assessments at once, because a meeting reviews a whole quarter's list and
one decision recognises a whole ward's; the singular functions are the one-household case. Every
step locks the rows, checks who may do it and from which state, writes the audit trail
(django-simple-history) and a `ReviewEvent`.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from giamngheo.formatting import fold_text
from households import access, review_rules, standing
from households.models import (
    EDITABLE_STATES,
    Asker,
    Assessment,
    Household,
    IncomeRoute,
    RequestKind,
    ReviewEvent,
    ReviewRound,
    ReviewState,
    User,
)
from households.models.assessments import MEETING_ATTENDANCE_MAX
from households.services.assessments import assessment_save
from households.services.registry import ensure_not_archived

Action = ReviewEvent.Action

# Which states each step starts from, and where it leads.
TRANSITIONS: Mapping[str, tuple[frozenset[str], str]] = {
    Action.SUBMIT: (frozenset(EDITABLE_STATES), ReviewState.SUBMITTED),
    Action.WITHDRAW: (frozenset({ReviewState.SUBMITTED}), ReviewState.DRAFT),
    Action.MEETING: (frozenset({ReviewState.SUBMITTED}), ReviewState.MEETING_HELD),
    Action.POSTING: (frozenset({ReviewState.MEETING_HELD}), ReviewState.POSTED),
    Action.RECOGNISE: (frozenset({ReviewState.POSTED}), ReviewState.RECOGNISED),
    Action.RETURN: (
        frozenset({ReviewState.SUBMITTED, ReviewState.MEETING_HELD, ReviewState.POSTED}),
        ReviewState.RETURNED,
    ),
}

SIGNER_MAX_LENGTH = Assessment._meta.get_field("decision_signer").max_length or 100

MINUTES_EXTENSIONS = frozenset({".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".odt"})
# The stored file name's own part: short enough that "minutes/<year>/<ward code>/<name>" plus
# the storage's "_abc1234" on a clash always fits `meeting_minutes_file`'s 255 characters.
MINUTES_NAME_MAX_LENGTH = 80
MINUTES_FILE_MAX_LENGTH = Assessment._meta.get_field("meeting_minutes_file").max_length or 255


def allowed_actions(user: Asker, assessment: Assessment) -> list[str]:
    """The steps `user` may take on `assessment` now, in the order the buttons are shown."""
    actions = []
    for action, (sources, _target) in TRANSITIONS.items():
        if assessment.state in sources and may_take(user, action, assessment.household):
            actions.append(action)
    return actions


def may_take(user: Asker, action: str, household: Household) -> bool:
    """Whether `user`'s role allows `action` on `household`'s assessments, whatever the state.

    Officers of the ward carry the review through the posting and record the ward chairman's
    decision; the city Labour department checks and returns (REFERENCE.md §7 "Who decides").
    """
    if action == Action.RECOGNISE:
        return access.can_recognise(user, household)
    if action == Action.RETURN:
        return access.can_return(user)
    return access.can_edit_household(user, household)


def _today() -> datetime.date:
    return timezone.localdate()


def _d(day: datetime.date) -> str:
    return date_format(day, "d/m/Y")


@transaction.atomic
def _step(
    *,
    assessments: Iterable[Assessment],
    action: str,
    by: User,
    fields: Mapping[str, Any] | None = None,
    note: str = "",
) -> list[Assessment]:
    sources, target = TRANSITIONS[action]
    ids = [a.pk for a in assessments]
    if not ids:
        raise ValidationError(_("Choose at least one assessment."))
    locked = list(
        Assessment.objects.select_for_update(of=("self",))
        .select_related("household", "household__ward", "round")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    if len(locked) != len(set(ids)):
        raise ValidationError(_("Some of the chosen assessments no longer exist."))
    for assessment in locked:
        if not may_take(by, action, assessment.household):
            raise PermissionDenied(_("You are not allowed to do this."))
        ensure_not_archived(assessment.household)
        if assessment.state not in sources:
            raise ValidationError(
                _("%(household)s: this step is not possible while the assessment is “%(state)s”.")
                % {"household": assessment.household, "state": assessment.get_state_display()}
            )
    now = timezone.now()
    changed = ["state", "version", "updated_at", *(fields or {})]
    for assessment in locked:
        previous = assessment.state
        assessment._review_from = previous  # type: ignore[attr-defined]
        assessment.state = target
        assessment.version += 1
        assessment.updated_at = now
        for name, value in (fields or {}).items():
            setattr(assessment, name, value)
        if action == Action.RECOGNISE:
            if assessment.decision_date is None:  # the recognising step's form requires one
                raise ValueError("A recognised assessment needs its decision's date.")
            assessment.effective_from = standing.effective_date(
                kind=assessment.round.kind,
                year=assessment.round.year,
                decision_date=assessment.decision_date,
            )
            if "effective_from" not in changed:
                changed.append("effective_from")
        if action == Action.SUBMIT:
            assessment.submitted_at = now
            assessment.return_reason = ""
            if "submitted_at" not in changed:
                changed += ["submitted_at", "return_reason"]
    bulk_update_with_history(locked, Assessment, changed, default_user=by, default_date=now)
    ReviewEvent.objects.bulk_create(
        ReviewEvent(
            assessment=a,
            action=action,
            from_state=a._review_from,  # type: ignore[attr-defined]
            to_state=target,
            note=note,
            by=by,
        )
        for a in locked
    )
    if action == Action.RECOGNISE:
        standing.refresh_spans([a.household_id for a in locked])
    return locked


def _one(assessments: list[Assessment]) -> Assessment:
    return assessments[0]


# --- The steps -----------------------------------------------------------------------------


def assessments_submit(*, assessments: Iterable[Assessment], by: User) -> list[Assessment]:
    """The ward officer sends drafts (or returned assessments) to the community review."""
    return _step(assessments=assessments, action=Action.SUBMIT, by=by)


def assessment_submit(*, assessment: Assessment, by: User) -> Assessment:
    return _one(assessments_submit(assessments=[assessment], by=by))


def assessment_withdraw(*, assessment: Assessment, by: User) -> Assessment:
    """Take a submitted assessment back to draft before the meeting, to correct it."""
    return _one(_step(assessments=[assessment], action=Action.WITHDRAW, by=by))


def assessments_record_meeting(
    *,
    assessments: Sequence[Assessment],
    by: User,
    meeting_date: datetime.date | None,
    attendance: int | None,
    agreement_percent: int | None,
    minutes: str = "",
    minutes_file: UploadedFile | None = None,
) -> list[Assessment]:
    """Record the community meeting (họp dân) that reviewed these assessments."""
    errors: dict[str, str] = {}
    if meeting_date is None:
        errors["meeting_date"] = _("Enter the date of the meeting.")
    elif meeting_date > _today():
        errors["meeting_date"] = _("The meeting date cannot be in the future.")
    else:
        starts = min(a.round.starts_on for a in assessments) if assessments else None
        if starts and meeting_date < starts:
            errors["meeting_date"] = _(
                "The meeting cannot be before the review round started (%(date)s)."
            ) % {"date": _d(starts)}
    if attendance is None or attendance < 1:
        errors["attendance"] = _("Enter how many people attended (at least 1).")
    elif attendance > MEETING_ATTENDANCE_MAX:
        errors["attendance"] = _(
            "A community meeting of more than %(limit_value)s people is not plausible."
        ) % {"limit_value": MEETING_ATTENDANCE_MAX}
    if agreement_percent is None or not 0 <= agreement_percent <= 100:
        errors["agreement_percent"] = _("Enter the share agreeing, from 0 to 100%.")
    minutes = minutes.strip()
    if not minutes and minutes_file is None:
        errors["minutes"] = _("Type the minutes or attach the minutes file.")
    if minutes_file is not None:
        extension = os.path.splitext(minutes_file.name or "")[1].lower()
        if extension not in MINUTES_EXTENSIONS:
            errors["minutes_file"] = _("The minutes file must be PDF, JPG, PNG, DOC, DOCX or ODT.")
        elif minutes_file.size and minutes_file.size > settings.UPLOAD_MAX_MEGABYTES * 1024**2:
            errors["minutes_file"] = _("The minutes file is larger than %(mb)s MB.") % {
                "mb": settings.UPLOAD_MAX_MEGABYTES
            }
    if errors:
        raise ValidationError(errors)
    fields: dict[str, Any] = {
        "meeting_date": meeting_date,
        "meeting_attendance": attendance,
        "meeting_agreement_percent": agreement_percent,
        "meeting_minutes": minutes,
    }
    stored = None
    if minutes_file is not None:
        first = assessments[0]
        path = minutes_storage_name(
            year=first.round.year, ward_code=first.household.ward.code, name=minutes_file.name
        )
        stored = fields["meeting_minutes_file"] = default_storage.save(
            path, minutes_file, max_length=MINUTES_FILE_MAX_LENGTH
        )
    try:
        return _step(assessments=assessments, action=Action.MEETING, by=by, fields=fields)
    except Exception:
        # Refused (e.g. someone else moved the assessment first): keep no orphan upload.
        if stored:
            default_storage.delete(stored)
        raise


def minutes_storage_name(*, year: int, ward_code: str, name: str | None) -> str:
    """Where an uploaded minutes file is kept: its name folded to ASCII and shortened
    ("Biên bản họp dân … .pdf" → "bien-ban-hop-dan-….pdf"), the extension kept, so the path is
    the same on every file system and fits the database column whatever the officer's file was
    called."""
    base, extension = os.path.splitext(os.path.basename(name or ""))
    slug = slugify(fold_text(base))[:MINUTES_NAME_MAX_LENGTH].strip("-_") or "bien-ban"
    return f"minutes/{year}/{ward_code}/{slug}{extension.lower()}"


def assessment_record_meeting(*, assessment: Assessment, by: User, **data: Any) -> Assessment:
    return _one(assessments_record_meeting(assessments=[assessment], by=by, **data))


def assessments_record_posting(
    *,
    assessments: Sequence[Assessment],
    by: User,
    posted_from: datetime.date | None,
    posted_to: datetime.date | None,
) -> list[Assessment]:
    """Record the public posting (niêm yết công khai) of the list after the meeting: at least
    `review_rules.POSTING_WORKING_DAYS` working days (REFERENCE.md §7)."""
    errors: dict[str, str] = {}
    if posted_from is None:
        errors["posted_from"] = _("Enter the first day of the posting.")
    if posted_to is None:
        errors["posted_to"] = _("Enter the last day of the posting.")
    if posted_from and posted_to:
        if posted_to < posted_from:
            errors["posted_to"] = _("The posting cannot end before it starts.")
        elif posted_from > _today():
            errors["posted_from"] = _("The posting cannot start in the future.")
        else:
            held = [a.meeting_date for a in assessments if a.meeting_date]
            if held and posted_from < max(held):
                errors["posted_from"] = _(
                    "The posting cannot start before the community meeting (%(date)s)."
                ) % {"date": _d(max(held))}
            given = review_rules.posting_working_days(posted_from, posted_to)
            if given < review_rules.POSTING_WORKING_DAYS:
                errors["posted_to"] = _(
                    "The list must stay posted for at least %(needed)d working days; from "
                    "%(start)s to %(end)s is %(given)d. Post it until %(earliest)s or later."
                ) % {
                    "needed": review_rules.POSTING_WORKING_DAYS,
                    "given": given,
                    "start": _d(posted_from),
                    "end": _d(posted_to),
                    "earliest": _d(review_rules.earliest_posting_end(posted_from)),
                }
    if errors:
        raise ValidationError(errors)
    return _step(
        assessments=assessments,
        action=Action.POSTING,
        by=by,
        fields={"posted_from": posted_from, "posted_to": posted_to},
    )


def assessment_record_posting(*, assessment: Assessment, by: User, **data: Any) -> Assessment:
    return _one(assessments_record_posting(assessments=[assessment], by=by, **data))


def assessments_recognise(
    *,
    assessments: Sequence[Assessment],
    by: User,
    decision_number: str,
    decision_date: datetime.date | None,
    decision_signer: str = "",
) -> list[Assessment]:
    """Record the ward or commune People's Committee chairman's decision recognising the result
    (Circular 17 Art. 2(1)): its number, its date (after the public posting has ended,
    REFERENCE.md §7) and who signed it. The ward's own officer records it (`access.can_recognise`).
    """
    errors: dict[str, str] = {}
    decision_number = " ".join(decision_number.split())
    decision_signer = " ".join(decision_signer.split())
    if not decision_number:
        errors["decision_number"] = _("Enter the decision number, e.g. 125/QĐ-UBND.")
    if not decision_signer:
        errors["decision_signer"] = _(
            "Enter who signed the decision, e.g. Nguyễn Văn A – Chủ tịch UBND phường Đức Thắng."
        )
    elif len(decision_signer) > SIGNER_MAX_LENGTH:
        errors["decision_signer"] = _("Write who signed in at most %(count)d characters.") % {
            "count": SIGNER_MAX_LENGTH
        }
    if decision_date is None:
        errors["decision_date"] = _("Enter the date of the decision.")
    elif decision_date > _today():
        errors["decision_date"] = _("The decision date cannot be in the future.")
    else:
        ends = [a.posted_to for a in assessments if a.posted_to]
        if ends and decision_date < review_rules.earliest_decision_date(max(ends)):
            errors["decision_date"] = _(
                "The decision must be dated after the public posting, which ends on %(date)s."
            ) % {"date": _d(max(ends))}
    if len({a.ward_id for a in assessments}) > 1:
        # The decision is the ward or commune chairman's: it covers the results made in one
        # unit (`Assessment.ward`: a merged ward decides on its predecessors' households).
        errors["decision_number"] = _(
            "One decision covers the households of one ward or commune only."
        )
    if errors:
        raise ValidationError(errors)
    assert decision_date is not None  # refused above otherwise
    return _step(
        assessments=assessments,
        action=Action.RECOGNISE,
        by=by,
        fields={
            "decision_number": decision_number,
            "decision_date": decision_date,
            "decision_signer": decision_signer,
        },
        note=f"{decision_number} ({_d(decision_date)}) – {decision_signer}",
    )


def assessment_recognise(*, assessment: Assessment, by: User, **data: Any) -> Assessment:
    return _one(assessments_recognise(assessments=[assessment], by=by, **data))


def assessments_return(
    *, assessments: Sequence[Assessment], by: User, reason: str
) -> list[Assessment]:
    """Send assessments back to the ward officer with the reason; they can then be corrected."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the assessment is returned.")})
    return _step(
        assessments=assessments,
        action=Action.RETURN,
        by=by,
        fields={"return_reason": reason},
        note=reason,
    )


def assessment_return(*, assessment: Assessment, by: User, reason: str) -> Assessment:
    return _one(assessments_return(assessments=[assessment], by=by, reason=reason))


# --- Ad-hoc reviews ------------------------------------------------------------------------


@transaction.atomic
def assessment_open_adhoc(
    *,
    household: Household,
    round: ReviewRound,
    request_kind: str,
    request_date: datetime.date | None,
    by: User,
) -> Assessment:
    """Open an ad-hoc review (Circular 17 Art. 4): a new draft in an ad-hoc round.

    The household asks to be added, or to be recognised as having escaped poverty, or a
    recognised assessment needs correcting. The draft starts from the latest recognised survey
    so the officer changes only what changed; the review then runs as for a periodic one.
    The request is dated within the round, and the round does not begin before the review
    whose result it corrects (`review_rules.adhoc_request_problems`, issue 13).
    """
    if not access.can_edit_household(by, household):
        raise PermissionDenied(_("You are not allowed to do this."))
    ensure_not_archived(household)
    errors: dict[str, str] = {}
    if round.kind != ReviewRound.Kind.AD_HOC:
        errors["round"] = _("Choose an ad-hoc review round.")
    if request_kind not in RequestKind.values:
        errors["request_kind"] = _("Choose what the household asks for.")
    if request_date is None:
        errors["request_date"] = _("Enter the date the request was received.")
    elif request_date > _today():
        errors["request_date"] = _("The request date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    if household.assessments.filter(round=round).exists():
        raise ValidationError(
            {"round": _("This household already has an assessment in this round; open that one.")}
        )
    base = standing.latest_recognised(household)
    problems = review_rules.adhoc_request_problems(
        round_name=round.name,
        starts_on=round.starts_on,
        ends_on=round.ends_on,
        request_date=request_date,
        corrected_name=base.round.name if base is not None else "",
        corrected_starts_on=base.round.starts_on if base is not None else None,
    )
    if problems:
        raise ValidationError(problems)
    if request_kind == RequestKind.CORRECTION and base is None:
        raise ValidationError(
            {"request_kind": _("There is no recognised assessment to correct for this household.")}
        )
    if request_kind == RequestKind.ESCAPE and (
        base is None or base.status not in ("poor", "near_poor")
    ):
        raise ValidationError(
            {
                "request_kind": _(
                    "Only a household recognised as poor or near-poor can ask to be recognised "
                    "as having escaped."
                )
            }
        )
    return assessment_save(
        household=household,
        round=round,
        **_income_carried_over(base, round),
        deprivations=_carried_over(base, round) if base else (),
        household_type=base.household_type if base else "",
        causes=list(base.causes.all()) if base else (),
        needs=list(base.needs.all()) if base else (),
        expected_to_escape=False,
        notes="",
        request_kind=request_kind,
        request_date=request_date,
        corrects=base if request_kind == RequestKind.CORRECTION else None,
        by=by,
    )


def _income_carried_over(base: Assessment | None, round: ReviewRound) -> dict[str, Any]:
    """The recognised survey's income route and answers, when the new round's standard has the
    same forms (Phiếu A and B1 belong to a standard) and its B1 answers still place the income;
    else a typed income to correct (0 when none was typed)."""
    if base is not None and base.income_route != IncomeRoute.TYPED:
        b1 = base.b1
        # Answers today's table no longer places (a partial table's score, scored before it
        # refused those) start the correction from a typed income instead.
        undetermined = base.income_route == IncomeRoute.PHIEU_B and (b1 is None or not b1.decided)
        if base.round.standard == round.standard and not undetermined:
            return {
                "income_route": base.income_route,
                "b1_answers": base.b1_answers,
                "screened_out": base.screened_out,
            }
        return {"income_per_capita": 0}
    return {"income_per_capita": base.income_per_capita if base else 0}


def _carried_over(base: Assessment, round: ReviewRound) -> dict[str, bool]:
    """The recognised survey's answers to the indicators the new round's standard also has
    (one column, one concept: `Assessment`); an indicator new to that standard starts
    unticked, one it dropped is left behind."""
    from households.classification import get_standard

    before = set(get_standard(base.round.standard).indicator_keys)
    return {
        key: getattr(base, key)
        for key in get_standard(round.standard).indicator_keys
        if key in before
    }
