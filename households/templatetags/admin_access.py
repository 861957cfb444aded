"""`{% if user|is_administrator %}`: whether to show a link into the admin, which only
administrators enter (`households.admin`); the rule stays `households.access.is_administrator`."""

from __future__ import annotations

from django import template

from households import access
from households.models import Asker

register = template.Library()


@register.filter
def is_administrator(user: Asker) -> bool:
    return access.is_administrator(user)
