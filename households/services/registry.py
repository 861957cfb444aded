"""Writes to the registry: households, members, review rounds and users.

`household_register` saves a household with its whole roster in one transaction, as the
workspace form (and later the Excel import) enters it; the duplicate lookups it runs
(`national_id_holders`, `possible_duplicate_households`) are public so an import can reuse them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from giamngheo.formatting import fold_text
from households import access, extensions, standing
from households.models import (
    EDITABLE_STATES,
    Assessment,
    Household,
    Member,
    ReviewRound,
    ReviewState,
    User,
    Ward,
)
from households.models.registry import fold_name
from households.scope import Scope
from households.services.assessments import assessment_reclassify
from households.services.locking import StaleEditError, check_and_bump_version

HOUSEHOLD_FIELDS = frozenset(
    {
        "ward",
        "quarter",
        "code",
        "head_name",
        "address",
        "phone",
        "is_merit_family",
        "is_social_protection",
        "is_ethnic_minority",
        "is_female_headed",
        "has_no_working_age_labour",
    }
)
MEMBER_FIELDS = frozenset(
    {
        "full_name",
        "sex",
        "date_of_birth",
        "birth_year",
        "relation",
        "national_id",
        "ethnicity",
        "education_level",
        "attends_school",
        "health_insurance_number",
        "health_insurance_expiry",
        "disability",
        "work_ability",
        "occupation",
    }
)


# Named constraints report on the whole form; the officer corrects one field.
CONSTRAINT_FIELDS = {
    "household_code_unique_in_ward": "code",
    "member_listed_once_per_household": "full_name",
    "one_head_per_household": "relation",
}


def _assign(instance: Any, allowed: frozenset[str], fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown fields for {type(instance).__name__}: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)


def _full_clean(instance: models.Model, *, exclude: Collection[str] = ()) -> None:
    """`full_clean()`, with each named constraint's message on the field it concerns."""
    errors: dict[str, list[ValidationError]] = {}
    try:
        instance.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    # As Django does: constraints only for the fields that passed validation.
    skip = set(exclude) | (set(errors) - {NON_FIELD_ERRORS})
    for constraint in instance._meta.constraints:
        try:
            constraint.validate(type(instance), instance, exclude=skip)  # type: ignore[attr-defined]
        except ValidationError as exc:
            field = CONSTRAINT_FIELDS.get(constraint.name, NON_FIELD_ERRORS)
            errors.setdefault(field, []).extend(exc.error_list)
    if errors:
        raise ValidationError(errors)


def _insert_or_update(household: Household) -> None:
    """Save `household`; a household code taken meanwhile is the same error as when the check
    sees it. Two officers may create the same code at once: both pass the check, the database
    refuses the second insert (issue 10), so it is tried in a savepoint and the constraint is
    checked again once the other transaction has committed."""
    try:
        with transaction.atomic():
            household.save()
    except IntegrityError:
        if household.pk is not None and household._state.adding:
            household.pk = None  # the insert did not happen
        code_taken = (
            Household.objects.filter(ward_id=household.ward_id, code=household.code)
            .exclude(pk=household.pk)
            .exists()
            if household.ward_id
            else False
        )
        if not code_taken:
            raise
        raise ValidationError({"code": [_code_taken_message()]}) from None


def _code_taken_message() -> str:
    constraint = next(
        c for c in Household._meta.constraints if c.name == "household_code_unique_in_ward"
    )
    return str(constraint.violation_error_message)


def ensure_not_archived(household: Household) -> None:
    """Refuse to change an archived household or its members: its record is kept as it was
    (issue 10). Reads the saved row, so a form opened before the archiving is refused too."""
    if household.pk is None:
        return
    archived = (
        Household.objects.filter(pk=household.pk)
        .values_list("archived_at", "archive_reason")
        .first()
    )
    if archived is not None and archived[0] is not None:
        raise ValidationError(archived_message(archived[0], archived[1]))


def archived_message(archived_at: Any, reason: str) -> str:
    return _(
        "This household was archived on %(date)s (reason: %(reason)s): it can no longer be "
        "changed or surveyed."
    ) % {"date": date_format(timezone.localtime(archived_at), "d/m/Y"), "reason": reason}


# --- Households ----------------------------------------------------------------------------


@transaction.atomic
def household_save(*, household: Household, expected_version: int | None = None) -> Household:
    """Validate and save a new or changed household (the admin and forms fill the instance).

    `expected_version` is the version the editing form was opened at: a later save by someone
    else makes this one fail with `StaleEditError` (optimistic locking). An archived household
    is not changed (`ensure_not_archived`).
    """
    ensure_not_archived(household)
    _full_clean(household)
    check_and_bump_version(household, expected_version)
    _insert_or_update(household)
    return household


def household_create(**fields: Any) -> Household:
    household = Household()
    _assign(household, HOUSEHOLD_FIELDS, fields)
    return household_save(household=household)


def household_update(
    *, household: Household, expected_version: int | None = None, **fields: Any
) -> Household:
    _assign(household, HOUSEHOLD_FIELDS, fields)
    return household_save(household=household, expected_version=expected_version)


# Results still on their way through the community meeting and the posting: a household is not
# archived in the middle of its public review.
_UNDER_REVIEW = (ReviewState.SUBMITTED, ReviewState.MEETING_HELD, ReviewState.POSTED)


@transaction.atomic
def household_archive(*, household: Household, by: User, reason: str) -> Household:
    """Archive a household that no longer exists here (moved away for good, merged, entered by
    mistake): households are archived with their history, never deleted (issue 10).

    The officer of its ward or an administrator (`access.can_archive`) gives the reason. From
    the day it is archived the household has no standing (`households.standing`): it leaves the
    lists, as an outflow of the period; its past figures do not change. It can no longer be
    edited or surveyed; an administrator may bring it back (`household_unarchive`).
    """
    access.require(access.can_archive(by, household))
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"archive_reason": [_("Enter why the household is archived.")]})
    max_length = Household._meta.get_field("archive_reason").max_length or 255
    if len(reason) > max_length:
        raise ValidationError(
            {
                "archive_reason": [
                    _("Keep the reason under %(count)s characters.") % {"count": max_length}
                ]
            }
        )
    check_and_bump_version(household, None)  # locks the row: two archivings do not cross
    ensure_not_archived(household)
    in_review = household.assessments.filter(state__in=_UNDER_REVIEW).select_related("round")
    if in_review:
        raise ValidationError(
            _(
                "A survey of this household is in review (%(rounds)s): withdraw it or finish "
                "its review before archiving the household."
            )
            % {"rounds": ", ".join(str(a.round) for a in in_review)}
        )
    household.archived_at = timezone.now()
    household.archived_by = by
    household.archive_reason = reason
    household._history_user = by  # type: ignore[attr-defined]
    household.save(
        update_fields=["archived_at", "archived_by", "archive_reason", "version", "updated_at"]
    )
    standing.refresh_spans([household.pk])
    return household


@transaction.atomic
def household_unarchive(*, household: Household, by: User) -> Household:
    """Bring an archived household back into the registry: administrators only (issue 10)."""
    access.require(access.is_administrator(by))
    check_and_bump_version(household, None)
    archived_at = (
        Household.objects.filter(pk=household.pk).values_list("archived_at", flat=True).first()
    )
    if archived_at is None:
        raise ValidationError(_("This household is not archived."))
    household.archived_at = None
    household.archived_by = None
    household.archive_reason = ""
    household._history_user = by  # type: ignore[attr-defined]
    household.save(
        update_fields=["archived_at", "archived_by", "archive_reason", "version", "updated_at"]
    )
    standing.refresh_spans([household.pk])
    return household


# --- Members -------------------------------------------------------------------------------


@transaction.atomic
def member_save(*, member: Member) -> Member:
    """Validate and save a new or changed member of `member.household`."""
    ensure_not_archived(member.household)
    return _member_save(member)


def _member_save(member: Member) -> Member:
    _full_clean(member)
    member.save()
    return member


def member_create(*, household: Household, **fields: Any) -> Member:
    member = Member(household=household)
    _assign(member, MEMBER_FIELDS, fields)
    return member_save(member=member)


def member_update(*, member: Member, **fields: Any) -> Member:
    _assign(member, MEMBER_FIELDS, fields)
    return member_save(member=member)


@transaction.atomic
def member_delete(*, member: Member) -> None:
    """Remove a member entered by mistake; one an app keeps is refused (benefits recorded:
    `households.extensions.member_removal_refusals`)."""
    ensure_not_archived(member.household)
    message = extensions.removal_refusal(member)
    if message is not None:
        raise ValidationError(message)
    member.delete()


# --- A household with its roster, in one transaction -----------------------------------------


class HouseholdRegisterError(ValidationError):
    """Why a household and its roster were not saved, sorted for the form that shows it.

    `household_errors` by household field; `member_errors` by position in the `members` passed
    to `household_register`, then by field; `roster_errors` about the roster as a whole;
    `possible_duplicates`, households that may be this one entered twice (issue 3 §7).
    """

    def __init__(self) -> None:
        super().__init__(_("The household was not saved."))
        self.household_errors: dict[str, list[str]] = {}
        self.member_errors: dict[int, dict[str, list[str]]] = {}
        # By position in the `deleted` passed to `household_register`.
        self.deleted_errors: dict[int, list[str]] = {}
        self.roster_errors: list[str] = []
        self.possible_duplicates: list[Household] = []

    def add_member_error(self, index: int, field: str, message: str) -> None:
        self.member_errors.setdefault(index, {}).setdefault(field, []).append(message)

    def messages_found(self) -> list[str]:
        """Every problem as one line, e.g. for an import's report."""
        found = [m for messages in self.household_errors.values() for m in messages]
        for index, errors in sorted(self.member_errors.items()):
            found += [
                _("Member %(row)s: %(message)s") % {"row": index + 1, "message": message}
                for messages in errors.values()
                for message in messages
            ]
        for _index, messages in sorted(self.deleted_errors.items()):
            found += messages
        found += self.roster_errors
        if self.possible_duplicates:
            found.append(
                _(
                    "A household with the same head and year of birth is already registered in "
                    "this ward: %(households)s. Check that it is not the same household, then "
                    "confirm."
                )
                % {"households": "; ".join(str(h) for h in self.possible_duplicates)}
            )
        return found

    @property
    def messages(self) -> list[str]:
        return self.messages_found() or super().messages


def roster_problems(
    rows: Sequence[Mapping[str, Any] | None], *, require_head: bool = False
) -> tuple[dict[int, dict[str, str]], list[str]]:
    """What no single member row can see: one person (folded name and year of birth) or one
    national ID number on two rows, more than one head, and with `require_head` no head.

    `rows` are the members' values in the order shown, None for a row left out (blank, or to
    be deleted); messages name rows from 1. Returns errors by row index and field, and errors
    of the roster as a whole. The roster formsets and `household_register` share it.
    """
    row_errors: dict[int, dict[str, str]] = {}
    seen_people: dict[tuple[str, int], int] = {}
    seen_ids: dict[str, int] = {}
    heads = 0
    for index, data in enumerate(rows):
        if data is None:
            continue
        row = index + 1
        name, year = data.get("full_name"), data.get("birth_year")
        if not year and data.get("date_of_birth"):
            year = data["date_of_birth"].year
        if name and year:
            key = (fold_text(name), year)
            if key in seen_people:
                row_errors.setdefault(index, {})["full_name"] = _(
                    "This person is already listed on row %(row)s."
                ) % {"row": seen_people[key]}
            seen_people.setdefault(key, row)
        national_id = data.get("national_id")
        if national_id:
            if national_id in seen_ids:
                row_errors.setdefault(index, {})["national_id"] = _(
                    "This national ID number is already entered on row %(row)s."
                ) % {"row": seen_ids[national_id]}
            seen_ids.setdefault(national_id, row)
        if data.get("relation") == Member.Relation.HEAD:
            heads += 1
    roster_errors = []
    if heads > 1:
        roster_errors.append(
            _("A household has only one head; %(count)s rows say head.") % {"count": heads}
        )
    elif heads == 0 and require_head and any(data is not None for data in rows):
        roster_errors.append(_("Mark one member as the head of household."))
    return row_errors, roster_errors


def national_id_holders(
    national_ids: Iterable[str | None], *, excluding: Iterable[int] = ()
) -> dict[str, Member]:
    """The members already holding these national ID numbers, by number, with their household
    and ward; `excluding` are member ids to leave out (the roster being saved)."""
    wanted = {number for number in national_ids if number}
    if not wanted:
        return {}
    holders = (
        Member.objects.filter(national_id__in=wanted)
        .exclude(pk__in=list(excluding))
        .select_related("household__ward")
    )
    return {member.national_id: member for member in holders if member.national_id}


def national_id_taken_message(holder: Member, *, named: bool) -> str:
    """The error for a national ID number `holder` already has: the household is named only
    when the user may see it, so the message leaks nothing of another ward."""
    if not named:
        return _("This national ID number is already registered in a household of another ward.")
    household = holder.household
    return _(
        "This national ID number is already registered in household %(household)s, %(ward)s."
    ) % {
        "household": household,
        "ward": f"{household.ward.get_kind_display().lower()} {household.ward.name}",
    }


def possible_duplicate_households(
    *,
    ward: Ward | int,
    head_name: str,
    head_birth_year: int | None,
    excluding: Household | None = None,
) -> list[Household]:
    """Households of `ward` whose head has the same name (accents and case aside) and year of
    birth: probably the same family entered twice (issue 3 §7)."""
    folded = fold_name(head_name)
    if not folded or not head_birth_year:
        return []
    found = Household.objects.filter(
        ward=ward,
        head_name_folded=folded,
        members__relation=Member.Relation.HEAD,
        members__birth_year=head_birth_year,
    )
    if excluding is not None and excluding.pk is not None:
        found = found.exclude(pk=excluding.pk)
    return list(found.select_related("ward", "quarter").distinct().order_by("code"))


def _values(instance: models.Model, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in names}


def _attnames(model: type[models.Model], names: Iterable[str]) -> list[str]:
    return sorted(model._meta.get_field(name).attname for name in names)  # type: ignore[union-attr]


HOUSEHOLD_ATTNAMES = _attnames(Household, HOUSEHOLD_FIELDS)
MEMBER_ATTNAMES = _attnames(Member, MEMBER_FIELDS)


def _stale_message(household: Household) -> str:
    """Who saved the household or one of its members last, and when."""
    member_history = Member.history.model
    changes = [
        household.history.select_related("history_user").first(),
        member_history.objects.filter(household_id=household.pk)
        .select_related("history_user")
        .order_by("-history_date")
        .first(),
    ]
    latest = max((c for c in changes if c is not None), key=lambda c: c.history_date, default=None)
    user = latest.history_user if latest is not None else None
    who = (user.get_full_name() or user.username) if user else _("Someone else")
    if latest is None:
        when = ""
    else:
        when = date_format(timezone.localtime(latest.history_date), "d/m/Y H:i")
    return _(
        "%(who)s saved this household at %(when)s, after you opened it. Nothing of yours was "
        "saved: your entries are kept below. Compare them with the latest data, then save again."
    ) % {"who": who, "when": when}


def household_check_version(*, household: Household, expected_version: int | None) -> None:
    """Raise `StaleEditError` if the household was saved since the form was opened at
    `expected_version`: a read, for a form that cannot be saved anyway (`household_register`
    checks again, with the row locked)."""
    if household.pk is None or expected_version is None:
        return
    current = Household.objects.filter(pk=household.pk).values_list("version", flat=True).first()
    if current is not None and current != expected_version:
        raise StaleEditError(_stale_message(household))


@transaction.atomic
def household_register(
    *,
    household: Household,
    members: Sequence[Member],
    deleted: Sequence[Member] = (),
    expected_version: int | None = None,
    not_duplicate: bool = False,
    by: User | None = None,
    scope: Scope = Scope.EVERYTHING,
) -> Household:
    """Save a household with its whole roster: everything or, on any error, nothing.

    `household` and `members` carry the values entered (new ones without a pk); `members` is
    the roster to keep, `deleted` the members to remove. Raises `HouseholdRegisterError` with
    every problem at once: each field; the roster as a whole (`roster_problems`, a head whose
    name is the household's head name); a national ID number already held in another household
    (named if it is within `scope`: what the one who saves sees); a household of the same ward
    with the same head name and year of birth, unless `not_duplicate` says the officer checked
    it (issue 3 §7).

    Optimistic locking (issue 3 §9): `expected_version` is the household's version when the
    form was opened; if someone saved the household or its members since, `StaleEditError`.
    The household row is the lock for the whole form, so a change to members alone bumps its
    version too. Draft and returned assessments are classified again when the roster changed.
    """
    stored = (
        Household.objects.filter(pk=household.pk).values(*HOUSEHOLD_ATTNAMES).first()
        if household.pk is not None
        else None
    )
    if by is not None:
        access.require(access.can_edit_ward(by, household.ward_id))
        if stored is not None:
            access.require(access.can_edit_ward(by, stored["ward_id"]))
    if stored is not None:
        ensure_not_archived(household)
    if household.pk is not None:
        try:
            check_and_bump_version(household, expected_version)
        except StaleEditError:
            if stored is None:  # deleted meanwhile: the lock's own message says so
                raise
            raise StaleEditError(_stale_message(household)) from None
    stored_members = (
        {
            row.pop("id"): row
            for row in Member.objects.filter(household_id=household.pk).values(
                "id", *MEMBER_ATTNAMES
            )
        }
        if household.pk is not None
        else {}
    )

    problems = _register_problems(household, members, deleted, scope=scope)
    head = _the_head(members)
    if (
        head is not None
        and not not_duplicate
        and _identity_changed(household, head, stored, stored_members)
    ):
        problems.possible_duplicates = possible_duplicate_households(
            ward=household.ward_id,
            head_name=household.head_name,
            head_birth_year=head.birth_year,
            excluding=household,
        )
    if problems.messages_found():
        raise problems

    household_changed = stored is None or _values(household, HOUSEHOLD_ATTNAMES) != stored
    roster_changed = _save_roster(
        household, members, deleted, stored_members, household_changed=household_changed, by=by
    )
    if roster_changed and not household_changed:
        Household.objects.filter(pk=household.pk).update(
            version=household.version, updated_at=timezone.now()
        )
    elif not household_changed:
        household.refresh_from_db(fields=["version"])  # nothing changed: the version stays
    if roster_changed:
        editable = Assessment.objects.filter(household=household, state__in=EDITABLE_STATES)
        for assessment in editable.select_related("round"):
            assessment.household = household
            assessment_reclassify(assessment=assessment)
    return household


def _the_head(members: Sequence[Member]) -> Member | None:
    heads = [member for member in members if member.relation == Member.Relation.HEAD]
    return heads[0] if len(heads) == 1 else None


def _register_problems(
    household: Household, members: Sequence[Member], deleted: Sequence[Member], *, scope: Scope
) -> HouseholdRegisterError:
    """Every error of the household, its rows and its roster, without saving anything."""
    problems = HouseholdRegisterError()
    try:
        _full_clean(household)
    except ValidationError as exc:
        problems.household_errors = exc.message_dict
    for index, member in enumerate(members):
        member.household = household
        try:
            # The roster checks below see every row at once; the database has the old rows.
            member.full_clean(
                exclude={"household"}, validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            problems.member_errors[index] = exc.message_dict

    rows = [
        _values(member, ("full_name", "birth_year", "date_of_birth", "national_id", "relation"))
        for member in members
    ]
    row_errors, problems.roster_errors = roster_problems(rows, require_head=True)
    if not members:
        problems.roster_errors = [_("Enter at least one member: the head of household.")]
    for index, errors in row_errors.items():
        for field, message in errors.items():
            problems.add_member_error(index, field, message)
    head = _the_head(members)
    if (
        head is not None
        and household.head_name_folded
        and fold_name(head.full_name) != household.head_name_folded
    ):
        problems.add_member_error(
            members.index(head),
            "full_name",
            _("The head of household is “%(name)s” above: enter the same name on this row.")
            % {"name": household.head_name},
        )

    for index, member in enumerate(deleted):
        refusal = extensions.removal_refusal(member) if member.pk is not None else None
        if refusal is not None:
            problems.deleted_errors[index] = [refusal]

    saved_ids = [m.pk for m in [*members, *deleted] if m.pk is not None]
    holders = national_id_holders((m.national_id for m in members), excluding=saved_ids)
    if holders:
        households = {holder.household_id for holder in holders.values()}
        named = (
            households
            if scope.every_ward
            else set(
                Household.objects.within(scope)
                .filter(pk__in=households)
                .values_list("pk", flat=True)
            )
        )
        for index, member in enumerate(members):
            holder = holders.get(member.national_id or "")
            if holder is not None:
                problems.add_member_error(
                    index,
                    "national_id",
                    national_id_taken_message(holder, named=holder.household_id in named),
                )
    return problems


def _identity_changed(
    household: Household,
    head: Member,
    stored: Mapping[str, Any] | None,
    stored_members: Mapping[int, Mapping[str, Any]],
) -> bool:
    """Whether the ward, head name or head's year of birth is new: only then is the household
    compared with the others again (an officer who confirmed once is not asked at every edit)."""
    if stored is None:
        return True
    stored_head_years = {
        row["birth_year"]
        for row in stored_members.values()
        if row["relation"] == Member.Relation.HEAD
    }
    return (
        stored["ward_id"] != household.ward_id
        or fold_name(stored["head_name"]) != household.head_name_folded
        or head.birth_year not in stored_head_years
    )


def _save_roster(
    household: Household,
    members: Sequence[Member],
    deleted: Sequence[Member],
    stored_members: Mapping[int, Mapping[str, Any]],
    *,
    household_changed: bool,
    by: User | None,
) -> bool:
    """Save the household if it changed, delete, then save new and changed members; return
    whether the roster changed. Members are validated again against the saved rows."""
    if by is not None:
        # Outside a request (an import), the audit trail still records who saved.
        for instance in [household, *deleted, *members]:
            instance._history_user = by  # type: ignore[attr-defined]
    new = [instance for instance in [household, *members] if instance.pk is None]
    if household_changed:
        try:
            _insert_or_update(household)
        except ValidationError as exc:
            problems = HouseholdRegisterError()
            problems.household_errors = exc.message_dict
            raise problems from None
    for member in members:
        member.household = household  # now with its id, for a new household
    problems = HouseholdRegisterError()
    for index, member in enumerate(deleted):
        try:
            member_delete(member=member)  # benefits recorded since the check are refused too
        except ValidationError as exc:
            problems.deleted_errors[index] = exc.messages
    if problems.messages_found():
        raise problems
    changed = [
        (index, member)
        for index, member in enumerate(members)
        if member.pk is None or _values(member, MEMBER_ATTNAMES) != stored_members.get(member.pk)
    ]
    if stored_members:
        # The head last, so a new head is saved after the old head's row has changed.
        changed.sort(key=lambda pair: pair[1].relation == Member.Relation.HEAD)
    for index, member in changed:
        try:
            _member_save(member)
        except ValidationError as exc:
            problems.member_errors[index] = exc.message_dict
    if problems.messages_found():
        # The transaction is rolled back: what it inserted must look unsaved again.
        for instance in new:
            instance.pk = None
            instance._state.adding = True
        raise problems
    return bool(deleted or changed)


# --- Review rounds -------------------------------------------------------------------------


@transaction.atomic
def review_round_create(**fields: Any) -> ReviewRound:
    review_round = ReviewRound(**fields)
    review_round.full_clean()
    review_round.save()
    return review_round


# --- Users ---------------------------------------------------------------------------------


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    ward: Ward | None = None,
    agency: models.Model | None = None,
    password: str | None = None,
    password_hash: str | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create a person who signs in.

    The role decides what the user sees (`programs.scope.scope_for`); a ward officer must
    have a ward, which the model constraint `ward_officer_has_ward` enforces through
    `full_clean()`. `password` is hashed here; `password_hash` is stored as given (the demo
    seeder hashes its public password once for all its users); with neither, the user cannot
    sign in with a password.
    """
    user = User(
        username=username,
        role=role,
        ward=ward,
        # A `programs.Agency`, known here as a model only (households imports no programs).
        agency_id=agency.pk if agency is not None else None,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    if password is not None:
        user.set_password(password)
    elif password_hash is not None:
        user.password = password_hash
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user
