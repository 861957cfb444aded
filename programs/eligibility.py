"""Who may receive a support programme: the one place where programme eligibility is decided.

Pure code (no ORM): a programme's rules are data (`Programme.eligible_statuses`, `level`,
`min_age`/`max_age`, `pupils_only`, REFERENCE.md §4) and a household's standing comes from its
surveys. "Newly escaped" follows Decision 28/2015/QĐ-TTg: a household that was poor in one of the
three previous years and is now neither poor nor near-poor keeps access to preferential credit.
Reasons are translated at call time, as in `households.classification`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from households.classification import gettext

POOR = "poor"
NEAR_POOR = "near_poor"
ESCAPED = "escaped"
STATUSES = (POOR, NEAR_POOR, ESCAPED)
# Decision 28/2015/QĐ-TTg: "hộ mới thoát nghèo" for 3 years after leaving the poor list.
ESCAPED_YEARS = 3


class ProgrammeLike(Protocol):
    eligible_statuses: list[str]
    level: str
    min_age: int | None
    max_age: int | None
    pupils_only: bool


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str

    def __bool__(self) -> bool:
        return self.eligible


def household_standing(
    current_status: str | None, earlier_poor_years: Iterable[int], year: int
) -> set[str]:
    """The statuses a programme can ask for that the household has in `year`.

    Poor and near-poor come from the current survey. "Escaped" needs a current survey that is
    neither poor nor near-poor and a poor survey in one of the `ESCAPED_YEARS` previous years;
    without a current survey nothing is known, so the household has no standing.
    """
    if current_status in (POOR, NEAR_POOR):
        return {current_status}
    if current_status is None:
        return set()
    if any(year - ESCAPED_YEARS <= earlier < year for earlier in earlier_poor_years):
        return {ESCAPED}
    return set()


def _status_labels(statuses: Iterable[str]) -> str:
    labels = {
        POOR: gettext("poor households"),
        NEAR_POOR: gettext("near-poor households"),
        ESCAPED: gettext("households that escaped poverty in the last three years"),
    }
    return ", ".join(labels[s] for s in STATUSES if s in set(statuses))


def check(
    programme: ProgrammeLike,
    *,
    standing: set[str],
    member_age: int | None,
    member_is_pupil: bool,
) -> Eligibility:
    """Whether a household with `standing` (and, for a member-level programme, a member of
    `member_age` who is or is not a pupil) may receive `programme`, with the reason why not.

    Household-level programmes ignore ages and school attendance.
    """
    wanted = set(programme.eligible_statuses)
    if not wanted & standing:
        if not wanted:
            return Eligibility(False, gettext("This programme has no eligible households."))
        return Eligibility(
            False,
            gettext("Only for %(statuses)s.") % {"statuses": _status_labels(wanted)},
        )
    if programme.level == "member":
        min_age, max_age = programme.min_age, programme.max_age
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
        if programme.pupils_only and not member_is_pupil:
            return Eligibility(
                False, gettext("Only for pupils and students; this member is not at school.")
            )
    return Eligibility(True, gettext("Eligible."))
