"""Form plumbing shared by every app: Bootstrap classes, dd/mm/yyyy dates, VND amounts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    """A text box for dd/mm/yyyy: the same on every tablet, whatever the browser's locale."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric", "autocomplete": "off"}
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y")


class BootstrapFormMixin:
    """Gives widgets Bootstrap's classes and marks fields with errors `is-invalid`."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.DateInput) and not isinstance(widget, DateInput):
                field.widget = widget = DateInput(attrs=widget.attrs)
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = ""
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            if css:
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in getattr(self, "_errors", None) or {}:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"
