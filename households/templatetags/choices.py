"""`{{ member|label:"relation" }}`: the label of a choice field, as `get_relation_display`.

Django's `get_FOO_display` hashes every label of the field's choices on each call, and hashing a
lazy label translates it: a member's six choice fields cost some fifty translations. Here each
field's labels are looked up in a mapping built once, and only the label shown is translated
(the household page and the household list show hundreds of them).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django import template
from django.db import models

register = template.Library()


@cache
def _labels(model: type[models.Model], field_name: str) -> dict[Any, Any]:
    field = model._meta.get_field(field_name)
    return {value: label for value, label in field.flatchoices}  # type: ignore[union-attr]


def choice_label(instance: models.Model, field_name: str) -> str:
    """What `instance.get_<field_name>_display()` returns, for a field with choices."""
    value = getattr(instance, field_name)
    label = _labels(type(instance), field_name).get(value, value)
    return "" if label is None else str(label)


@register.filter
def label(instance: models.Model | None, field_name: str) -> str:
    return "" if instance is None else choice_label(instance, field_name)
