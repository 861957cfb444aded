from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = _("Households")

    def ready(self) -> None:
        from households import classification, standards

        # The engine reads the standards of the database from now on (households.standards).
        classification.use_standards(standards.registry)
        standards.connect()
