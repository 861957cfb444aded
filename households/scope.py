"""Which households and members a request may see: one `Scope` value (STYLE.md §3).

The rule that decides a user's scope is `programs.scope.scope_for`: the extra households of a
Steering Committee member or a partner agency are programme data, so it sits above this app.
`giamngheo.access.scope_middleware` builds the value once per request (when first read) and
puts it on the request (`scope_of`); the querysets apply it (`Household.objects.within`,
`Ward.objects.within`, `Member.objects.within`) and selectors take it as `scope=`. The command
line, which speaks for the whole city, passes `Scope.EVERYTHING`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.db.models import Q
from django.http import HttpRequest


@dataclass(frozen=True)
class Scope:
    """Whose records a request may see.

    `wards`: the wards and communes seen whole (every household registered there); None for
    every ward. `households`: the households seen besides whole wards (a Steering Committee
    member's assigned households, a partner agency's concerned ones), a condition on
    `Household`; None for none. `members`: the members shown of a household seen (a partner
    agency is shown only the members its programmes concern), a condition on `Member`; None
    for all of them. `agency`: a partner agency's, whose own deliveries (benefits, loans) alone
    are seen of those recorded for a household; None: every agency's.
    """

    wards: frozenset[int] | None
    households: Q | None = None
    members: Q | None = None
    agency: int | None = None

    EVERYTHING: ClassVar[Scope]
    NOTHING: ClassVar[Scope]

    @property
    def every_ward(self) -> bool:
        """Every ward is seen whole: every household is within, no need to filter them."""
        return self.wards is None

    @property
    def key(self) -> str | None:
        """What a result computed for this scope may be stored under (`reports.figures`): the
        wards ("all" for every ward). None when the scope is more than whole wards or nothing:
        those results are always computed."""
        if self.households is not None or self.members is not None or self.agency is not None:
            return None
        if self.wards is None:
            return "all"
        if not self.wards:
            return None
        return ",".join(str(pk) for pk in sorted(self.wards))


Scope.EVERYTHING = Scope(wards=None)
Scope.NOTHING = Scope(wards=frozenset())


def scope_of(request: HttpRequest) -> Scope:
    """The request's scope, as `giamngheo.access.scope_middleware` put it on the request
    (`request.scope`). A request that did not pass the middleware has none: a KeyError."""
    scope: Scope = vars(request)["scope"]
    return scope
