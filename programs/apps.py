from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Support programmes")

    def ready(self) -> None:
        from households import extensions
        from programs import household_page, selectors, services

        # What households' pages and rules need of the programmes, without importing them.
        extensions.household_page_sections["programmes"] = household_page.household_page_section
        extensions.member_removal_refusals.append(selectors.member_removal_refusal)
        extensions.unit_merger_steps.append(services.benefits_follow_merger)
