"""Writing the history of the administrative units: mergers and earlier kinds (issue 12).

The 2025 merger is a data migration (`households/migrations/0015_merger_2025.py`, which cannot
import this module and repeats its steps on the migration's models); these services are the
same writes for a later change and for tests. Each forgets what `households.units` keeps in
memory, so the process reads the new successions at once (other processes: at their restart,
as after a migration).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from households import extensions, units
from households.models import Assessment, UnitMerger, Ward, WardKindPeriod


@transaction.atomic
def units_merge(
    *,
    predecessors: Sequence[Ward],
    successor: Ward,
    effective_from: datetime.date,
    basis: str = "",
) -> list[UnitMerger]:
    """Merge `predecessors` into `successor` from `effective_from`: each predecessor's last day
    is the day before, and what was made in a predecessor from that day on (assessments by the
    day they were made, `units.made_on`; benefits by their date) is moved to the successor,
    with the stored standings. The successor must be in force on `effective_from` (a new unit
    beginning that day, or one that goes on and grows)."""
    last_day = effective_from - datetime.timedelta(days=1)
    errors = []
    if not predecessors:
        errors.append(_("Choose the units that are merged."))
    if not successor.is_in_force(effective_from):
        errors.append(
            _("%(unit)s is not in force on %(day)s.")
            % {"unit": successor, "day": effective_from.strftime("%d/%m/%Y")}
        )
    for before in predecessors:
        if before.pk == successor.pk:
            errors.append(_("A unit cannot be merged into itself."))
        elif UnitMerger.objects.filter(predecessor=before).exists():
            errors.append(_("%(unit)s was already merged into another unit.") % {"unit": before})
        elif not before.is_in_force(last_day):
            errors.append(
                _("%(unit)s is not in force on %(day)s.")
                % {"unit": before, "day": last_day.strftime("%d/%m/%Y")}
            )
    if errors:
        raise ValidationError(errors)

    from households.standing import refresh_spans

    mergers = []
    moved_households: set[int] = set()
    for before in predecessors:
        before.valid_to = last_day
        before.full_clean()
        before.save(update_fields=["valid_to"])
        merger = UnitMerger(
            predecessor=before, successor=successor, effective_from=effective_from, basis=basis
        )
        merger.full_clean()
        merger.save()
        mergers.append(merger)
        later = [
            (a.pk, a.household_id)
            for a in Assessment.objects.filter(
                ward=before, round__ends_on__gte=effective_from
            ).select_related("round")
            if units.made_on(a.round, timezone.localdate(a.created_at)) >= effective_from
        ]
        Assessment.objects.filter(pk__in=[pk for pk, _h in later]).update(ward=successor)
        moved_households |= {household for _pk, household in later}
        extensions.unit_merged(before, successor, effective_from)
    if moved_households:
        refresh_spans(sorted(moved_households))
    units.forget()
    return mergers


@transaction.atomic
def ward_kind_period_add(
    *,
    ward: Ward,
    kind: str,
    valid_to: datetime.date,
    valid_from: datetime.date | None = None,
    basis: str = "",
) -> WardKindPeriod:
    """Record that `ward` was of `kind` from `valid_from` (None: since before the records) to
    `valid_to`, e.g. a commune recognised as a ward the day after `valid_to`."""
    period = WardKindPeriod(
        ward=ward, kind=kind, valid_from=valid_from, valid_to=valid_to, basis=basis
    )
    period.full_clean()
    clash = ward.kind_periods.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=valid_to))
    if valid_from is not None:
        clash = clash.filter(valid_to__gte=valid_from)
    if clash.exists():
        raise ValidationError(_("These days overlap an earlier kind already recorded."))
    period.save()
    units.forget()
    return period
