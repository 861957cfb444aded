"""Who may receive a support programme on a day: the one place where eligibility is decided.

Pure code (no ORM). A programme's rules are dated data (`programs.models.ProgrammeRule`,
REFERENCE.md §4): the rule in force on the day of the delivery (`rule_in_force`) says which
households (poverty statuses, social-protection households, or any household), where (urban,
rural) and, for a programme given to a person, which members (ages, pupils only). What a
household *is* on that day — poor, near-poor, recently escaped — is its recognised standing
(`households.standing.Standing.programme_statuses`, Decision 28/2015/QĐ-TTg for "escaped"),
read by `programs.selectors.eligibility_on`, the one entry point every form, page and save uses.
Reasons are translated at call time, as in `households.classification`.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from django.apps import apps
from django.utils import translation

from households.classification import gettext

POOR = "poor"
NEAR_POOR = "near_poor"
ESCAPED = "escaped"
STATUSES = (POOR, NEAR_POOR, ESCAPED)
SOCIAL_PROTECTION = "social_protection"
ANY_AREA, URBAN, RURAL = "any", "urban", "rural"
MEMBER = "member"


class RuleLike(Protocol):
    valid_from: datetime.date
    valid_to: datetime.date | None
    any_household: bool
    eligible_statuses: list[str]
    also_social_protection: bool
    area: str
    min_age: int | None
    max_age: int | None
    pupils_only: bool


Rule = TypeVar("Rule", bound=RuleLike)


@dataclass(frozen=True)
class HouseholdFacts:
    """What a rule asks of a household on the day: its programme statuses (from its recognised
    standing), its area (the standing's, else its ward's) and the social-protection flag."""

    statuses: frozenset[str]
    area: str
    is_social_protection: bool


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str

    def __bool__(self) -> bool:
        return self.eligible


def rule_in_force(rules: Iterable[Rule], day: datetime.date) -> Rule | None:
    """The rule valid on `day` (rules of one programme never overlap), or None."""
    for rule in rules:
        if rule.valid_from <= day and (rule.valid_to is None or day <= rule.valid_to):
            return rule
    return None


def _who_labels(rule: RuleLike) -> str:
    wanted = frozenset(rule.eligible_statuses)
    language = translation.get_language() if apps.ready else None
    return _labels_of(wanted, rule.also_social_protection, language)


@functools.lru_cache(maxsize=64)
def _labels_of(wanted: frozenset[str], social: bool, language: str | None) -> str:
    """Who a rule is for, in `language` (the active one, part of the key): a household page
    judges every programme for every member, and most verdicts are "Only for …"."""
    labels = {
        POOR: gettext("poor households"),
        NEAR_POOR: gettext("near-poor households"),
        ESCAPED: gettext("households that escaped poverty in the last three years"),
    }
    parts = [labels[s] for s in STATUSES if s in wanted]
    if social:
        parts.append(gettext("social-protection households"))
    return ", ".join(parts)


def judge(
    rule: RuleLike | None,
    *,
    level: str,
    day: datetime.date,
    household: HouseholdFacts,
    member_age: int | None,
    member_is_pupil: bool,
) -> Eligibility:
    """Whether a household with `household` facts (and, for a programme given to a member —
    `level` "member" — a member of `member_age` on `day` who is or is not a pupil) may receive
    the programme whose rule in force on `day` is `rule`, with the reason why not.

    Checked in this order: a rule in force, the area, the household, the member.
    Household-level programmes ignore ages and school attendance.
    """
    if rule is None:
        return Eligibility(
            False,
            gettext("No rule of this programme is in force on %(date)s.")
            % {"date": day.strftime("%d/%m/%Y")},
        )
    if rule.area == RURAL and household.area != RURAL:
        return Eligibility(False, gettext("Only for households of rural communes."))
    if rule.area == URBAN and household.area != URBAN:
        return Eligibility(False, gettext("Only for households of urban wards."))
    if not rule.any_household:
        wanted = set(rule.eligible_statuses)
        if not wanted and not rule.also_social_protection:
            return Eligibility(False, gettext("This programme has no eligible households."))
        social = rule.also_social_protection and household.is_social_protection
        if not (wanted & household.statuses or social):
            return Eligibility(
                False, gettext("Only for %(statuses)s.") % {"statuses": _who_labels(rule)}
            )
    if level == MEMBER:
        min_age, max_age = rule.min_age, rule.max_age
        if (min_age is not None or max_age is not None) and member_age is None:
            return Eligibility(False, gettext("The member's age is not known."))
        if min_age is not None and member_age is not None and member_age < min_age:
            return Eligibility(
                False,
                gettext("Only for members aged %(min)s or more; this member is %(age)s.")
                % {"min": min_age, "age": member_age},
            )
        if max_age is not None and member_age is not None and member_age > max_age:
            return Eligibility(
                False,
                gettext("Only for members aged up to %(max)s; this member is %(age)s.")
                % {"max": max_age, "age": member_age},
            )
        if rule.pupils_only and not member_is_pupil:
            return Eligibility(
                False, gettext("Only for pupils and students; this member is not at school.")
            )
    return Eligibility(True, gettext("Eligible."))


def owed_by_status(rule: RuleLike | None) -> bool:
    """Whether meeting the rule makes a delivery *owed* (the household page's "entitled but
    not received"): rules tied to a status or to social protection. A rule for any household
    (emergency relief, social allowances) depends on events and circumstances the registry
    does not hold, so nobody is listed as owed it."""
    return rule is not None and not rule.any_household
