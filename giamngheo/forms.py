"""Form plumbing shared by every app: Bootstrap classes, dd/mm/yyyy dates, VND amounts, a
service's errors on a form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from giamngheo.formatting import format_vnd, parse_vnd

_Field = TypeVar("_Field", bound=forms.Field)


def field_of(form: forms.BaseForm, name: str, kind: type[_Field]) -> _Field:
    """`form.fields[name]` as the `kind` of field it is (to set a choice field's `choices` or a
    model choice field's `queryset` in `__init__`); a TypeError if it is another kind."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{name!r} is a {type(field).__name__}, not a {kind.__name__}")
    return field


class DateInput(forms.DateInput):
    """A text box for dd/mm/yyyy: the same on every tablet, whatever the browser's locale."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric", "autocomplete": "off"}
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y")


class VndInput(forms.TextInput):
    """A text box for an amount of đồng: the digit keyboard on a tablet, "1.300.000" shown."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {
            "inputmode": "numeric",
            "autocomplete": "off",
            "placeholder": "1.300.000",
            "maxlength": "20",
        }
        super().__init__(attrs={**defaults, **(attrs or {})})


class VndField(forms.CharField):
    """An amount in whole đồng typed the Vietnamese way ("1.300.000", "1300000", "1.300.000 đ",
    `giamngheo.formatting.parse_vnd`): cleans to an int, shows an int back as "1.300.000".

    The one reader of typed money: every form with an amount uses it, and the spreadsheet
    import cleans its cells with it, so services and the classification take an int. Its
    messages ("invalid", "negative", "zero") may be worded for the amount in `error_messages`.
    """

    widget = VndInput
    default_error_messages = {
        "invalid": _("Enter a whole number of đồng, e.g. 1.300.000 or 1300000."),
        "negative": _("The amount cannot be negative."),
        "zero": _("The amount must be greater than zero."),
    }

    def __init__(self, *, allow_zero: bool = False, **kwargs: Any) -> None:
        self.allow_zero = allow_zero
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if text is None or text in self.empty_values:
            return None
        amount = parse_vnd(text)
        if amount is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if amount < 0:
            raise ValidationError(self.error_messages["negative"], code="min_value")
        if amount == 0 and not self.allow_zero:
            raise ValidationError(self.error_messages["zero"], code="min_value")
        return amount

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return format_vnd(value).removesuffix(" đ")
        return value


class BootstrapFormMixin:
    """Gives widgets Bootstrap's classes and marks fields with errors `is-invalid`."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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
                _mark_invalid(self.fields[name])


def _mark_invalid(field: forms.Field) -> None:
    attrs = field.widget.attrs
    if "is-invalid" not in attrs.get("class", "").split():
        attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
    attrs["aria-invalid"] = "true"


def add_service_error(
    form: forms.BaseForm, error: ValidationError, *, fields: Mapping[str, str] | None = None
) -> None:
    """Put a service's `ValidationError` on `form`: each message keyed to a field on that field
    (marked invalid, as the form's own errors are), the others above the form.

    `fields` renames a service's key to the form's field (`{"archive_reason": "reason"}`).
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, errors in error.error_dict.items():
        name = (fields or {}).get(key, key)
        if name in form.fields:
            form.add_error(name, errors)
            _mark_invalid(form.fields[name])
        else:
            form.add_error(None, errors)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows where a number too large for a database key is simply not in
    the list (`invalid_choice`), instead of overflowing in the `pk__in` query."""

    def _check_values(self, value: Any) -> Any:
        for pk in value or ():
            text = str(pk).strip()
            if text.lstrip("-").isdigit() and abs(int(text)) >= 2**63:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]  # private, not in django-stubs
