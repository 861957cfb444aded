"""What the apps above households add to its pages and rules, registered in their
`AppConfig.ready`: households imports none of them (the layers: `giamngheo.layers`).

- `household_page_sections`: parts of the household page built by another app, each under its
  name in the page's context (`programs`: "programmes", what the household received and is
  owed).
- `member_removal_refusals`: why a member cannot be removed, or None (`programs`: the benefits
  partner agencies recorded for them, which are kept).
- `unit_merger_steps`: what else moves to the successor when a unit is merged into it
  (`programs`: the benefits recorded in the unit from the day of the merger).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from households.models import Household, Member, Ward

# (request, household, its members as the page read them) → what the section's template reads.
HouseholdPageSection = Callable[["HttpRequest", "Household", "list[Member]"], Any]
MemberRemovalRefusal = Callable[["Member"], "str | None"]
# (the unit merged, its successor, the first day in the successor)
UnitMergerStep = Callable[["Ward", "Ward", datetime.date], None]

household_page_sections: dict[str, HouseholdPageSection] = {}
member_removal_refusals: list[MemberRemovalRefusal] = []
unit_merger_steps: list[UnitMergerStep] = []


def household_page_context(
    request: HttpRequest, household: Household, members: list[Member]
) -> dict[str, Any]:
    """Each registered section of the household page, by its name."""
    return {
        name: build(request, household, members) for name, build in household_page_sections.items()
    }


def removal_refusal(member: Member) -> str | None:
    """Why `member` cannot be removed (the first app to refuse says why); None when nothing
    keeps them."""
    for refusal in member_removal_refusals:
        reason = refusal(member)
        if reason is not None:
            return reason
    return None


def unit_merged(before: Ward, successor: Ward, effective_from: datetime.date) -> None:
    """Run every app's step for `before` merged into `successor` from `effective_from`."""
    for step in unit_merger_steps:
        step(before, successor, effective_from)
