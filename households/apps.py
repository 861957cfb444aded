from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = _("Households")

    def ready(self) -> None:
        from households import classification, standards

        # The engine reads the standards of the database from now on (households.standards).
        classification.use_standards(standards.registry)
        standards.connect()
        post_migrate.connect(_unit_order_triggers, sender=self)


def _unit_order_triggers(using: str, **kwargs: Any) -> None:
    """After every migrate: `households.unit_order.after_migrate`."""
    from households import unit_order

    unit_order.after_migrate(connections[using])
