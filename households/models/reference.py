"""Admin-editable code lists: causes of poverty and support needs."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class CodedLabel(models.Model):
    """A short, admin-editable code list (the official lists are UNCONFIRMED: REFERENCE §3.6)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    display_order = models.PositiveSmallIntegerField(_("display order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        abstract = True
        ordering = ["display_order", "code"]

    def __str__(self) -> str:
        if self.name_en and (get_language() or "vi").startswith("en"):
            return self.name_en
        return self.name


class PovertyCause(CodedLabel):
    class Meta(CodedLabel.Meta):
        verbose_name = _("cause of poverty")
        verbose_name_plural = _("causes of poverty")


class SupportNeed(CodedLabel):
    class Meta(CodedLabel.Meta):
        verbose_name = _("support need")
        verbose_name_plural = _("support needs")
