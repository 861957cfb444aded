"""The audit trail of a household, readable (issue 3 §8): who changed what, when.

django-simple-history stores a full copy of a household, member or assessment at every save
and delete. This module turns those copies into entries an officer can read: the object
("Hộ", "Thành viên Nguyễn Văn An", "Phiếu Rà soát định kỳ năm 2017"), the kind of change, and
for changes each field's old and new value with its verbose name and its human value (choice
labels, Có/Không, money in đồng, dates dd/mm/yyyy, related objects by name).

Read-only on purpose: nothing here (nor any URL) edits or reverts history.

The whole trail of a household costs a fixed number of queries, whatever its length: one per
history table, one per many-to-many snapshot table, and at most one per kind of related object
named in a change.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias, cast

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from giamngheo.formatting import format_vnd
from households.models import Assessment, Household, Member, Quarter, User, Ward

# How many entries the household page shows; the rest stays in the database (and the admin).
HISTORY_LIMIT = 100

# Money fields (integer đồng), shown as "1.300.000 đ".
MONEY_FIELDS = frozenset({"income_per_capita"})

# The survey service saves an assessment and then sets its causes and needs, and each step
# leaves its own copy: a copy that differs from the one before only in those many-to-many
# fields, by the same person within this window, belongs to the same change.
SAME_CHANGE_WINDOW = datetime.timedelta(seconds=5)

# Fields not worth an entry: identity, the household and round a row belongs to (the entry
# names them), timestamps the entry shows anyway, and the engine's long explanation (its
# status, group and count are shown).
_IGNORED = {
    "household": frozenset({"id", "created_at"}),
    "member": frozenset({"id", "household"}),
    "assessment": frozenset(
        {"id", "household", "round", "created_by", "created_at", "submitted_at", "explanation"}
    ),
}

# How related objects are loaded so that `str()` needs no further query.
_SELECT_RELATED: Mapping[type[models.Model], tuple[str, ...]] = {
    Quarter: ("ward",),
    Assessment: ("household", "round"),
}

CREATED, CHANGED, DELETED = "+", "~", "-"
EMPTY = "—"

# A field with its value before and after (before is None on creation).
Change: TypeAlias = "tuple[models.Field[Any, Any], Any, Any]"


@dataclass(frozen=True)
class FieldChange:
    field: str  # the model field's name, e.g. "national_id" (households.privacy masks by it)
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime.datetime
    who: str
    subject: str
    kind: str  # CREATED, CHANGED or DELETED
    changes: tuple[FieldChange, ...]

    @property
    def kind_label(self) -> str:
        return {
            CREATED: pgettext("history", "created"),
            CHANGED: pgettext("history", "changed"),
            DELETED: pgettext("history", "deleted"),
        }[self.kind]


@dataclass(frozen=True)
class HouseholdHistory:
    entries: list[HistoryEntry]  # newest first, at most the limit
    total: int

    @property
    def is_truncated(self) -> bool:
        return self.total > len(self.entries)


def household_history(household: Household, *, limit: int = HISTORY_LIMIT) -> HouseholdHistory:
    """Every create, change and delete of `household`, its members and its assessments.

    Members and assessments are found by `household_id` in their history tables, so deleted
    ones are included. Newest first; at most `limit` entries, `total` says how many there are.
    """
    records: dict[str, list[Any]] = {
        "household": list(
            Household.history.filter(id=household.pk)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        ),
        "member": list(
            Member.history.filter(household_id=household.pk)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        ),
        "assessment": list(
            Assessment.history.filter(household_id=household.pk)
            .select_related("history_user", "round")
            .order_by("history_date", "history_id")
        ),
    }
    m2m = _assessment_m2m_snapshots(household)

    # Pair each change with the copy before it, then name the related objects in one go.
    pending: list[_Pending] = []
    for kind, rows in records.items():
        by_object: dict[int, list[Any]] = defaultdict(list)
        for row in rows:
            by_object[row.id].append(row)
        for versions in by_object.values():
            if kind == "assessment":
                _carry_m2m_forward(versions, m2m)
            for before, group in _groups(versions):
                last = group[-1]
                entry_kind = _entry_kind(group)
                if entry_kind == DELETED:
                    fields: list[Change] = []
                elif entry_kind == CREATED:
                    fields = _initial_values(kind, last, m2m)
                else:
                    fields = _differences(kind, before, last, m2m)
                    # A save that changed nothing shown (e.g. only the version) is no entry;
                    # without an earlier copy (history began later) the entry has no details.
                    if not fields and before is not None:
                        continue
                pending.append(_Pending(kind, last, entry_kind, fields))

    # The household's own ward and quarter are usually the ones named: no query for them.
    known = {
        (Ward, household.ward_id): household.ward,
        (Quarter, household.quarter_id): household.quarter,
    }
    related = _load_related(
        known,
        [
            (field, value)
            for p in pending
            for field, *values in p.fields
            if isinstance(field, models.ForeignKey)
            for value in values
        ],
    )
    entries = [
        HistoryEntry(
            when=p.record.history_date,
            who=_who(p.record.history_user),
            subject=_subject(p.table, p.record),
            kind=p.kind,
            changes=tuple(
                FieldChange(
                    field=field.name,
                    label=capfirst(str(field.verbose_name)),
                    old=display_value(field, old, related),
                    new=display_value(field, new, related),
                )
                for field, old, new in p.fields
            ),
        )
        for p in pending
    ]
    entries.sort(key=lambda e: e.when, reverse=True)
    return HouseholdHistory(entries=entries[:limit], total=len(entries))


def display_value(
    field: models.Field[Any, Any],
    value: Any,
    related: Mapping[tuple[type[models.Model], Any], models.Model] | None = None,
) -> str:
    """A stored value as an officer reads it: labels, Có/Không, đồng, dd/mm/yyyy, names."""
    if isinstance(value, frozenset):  # a many-to-many snapshot: the names, sorted
        return ", ".join(sorted(value)) if value else EMPTY
    if value is None or value == "" or value == {} or value == []:
        return EMPTY
    if isinstance(value, dict):  # JSON answers, e.g. the Phiếu B1 {item: answer}
        return "; ".join(f"{key}: {answer}" for key, answer in value.items())
    if isinstance(value, list):  # JSON keys, e.g. the Phiếu A criteria met
        return ", ".join(str(item) for item in value)
    if isinstance(field, models.BooleanField):
        return _("Yes") if value else _("No")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.name in MONEY_FIELDS:
        return format_vnd(int(value))
    if isinstance(field, models.DateTimeField):
        return date_format(timezone.localtime(value), "d/m/Y H:i")
    if isinstance(field, models.DateField):
        return date_format(value, "d/m/Y")
    if isinstance(field, models.ForeignKey):
        obj = (related or {}).get((_target(field), value))
        if obj is None:
            return _("#%(id)s (deleted)") % {"id": value}
        return str(obj)
    return str(value)


# --- Internals -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pending:
    table: str  # "household", "member" or "assessment"
    record: Any  # the last copy of the change
    kind: str
    fields: list[Change]


def _target(field: models.ForeignKey[Any, Any]) -> type[models.Model]:
    return cast("type[models.Model]", field.related_model)


def _groups(versions: Sequence[Any]) -> Iterable[tuple[Any | None, list[Any]]]:
    """The copies of one object grouped into changes, each with the copy before it (None for
    the first): a group is one save plus the many-to-many updates that followed it."""
    before: Any | None = None
    group: list[Any] = []
    for version in versions:
        if group and not _same_change(group[-1], version):
            yield before, group
            before, group = group[-1], []
        group.append(version)
    if group:
        yield before, group


def _same_change(previous: Any, version: Any) -> bool:
    return (
        version.history_type == CHANGED
        and previous.history_type != DELETED
        and version.history_user_id == previous.history_user_id
        and version.history_date - previous.history_date <= SAME_CHANGE_WINDOW
        and _same_fields(previous, version)
    )


def _same_fields(previous: Any, version: Any) -> bool:
    return all(
        getattr(previous, f.attname) == getattr(version, f.attname) for f in version.tracked_fields
    )


def _entry_kind(group: Sequence[Any]) -> str:
    if group[-1].history_type == DELETED:
        return DELETED
    if group[0].history_type == CREATED:
        return CREATED
    return CHANGED


def _fields(kind: str, record: Any) -> list[models.Field[Any, Any]]:
    ignored = _IGNORED[kind]
    return [f for f in record.tracked_fields if f.name not in ignored]


def _m2m_fields(record: Any) -> list[models.Field[Any, Any]]:
    return list(getattr(record, "_history_m2m_fields", ()))


def _value(record: Any, field: models.Field[Any, Any], m2m: Mapping[Any, Any]) -> Any:
    if field.many_to_many:
        return m2m.get((field.name, record.history_id), frozenset())
    return getattr(record, field.attname)


def _differences(kind: str, before: Any | None, after: Any, m2m: Mapping[Any, Any]) -> list[Change]:
    if before is None:
        return []
    changes = []
    for field in [*_fields(kind, after), *_m2m_fields(after)]:
        old, new = _value(before, field, m2m), _value(after, field, m2m)
        if old != new:
            changes.append((field, old, new))
    return changes


def _initial_values(kind: str, record: Any, m2m: Mapping[Any, Any]) -> list[Change]:
    """What the object was created with: the fields that hold something."""
    values = []
    for field in [*_fields(kind, record), *_m2m_fields(record)]:
        value = _value(record, field, m2m)
        # Not `in (None, "", False)`: 0 == False, and an income of 0 đ is a value.
        if value is None or value is False or value in ("", frozenset(), {}, []):
            continue
        values.append((field, None, value))
    return values


def _carry_m2m_forward(versions: Sequence[Any], m2m: dict[tuple[str, int], frozenset[str]]) -> None:
    """Fill in the causes and needs of copies that recorded none.

    A copy made by `save()` or by changing the causes records them; a copy made by a bulk
    update (each review step) records none, although they did not change. Causes and needs
    change only through their own copies, whose other fields equal the copy before; so a copy
    without them that changed other fields had the same causes and needs as the one before.
    """
    previous = None
    for version in versions:
        for field in _m2m_fields(version):
            key = (field.name, version.history_id)
            if key in m2m:
                continue
            if previous is not None and not _same_fields(previous, version):
                m2m[key] = m2m.get((field.name, previous.history_id), frozenset())
        previous = version


def _assessment_m2m_snapshots(household: Household) -> dict[tuple[str, int], frozenset[str]]:
    """The causes and needs recorded with each assessment copy, by (field name, history id)."""
    snapshots: dict[tuple[str, int], set[str]] = defaultdict(set)
    for field_name, target in (("causes", "povertycause"), ("needs", "supportneed")):
        model = apps.get_model("households", f"HistoricalAssessment_{field_name}")
        rows = model.objects.filter(history__household_id=household.pk).select_related(target)
        for row in rows:
            obj = getattr(row, target)
            if obj is None:
                name = _("#%(id)s (deleted)") % {"id": getattr(row, f"{target}_id")}
            else:
                name = str(obj)
            snapshots[(field_name, row.history_id)].add(name)
    return {key: frozenset(names) for key, names in snapshots.items()}


def _load_related(
    known: Mapping[tuple[type[models.Model], Any], models.Model],
    pairs: Iterable[tuple[models.ForeignKey[Any, Any], Any]],
) -> dict[tuple[type[models.Model], Any], models.Model]:
    """The related objects named in the changes: one query per kind not already `known`."""
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for field, value in pairs:
        if value is not None and (_target(field), value) not in known:
            wanted[_target(field)].add(value)
    loaded: dict[tuple[type[models.Model], Any], models.Model] = dict(known)
    for model, pks in wanted.items():
        queryset = model._default_manager.all()
        if model in _SELECT_RELATED:
            queryset = queryset.select_related(*_SELECT_RELATED[model])
        for pk, obj in queryset.in_bulk(pks).items():
            loaded[(model, pk)] = obj
    return loaded


def _who(user: User | None) -> str:
    if user is None:
        return _("system")
    return user.get_full_name() or user.username


def _subject(kind: str, record: Any) -> str:
    if kind == "household":
        return pgettext("history", "Household")
    if kind == "member":
        return _("Member %(name)s") % {"name": record.full_name}
    round_ = record.round
    return _("Survey %(round)s") % {"round": round_.name if round_ else EMPTY}
