"""The yearly survey (phiếu khảo sát) and the opening of an ad-hoc review: shape checks only.

The survey's rules live in `households.services`: the income's bounds on the model field, the roster
indicators in `households.roster`, the result in `households.classification`. The form offers
the indicators of the round's poverty standard with their official wording, grouped by
dimension, and shows the roster indicators as derived (disabled), so a POST cannot set them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q
from django.forms import BoundField
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from giamngheo.forms import BootstrapFormMixin, DateInput, VndField, VndInput, field_of
from households.classification import PovertyStandard, get_standard
from households.models import (
    Assessment,
    IncomeRoute,
    PovertyCause,
    RequestKind,
    ReviewRound,
    SupportNeed,
)
from households.phieu import ScoreCard, ScreeningCriterion
from households.roster import DerivedIndicator


def _label(name: str) -> Any:
    """The model field's (lazy) verbose name, capitalised: one wording for the form and pages."""
    return capfirst(Assessment._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


class IncomeField(VndField):
    """The income per person per month, in whole đồng (0 allowed), within the model field's
    bounds: read so by the survey, the admin's survey form and the spreadsheet import."""

    default_error_messages = {
        "invalid": _("Enter the income per person as a whole number of đồng, e.g. 1100000."),
        "negative": _("Income cannot be negative."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _label("income_per_capita"))
        super().__init__(allow_zero=True, **kwargs)

    def run_validators(self, value: Any) -> None:
        super().run_validators(value)
        if value not in self.empty_values:
            Assessment._meta.get_field("income_per_capita").run_validators(value)


@dataclass(frozen=True)
class IndicatorRow:
    field: BoundField
    threshold_text: Any
    derived: DerivedIndicator | None


@dataclass(frozen=True)
class B1Row:
    field: BoundField
    key: str


@dataclass(frozen=True)
class DimensionGroup:
    label: Any
    rows: tuple[IndicatorRow, ...]


class SurveyForm(BootstrapFormMixin, forms.Form):
    """One household's survey in one review round (Decision 59/2015/QĐ-TTg, Circular 17/2016).

    `standard` is the round's poverty standard; `derived` the roster indicators derived for the
    round's reference date (shown, not entered). The round itself is chosen by the view.
    """

    version = forms.IntegerField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("This form is out of date: reload the page and enter your changes again.")
        },
    )
    income_route = forms.ChoiceField(
        label=_label("income_route"),
        required=False,
        choices=IncomeRoute.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    income_per_capita = IncomeField(
        required=False,
        help_text=_("Whole đồng, e.g. 1.100.000 or 1100000."),
        error_messages={"required": _("Enter the income per person per month.")},
        widget=VndInput(
            attrs={"placeholder": "1.100.000", "aria-describedby": "id_income_per_capita_help"}
        ),
    )
    household_type = forms.ChoiceField(
        label=_label("household_type"),
        required=False,
        choices=[("", _("Not determined")), *Assessment.HouseholdType.choices],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    causes = forms.ModelMultipleChoiceField(
        label=_label("causes"),
        queryset=PovertyCause.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    needs = forms.ModelMultipleChoiceField(
        label=_label("needs"),
        queryset=SupportNeed.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    expected_to_escape = forms.BooleanField(label=_label("expected_to_escape"), required=False)
    notes = forms.CharField(
        label=_label("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        standard: PovertyStandard,
        derived: Mapping[str, DerivedIndicator],
        chosen_causes: tuple[int, ...] = (),
        chosen_needs: tuple[int, ...] = (),
        versioned: bool = False,
        card: ScoreCard | None = None,
        criteria: tuple[ScreeningCriterion, ...] = (),
        **kwargs: Any,
    ) -> None:
        self.standard = standard
        self.derived = dict(derived)
        # The round's standard's Phiếu B1 table for the household's area and its Phiếu A
        # criteria (`households.standards`): the routes offered besides the typed income. A
        # partial table no score of which could place an income is not offered, only named.
        usable = card if card is not None and card.items else None
        self.card = usable if usable is not None and usable.can_decide else None
        self.card_not_offered = usable if usable is not None and not usable.can_decide else None
        self.criteria = criteria
        self._route = ""
        super().__init__(*args, **kwargs)
        routes = [IncomeRoute.TYPED]
        if self.card is not None:
            routes.append(IncomeRoute.PHIEU_B)
        if criteria:
            routes.append(IncomeRoute.PHIEU_A)
        route_field = field_of(self, "income_route", forms.ChoiceField)
        route_field.choices = [(r.value, r.label) for r in routes]
        route_field.initial = IncomeRoute.TYPED
        for item in self.card.items if self.card else ():
            self.fields[self.b1_field(item.key)] = forms.ChoiceField(
                label=item.label,  # type: ignore[arg-type]
                required=False,
                choices=[
                    (
                        o.key,
                        _("%(answer)s (%(points)s points)")
                        % {"answer": o.label, "points": o.points},
                    )
                    for o in item.options
                ],
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
        if criteria:
            self.fields["screened_out"] = forms.MultipleChoiceField(
                label=_("Phiếu A criteria the household meets"),
                required=False,
                choices=[(c.key, c.label) for c in criteria],
                widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            )
        # Editing an existing survey: the version it was opened at (optimistic locking).
        self.fields["version"].required = versioned
        # Codes taken out of use stay ticked on the surveys that already name them.
        field_of(self, "causes", forms.ModelChoiceField).queryset = PovertyCause.objects.filter(
            Q(is_active=True) | Q(pk__in=chosen_causes)
        )
        field_of(self, "needs", forms.ModelChoiceField).queryset = SupportNeed.objects.filter(
            Q(is_active=True) | Q(pk__in=chosen_needs)
        )
        for indicator in standard.indicators:
            field = forms.BooleanField(label=indicator.label, required=False)  # type: ignore[arg-type]
            field.widget.attrs["class"] = "form-check-input"
            if indicator.key in standard.derived_keys:
                # Decided by the members: shown as derived; a disabled field ignores the POST.
                field.disabled = True
                derived_indicator = self.derived.get(indicator.key)
                field.initial = bool(derived_indicator and derived_indicator.deprived)
            self.fields[indicator.key] = field

    @staticmethod
    def b1_field(key: str) -> str:
        return f"b1_{key}"

    @property
    def offers_other_routes(self) -> bool:
        return self.card is not None or bool(self.criteria)

    def route(self) -> str:
        """The route chosen (a typed income when the standard offers no other), also after a
        service's error was put on the route's field (which drops it from `cleaned_data`)."""
        return self.cleaned_data.get("income_route") or self._route or IncomeRoute.TYPED

    def clean_income_route(self) -> str:
        self._route = self.cleaned_data["income_route"]
        return self._route

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        route = self.route()
        if route == IncomeRoute.TYPED:
            if data.get("income_per_capita") is None and "income_per_capita" not in self.errors:
                self.add_error("income_per_capita", _("Enter the income per person per month."))
        elif route == IncomeRoute.PHIEU_B:
            for name, _item in self.b1_items():
                if not data.get(name):
                    self.add_error(name, _("Choose the answer that applies to the household."))
        elif route == IncomeRoute.PHIEU_A and not data.get("screened_out"):
            self.add_error("screened_out", _("Tick the Phiếu A criteria the household meets."))
        return data

    def b1_items(self) -> list[tuple[str, Any]]:
        return [(self.b1_field(item.key), item) for item in self.card.items] if self.card else []

    def b1_rows(self) -> list[B1Row]:
        return [B1Row(field=self[name], key=item.key) for name, item in self.b1_items()]

    def b1_answers(self) -> dict[str, str]:
        """The B1 answers given, {item key: option key} (blanks left out)."""
        return {
            item.key: self.cleaned_data[name]
            for name, item in self.b1_items()
            if self.cleaned_data.get(name)
        }

    def screened_out(self) -> list[str]:
        return list(self.cleaned_data.get("screened_out") or [])

    def top_errors(self) -> list[str]:
        """Errors shown above the form: the form's own and those of its hidden fields."""
        hidden = [error for field in self.hidden_fields() for error in field.errors]
        return [*self.non_field_errors(), *hidden]

    def deprivations(self) -> dict[str, bool]:
        """The indicators the officer ticked (the service derives the roster ones itself)."""
        return {
            key: bool(self.cleaned_data.get(key))
            for key in self.standard.indicator_keys
            if key not in self.standard.derived_keys
        }

    def dimension_groups(self) -> list[DimensionGroup]:
        """The standard's indicators under its dimensions, in the standard's order."""
        groups = []
        for dimension in self.standard.dimensions:
            rows = tuple(
                IndicatorRow(
                    field=self[indicator.key],
                    threshold_text=indicator.threshold_text,
                    derived=self.derived.get(indicator.key)
                    if indicator.key in self.standard.derived_keys
                    else None,
                )
                for indicator in self.standard.indicators
                if indicator.dimension == dimension.key
            )
            groups.append(DimensionGroup(label=dimension.label, rows=rows))
        return groups

    @staticmethod
    def initial_for(assessment: Assessment) -> dict[str, Any]:
        """The form's starting values from a saved assessment."""
        initial: dict[str, Any] = {
            "version": assessment.version,
            "income_route": assessment.income_route,
            "income_per_capita": assessment.income_per_capita,
            "screened_out": list(assessment.screened_out),
            **{
                SurveyForm.b1_field(key): option
                for key, option in (assessment.b1_answers or {}).items()
            },
            "household_type": assessment.household_type,
            "expected_to_escape": assessment.expected_to_escape,
            "notes": assessment.notes,
        }
        # The roster indicators are shown as derived today, as the save will derive them.
        derived = get_standard(assessment.round.standard).derived_keys
        for key in assessment.deprivations - derived:
            initial[key] = True
        return initial


class AdhocReviewForm(BootstrapFormMixin, forms.Form):
    """Open an ad-hoc review (rà soát thường xuyên, Circular 17/2016 Art. 4) for a household."""

    round = forms.ModelChoiceField(
        label=_("Ad-hoc review round"),
        queryset=ReviewRound.objects.filter(kind=ReviewRound.Kind.AD_HOC),
        empty_label=_("— choose a round —"),
        error_messages={
            "required": _("Choose the ad-hoc review round."),
            "invalid_choice": _("Choose the ad-hoc review round."),
        },
    )
    request_kind = forms.ChoiceField(
        label=_("The household's request"),
        choices=RequestKind.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={
            "required": _("Choose what the household asks for."),
            "invalid_choice": _("Choose what the household asks for."),
        },
    )
    request_date = forms.DateField(
        label=_label("request_date"),
        widget=DateInput,
        error_messages={
            "required": _("Enter the date the request was received."),
            "invalid": _("Enter a valid date as dd/mm/yyyy, e.g. 05/10/2017."),
        },
    )
