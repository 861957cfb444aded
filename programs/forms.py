"""Forms for recording benefits and loans and following loans up (issue 4 §4–§6).

They check the shape of what was typed (a date, a whole number of đồng); whether the household or
member may receive the programme, and who may record it, is `programs.services`'s to decide.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from giamngheo.forms import BootstrapFormMixin, DateInput, VndField
from households.models import Member
from programs.models import Programme


class ProgrammeChoiceField(forms.ModelChoiceField):
    """Programmes by code (so a link can preselect one with `?programme=<code>`)."""

    def label_from_instance(self, obj: Programme) -> str:
        return f"{obj.name} ({obj.agency.name})"


class MemberChoiceField(forms.ModelChoiceField):
    """The household's members; `notes` (member id → why eligible or not) extends each label."""

    notes: dict[int, str]

    def label_from_instance(self, obj: Member) -> str:
        label = f"{obj.full_name} ({obj.birth_year})"
        note = getattr(self, "notes", {}).get(obj.pk)
        return f"{label} – {note}" if note else label


class _DeliveryForm(BootstrapFormMixin, forms.Form):
    """What a benefit and a loan share: the programme, who received it, when, the override."""

    programme = ProgrammeChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        to_field_name="code",
        empty_label=_("— Choose a programme —"),
        error_messages={
            "required": _("Choose the programme."),
            "invalid_choice": _("Choose one of the programmes you may record for this household."),
        },
    )
    member = MemberChoiceField(
        label=_("Member"),
        queryset=Member.objects.none(),
        required=False,
        empty_label=_("— The whole household —"),
        help_text=_("Required for programmes given to a person (health insurance, tuition…)."),
        error_messages={"invalid_choice": _("Choose a member of this household.")},
    )
    override_reason = forms.CharField(
        label=_("Reason for giving it although not eligible"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only when the household or member is not eligible: say who decided and why."),
    )

    def __init__(
        self,
        *args: Any,
        programmes: Iterable[Programme],
        members: Iterable[Member],
        member_notes: dict[int, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        programme_ids = [p.pk for p in programmes]
        member_list = list(members)
        self.fields["programme"].queryset = Programme.objects.filter(  # type: ignore[attr-defined]
            pk__in=programme_ids
        ).select_related("agency")
        member_field = self.fields["member"]
        member_field.queryset = Member.objects.filter(  # type: ignore[attr-defined]
            pk__in=[m.pk for m in member_list]
        )
        member_field.notes = member_notes or {}  # type: ignore[attr-defined]
        # The order given (eligible members first), not the database's.
        order = {m.pk: index for index, m in enumerate(member_list)}
        member_field.choices = [  # type: ignore[attr-defined]
            ("", member_field.empty_label),  # type: ignore[attr-defined]
            *[
                (m.pk, member_field.label_from_instance(m))  # type: ignore[attr-defined]
                for m in sorted(member_list, key=lambda m: order[m.pk])
            ],
        ]


class BenefitForm(_DeliveryForm):
    date = forms.DateField(
        label=_("Date received"),
        widget=DateInput(),
        error_messages={"required": _("Enter the date.")},
    )
    amount = VndField(
        label=_("Amount (đồng)"),
        required=False,
        help_text=_("For support in money, e.g. 1.300.000."),
    )
    quantity = forms.IntegerField(
        label=_("Quantity"),
        required=False,
        min_value=1,
        max_value=1_000_000,
        help_text=_("For cards, courses, items…"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    # A health-insurance card's own facts: recorded on the member with the benefit. Only for
    # the card programmes (`Programme.gives_health_insurance_card`), whose rules are the
    # service's; the page hides them for the other programmes.
    card_number = forms.CharField(
        label=_("Health-insurance card number"),
        required=False,
        max_length=20,
        help_text=_("As printed on the card, e.g. HN4600000000001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    card_valid_until = forms.DateField(
        label=_("Card valid until"), required=False, widget=DateInput()
    )
    reference = forms.CharField(
        label=_("Decision number"), required=False, max_length=100, help_text=_("If any.")
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    field_order = [
        "programme",
        "member",
        "date",
        "amount",
        "quantity",
        "card_number",
        "card_valid_until",
        "reference",
        "note",
        "override_reason",
    ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean() returns
        programme = data.get("programme")
        if not (programme and programme.gives_health_insurance_card):
            # Hidden for this programme (typed for a card programme chosen before): ignored.
            for name in ("card_number", "card_valid_until"):
                self.errors.pop(name, None)
            data["card_number"], data["card_valid_until"] = "", None
        return data


class LoanForm(_DeliveryForm):
    date = forms.DateField(
        label=_("Disbursement date"),
        widget=DateInput(),
        error_messages={"required": _("Enter the disbursement date.")},
    )
    amount = VndField(
        label=_("Amount lent (đồng)"),
        error_messages={"required": _("Enter the amount lent.")},
    )
    term_months = forms.IntegerField(
        label=_("Term (months)"),
        min_value=1,
        max_value=360,
        error_messages={"required": _("Enter the term in months.")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    purpose = forms.CharField(
        label=_("Purpose of the loan"),
        max_length=255,
        error_messages={"required": _("Enter what the loan is for.")},
        help_text=_("E.g. raising cows, a fishing boat, clean water and a latrine."),
    )
    reference = forms.CharField(label=_("Loan number"), required=False, max_length=100)
    outstanding = VndField(
        label=_("Outstanding balance (đồng)"),
        required=False,
        allow_zero=True,
        help_text=_("Leave empty for a new loan: the whole amount is outstanding."),
    )

    field_order = [
        "programme",
        "member",
        "date",
        "amount",
        "term_months",
        "purpose",
        "reference",
        "outstanding",
        "override_reason",
    ]


class LoanUpdateForm(BootstrapFormMixin, forms.Form):
    outstanding = VndField(
        label=_("Outstanding balance (đồng)"),
        allow_zero=True,
        error_messages={"required": _("Enter the outstanding balance.")},
    )
    balance_on = forms.DateField(
        label=_("Balance as of"),
        widget=DateInput(),
        error_messages={"required": _("Enter the date of the balance.")},
    )
    is_overdue = forms.BooleanField(label=_("Overdue"), required=False)


class LoanCheckForm(BootstrapFormMixin, forms.Form):
    checked_on = forms.DateField(
        label=_("Date of the check"),
        widget=DateInput(),
        error_messages={"required": _("Enter the date of the check.")},
    )
    used_as_intended = forms.TypedChoiceField(
        label=_("Was the loan used as intended?"),
        choices=[("", _("— Choose —")), ("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        error_messages={"required": _("Say whether the loan was used as intended.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What was seen: the cows bought, the boat repaired…"),
    )
