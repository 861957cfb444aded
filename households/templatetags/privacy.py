"""The household page's member list as the signed-in user may read it (`households.privacy`).

Glue only: the decisions are `households.privacy`'s. The view builds the rows; this narrows
them to the members the user may see and masks what they may not read.
"""

from __future__ import annotations

from typing import Any

from django import template

from households import privacy
from households.scope import scope_of

register = template.Library()


def _user(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.simple_tag(takes_context=True)
def shown_members(context: template.Context, rows: Any, household: Any) -> list[Any]:
    return privacy.shown_members(_user(context), scope_of(context["request"]), household, rows)


@register.simple_tag(takes_context=True)
def can_see_traits(context: template.Context) -> bool:
    return privacy.can_see_traits(_user(context))


@register.simple_tag(takes_context=True)
def history_value(context: template.Context, change: Any, value: str, household: Any) -> str:
    return privacy.history_value(_user(context), household, change.field, value)
