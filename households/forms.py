"""Forms check the shape of input; services apply the rules (STYLE.md §4).

The roster formset also checks what no single member form can see: the same person entered on
two rows, two heads, or one national ID number on two rows.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamngheo.formatting import fold_text
from households import services
from households.classification import get_standard
from households.models import Assessment, Member
from households.roster import ROSTER_INDICATORS


class MemberFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        # Precise row-level messages first; Django's generic duplicate check ("please correct
        # the duplicate data") only runs when these found nothing.
        heads = self._check_rows()
        if heads > 1:
            raise ValidationError(
                _("A household has only one head; %(count)s rows say head.") % {"count": heads}
            )
        if not any(form.errors for form in self.forms):
            super().clean()

    def _check_rows(self) -> int:
        seen_people: dict[tuple[str, int], int] = {}
        seen_ids: dict[str, int] = {}
        heads = 0
        for row, form in enumerate(self.forms, start=1):
            data = getattr(form, "cleaned_data", None)
            if not data or (self.can_delete and self._should_delete_form(form)):
                continue
            name, year = data.get("full_name"), data.get("birth_year")
            if not year and data.get("date_of_birth"):
                year = data["date_of_birth"].year
            if name and year:
                key = (fold_text(name), year)
                if key in seen_people:
                    form.add_error(
                        "full_name",
                        _("This person is already listed on row %(row)s.")
                        % {"row": seen_people[key]},
                    )
                seen_people.setdefault(key, row)
            national_id = data.get("national_id")
            if national_id:
                if national_id in seen_ids:
                    form.add_error(
                        "national_id",
                        _("This national ID number is already entered on row %(row)s.")
                        % {"row": seen_ids[national_id]},
                    )
                seen_ids.setdefault(national_id, row)
            if data.get("relation") == Member.Relation.HEAD:
                heads += 1
        return heads


class AssessmentAdminForm(forms.ModelForm):
    """The survey as the admin enters it; the result is computed, never typed."""

    class Meta:
        model = Assessment
        fields = [
            "household",
            "round",
            "income_per_capita",
            *(key for key in get_standard("2016-2020").indicator_keys),
            "household_type",
            "causes",
            "needs",
            "expected_to_escape",
            "notes",
        ]
        help_texts = {
            key: gettext_lazy("Derived from the members; edit the roster to change it.")
            for key in ROSTER_INDICATORS
        }
        error_messages = {
            "income_per_capita": {
                "invalid": gettext_lazy(
                    "Enter the income per person as a whole number of đồng, e.g. 1100000."
                ),
                "min_value": gettext_lazy("Income cannot be negative."),
            }
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in ROSTER_INDICATORS:
            self.fields[key].disabled = True
        if self.instance.pk:
            # A survey belongs to its household and round; record another one instead.
            self.fields["household"].disabled = True
            self.fields["round"].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        household, review_round = data.get("household"), data.get("round")
        if household and review_round and data.get("income_per_capita") is not None:
            # Run the same derivation and classification the service will run, so a
            # problem (e.g. an empty roster) shows on the form instead of failing the save.
            trial = Assessment(
                household=household,
                round=review_round,
                income_per_capita=data["income_per_capita"],
            )
            try:
                services.assessment_apply_result(trial, services.roster_of(household))
            except ValidationError as exc:
                raise ValidationError(exc.messages) from None
        return data

    def save_through_service(self, *, by: Any) -> Assessment:
        data = self.cleaned_data
        standard = get_standard(data["round"].standard)
        return services.assessment_save(
            household=data["household"],
            round=data["round"],
            income_per_capita=data["income_per_capita"],
            deprivations={
                key: bool(data.get(key))
                for key in standard.indicator_keys
                if key not in ROSTER_INDICATORS
            },
            household_type=data.get("household_type", ""),
            causes=data.get("causes", ()),
            needs=data.get("needs", ()),
            expected_to_escape=data.get("expected_to_escape", False),
            notes=data.get("notes", ""),
            by=by,
        )
