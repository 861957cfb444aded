"""The household list's search and filters: GET parameters, checked but never fatal.

A value the user may not use (another ward, a round that does not exist, a made-up status)
gets a message on its field and is left out; the list is shown without it, never a 500.
"""

from __future__ import annotations

import builtins
import datetime
import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from giamngheo.forms import BootstrapFormMixin
from households import selectors, standing, units
from households.classification import dimensions_by_key, indicators_by_key
from households.forms.picker import unit_choices
from households.models import (
    Assessment,
    PoorGroupChoice,
    PovertyStatus,
    Quarter,
    ReviewRound,
    ReviewState,
    Ward,
)
from households.scope import Scope
from households.selectors import IN_REVIEW, NOT_ASSESSED, HouseholdFilters

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _indicator_choices() -> list[tuple[str, Any]]:
    """Every indicator of every standard (an assessment column each), read when used."""
    return [("", ""), *((key, i.label) for key, i in indicators_by_key().items())]


def _dimension_choices() -> list[tuple[str, Any]]:
    return [("", ""), *((key, d.label) for key, (d, _keys) in dimensions_by_key().items())]


_INVALID_CHOICE = _("“%(value)s” is not one of the choices; this filter was ignored.")


def _escaped(value: Any) -> str:
    # The standard library's escape, as Django's (which wraps it for lazy strings, at a cost
    # that shows over hundreds of options).
    return html.escape(str(value), quote=True)


def _attrs_html(attrs: dict[str, Any]) -> str:
    # As django/forms/widgets/attrs.html: True is a bare name, False leaves it out.
    return "".join(
        f" {name}" if value is True else f' {name}="{_escaped(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class FastSelect(forms.Select):
    """A select written in Python: the same HTML as Django's templates, which render each
    option through two more templates (the 95 quarters of the city took 9 ms; a province's
    wards and hamlets would take a hundred)."""

    def option_attrs(self, value: Any) -> dict[str, Any]:
        return {}

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        chosen = {str(v) for v in widget["value"]}
        parts = [f'<select name="{_escaped(widget["name"])}"{_attrs_html(widget["attrs"])}>']
        selected = False

        def option(value: Any, label: Any) -> str:
            nonlocal selected
            extra = self.option_attrs(value)
            shown = "" if value is None else str(value)
            if not selected and shown in chosen:
                extra = {"selected": True, **extra}
                selected = True
            attributes = _attrs_html(extra)
            return f'  <option value="{_escaped(shown)}"{attributes}>{_escaped(label)}</option>'

        for group_value, group_label in self.choices:
            if isinstance(group_label, (list, tuple)):
                parts.append(f'  <optgroup label="{_escaped(group_value)}">')
                parts.extend(option(v, label) for v, label in group_label)
                parts.append("  </optgroup>")
            else:
                parts.append(option(group_value, group_label))
        parts.append("</select>")
        # Every name, value and label above went through _escaped.
        return mark_safe("\n".join(parts))


class QuarterSelect(FastSelect):
    """Each option names its ward (`data-ward`), so the page can offer only the chosen ward's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ward_of: dict[str, str] = {}

    def option_attrs(self, value: Any) -> dict[str, Any]:
        ward = self.ward_of.get(str(value))
        return {"data-ward": ward} if ward else {}


class FlagInput(forms.CheckboxInput):
    """A yes-only filter written `name=1` in the link; "0" or "false" mean not ticked."""

    def __init__(self) -> None:
        super().__init__(attrs={"value": "1"})

    def value_from_datadict(self, data: Any, files: Any, name: str) -> bool:
        return data.get(name, "").strip().lower() not in ("", "0", "false", "off")


class HouseholdFilterForm(BootstrapFormMixin, forms.Form):
    """Shape of the list's parameters: q, ward, quarter, round, status, group, merit, social,
    type, escape, state. The choices come in already loaded, so checking costs no query."""

    wards: list[Ward]
    rounds: list[ReviewRound]

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Name, national ID number or household code"),
                "autocomplete": "off",
            }
        ),
    )
    round = forms.TypedChoiceField(
        label=_("Review round"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={
            "invalid_choice": _("There is no such review round; the most recent one is shown.")
        },
    )
    ward = forms.TypedChoiceField(
        label=_("Ward / commune"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=FastSelect,
        error_messages={
            "invalid_choice": _(
                "This ward / commune does not exist or is not yours to see; "
                "this filter was ignored."
            )
        },
    )
    quarter = forms.TypedChoiceField(
        label=_("Quarter / hamlet"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=QuarterSelect,
        error_messages={
            "invalid_choice": _(
                "This quarter / hamlet does not exist or is not yours to see; "
                "this filter was ignored."
            )
        },
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All statuses")),
            *PovertyStatus.choices,
            (NOT_ASSESSED, _("Not assessed in this round")),
        ],
        error_messages={"invalid_choice": _INVALID_CHOICE},
    )
    group = forms.ChoiceField(
        label=_("Poor group"),
        required=False,
        choices=[("", _("Both groups")), *PoorGroupChoice.choices],
        error_messages={"invalid_choice": _INVALID_CHOICE},
    )
    type = forms.ChoiceField(
        label=_("Household type"),
        required=False,
        choices=[("", _("All types")), *Assessment.HouseholdType.choices],
        error_messages={"invalid_choice": _INVALID_CHOICE},
    )
    state = forms.ChoiceField(
        label=_("Review state"),
        required=False,
        choices=[
            ("", _("All states")),
            *ReviewState.choices,
            (IN_REVIEW, _("In review (not yet recognised)")),
        ],
        error_messages={"invalid_choice": _INVALID_CHOICE},
    )
    merit = forms.BooleanField(
        label=_("People-with-merit households"), required=False, widget=FlagInput
    )
    social = forms.BooleanField(
        label=_("Social-protection households"), required=False, widget=FlagInput
    )
    escape = forms.BooleanField(
        label=_("Expected to escape poverty"), required=False, widget=FlagInput
    )
    minority = forms.BooleanField(
        label=_("Ethnic-minority households"), required=False, widget=FlagInput
    )
    female = forms.BooleanField(
        label=_("Female-headed households"), required=False, widget=FlagInput
    )
    nolabour = forms.BooleanField(
        label=_("Households without working-age labour"), required=False, widget=FlagInput
    )
    # Archived households (issue 10): out of the list unless asked for.
    archived = forms.BooleanField(label=_("Archived households"), required=False, widget=FlagInput)
    # The reports' links (issue 5): hidden on the page, shown as the active filters.
    deprived = forms.ChoiceField(
        label=_("Deprived in"),
        required=False,
        choices=_indicator_choices,
        error_messages={"invalid_choice": _INVALID_CHOICE},
        widget=forms.HiddenInput,
    )
    dimension = forms.ChoiceField(
        label=_("Deprived in the dimension"),
        required=False,
        choices=_dimension_choices,
        error_messages={"invalid_choice": _INVALID_CHOICE},
        widget=forms.HiddenInput,
    )
    cause = forms.SlugField(
        label=_("Cause of poverty"), required=False, max_length=40, widget=forms.HiddenInput
    )
    need = forms.SlugField(
        label=_("Support need"), required=False, max_length=40, widget=forms.HiddenInput
    )
    # Official figures (households.standing): the recognised lists in force on a day, and the
    # movements of a period.
    on = forms.DateField(
        label=_("Recognised lists in force on"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.HiddenInput,
    )
    movement = forms.ChoiceField(
        label=_("Movement"),
        required=False,
        choices=[("", ""), *standing.MOVEMENT_LABELS.items()],
        error_messages={"invalid_choice": _INVALID_CHOICE},
        widget=forms.HiddenInput,
    )
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=2000, max_value=2100, widget=forms.HiddenInput
    )
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            ("", ""),
            (standing.ANNUAL, _("Year")),
            (standing.SIX_MONTH, _("First six months")),
        ],
        error_messages={"invalid_choice": _INVALID_CHOICE},
        widget=forms.HiddenInput,
    )
    list = forms.ChoiceField(
        label=_("List"),
        required=False,
        choices=[
            ("", ""),
            (PovertyStatus.POOR, _("Poor households")),
            (PovertyStatus.NEAR_POOR, _("Near-poor households")),
        ],
        error_messages={"invalid_choice": _INVALID_CHOICE},
        widget=forms.HiddenInput,
    )

    # The yes/no filters, in the order the form shows them.
    FLAG_FIELDS = ("merit", "social", "escape", "minority", "female", "nolabour")
    # The filters that narrow the list (the search box and the round are shown apart).
    FILTER_FIELDS = (
        "ward",
        "quarter",
        "status",
        "group",
        "type",
        "state",
        *FLAG_FIELDS,
    )

    @property
    def flag_fields(self) -> builtins.list[forms.BoundField]:
        return [self[name] for name in self.FLAG_FIELDS]

    @classmethod
    def for_scope(cls, data: QueryDict, scope: Scope) -> HouseholdFilterForm:
        """The form with the wards, quarters and rounds of `scope` to filter by, validated: an
        invalid field is left out of `filters()` and shown with its message. The household
        list, its Excel export and its PDF all read their parameters through this."""
        rounds = selectors.review_rounds_for_list(scope)
        form = cls(
            data,
            wards=selectors.visible_wards(scope),
            quarters=selectors.visible_quarters(scope),
            rounds=rounds,
            default_round=selectors.default_review_round(rounds),
        )
        form.is_valid()
        form.offer_units_of(form.units_day())
        return form

    def units_day(self) -> datetime.date:
        """The day whose units the ward select offers (issue 12): the day of the lists shown
        (`on`), the last day of the movement's period, else the last day of the round shown,
        else today."""
        cleaned = getattr(self, "cleaned_data", {})
        if cleaned.get("on"):
            return cleaned["on"]
        if cleaned.get("movement") and cleaned.get("year"):
            return standing.period(
                cleaned["year"], cleaned.get("period") or standing.ANNUAL
            ).last_day
        chosen = cleaned.get("round")
        review_round = next((r for r in self.rounds if r.pk == chosen), self.default_round)
        return review_round.ends_on if review_round is not None else timezone.localdate()

    def offer_units_of(self, day: datetime.date) -> None:
        """Offer the units in force on `day` (a 2017 list the 18 units of then, a 2026 one
        those of the 2025 merger), and the unit asked for if the user may see it: a report's
        link across a merger names one no longer (or not yet) in force (`units.offered`)."""
        self.wards = units.offered(
            self.wards, day, keep=getattr(self, "cleaned_data", {}).get("ward")
        )
        self.single_ward = len(self.wards) <= 1
        self._choice_field("ward").choices = unit_choices(self.wards)

    def __init__(
        self,
        data: QueryDict,
        *,
        wards: Sequence[Ward],
        quarters: Sequence[Quarter],
        rounds: Sequence[ReviewRound],
        default_round: ReviewRound | None,
    ) -> None:
        self.default_round = default_round
        super().__init__(self._with_round(data))
        self.wards = list(wards)
        self.rounds = list(rounds)
        self.single_ward = len(wards) <= 1
        self._choice_field("ward").choices = unit_choices(wards)
        self._choice_field("round").choices = [(r.pk, r.name) for r in rounds]
        self._ward_of_quarter = {quarter.pk: quarter.ward_id for quarter in quarters}
        quarter_field = self._choice_field("quarter")
        quarter_field.choices = [("", _("All quarters and hamlets")), *self._grouped(quarters)]
        widget = quarter_field.widget
        assert isinstance(widget, QuarterSelect)
        widget.ward_of = {str(q.pk): str(q.ward_id) for q in quarters}

    def _choice_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def _with_round(self, data: QueryDict) -> QueryDict:
        # Without a round in the link, the list shows (and the select names) the default one.
        if data.get("round") or self.default_round is None:
            return data
        data = data.copy()
        data["round"] = str(self.default_round.pk)
        return data

    def full_clean(self) -> None:
        super().full_clean()
        if "round" in self.errors and self.default_round is not None:
            # The error says the default round is shown: make the select show it too.
            data = cast(QueryDict, self.data).copy()
            data["round"] = str(self.default_round.pk)
            self.data = data

    def _grouped(self, quarters: Sequence[Quarter]) -> builtins.list[tuple[Any, Any]]:
        if len({quarter.ward_id for quarter in quarters}) <= 1:
            return [(quarter.pk, quarter.name) for quarter in quarters]
        groups: dict[int, tuple[str, list[tuple[int, str]]]] = {}
        for quarter in quarters:
            if quarter.ward_id not in groups:  # a ward's name once, not once per quarter
                groups[quarter.ward_id] = (str(quarter.ward), [])
            groups[quarter.ward_id][1].append((quarter.pk, quarter.name))
        return list(groups.values())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("movement") and not cleaned.get("year"):
            self.add_error("movement", _("A movement needs the year it is counted in."))
        ward, quarter = cleaned.get("ward"), cleaned.get("quarter")
        if (
            ward is not None
            and quarter is not None
            # A merged unit's quarters are its predecessors' (`households.units.lineage`).
            and self._ward_of_quarter[quarter] not in units.lineage(ward)
        ):
            self.add_error(
                "quarter",
                _("This quarter / hamlet is not in the chosen ward / commune; it was ignored."),
            )
        return cleaned

    REPORT_FIELDS = (
        "on",
        "deprived",
        "dimension",
        "cause",
        "need",
        "movement",
        "year",
        "period",
        "list",
    )

    @property
    def report_filters(self) -> builtins.list[tuple[forms.BoundField, StrOrPromise | None, Any]]:
        """The reports' filters in use: (bound field, label, value shown)."""
        cleaned = getattr(self, "cleaned_data", {})
        active = []
        for name in self.REPORT_FIELDS:
            value = cleaned.get(name)
            if value:
                field = self.fields[name]
                if isinstance(value, datetime.date):
                    shown = value.strftime("%d/%m/%Y")
                elif hasattr(field, "choices"):
                    shown = dict(field.choices).get(value, value)
                else:
                    shown = value
                active.append((self[name], field.label, shown))
        return active

    @property
    def active_filter_count(self) -> int:
        """How many filters narrow the list (shown on the button that opens them)."""
        cleaned = getattr(self, "cleaned_data", {})
        return sum(1 for name in self.FILTER_FIELDS if cleaned.get(name))

    def filters(self) -> HouseholdFilters:
        """The valid part of the request; a field with an error counts as not given."""
        cleaned = getattr(self, "cleaned_data", {})
        review_round = cleaned.get("round")
        if review_round is None and self.default_round is not None:
            review_round = self.default_round.pk
        return HouseholdFilters(
            q=cleaned.get("q") or "",
            ward=cleaned.get("ward"),
            quarter=cleaned.get("quarter"),
            review_round=review_round,
            status=cleaned.get("status") or "",
            group=cleaned.get("group") or "",
            merit=bool(cleaned.get("merit")),
            social=bool(cleaned.get("social")),
            household_type=cleaned.get("type") or "",
            escape=bool(cleaned.get("escape")),
            state=cleaned.get("state") or "",
            deprived=cleaned.get("deprived") or "",
            dimension=cleaned.get("dimension") or "",
            cause=cleaned.get("cause") or "",
            need=cleaned.get("need") or "",
            minority=bool(cleaned.get("minority")),
            female=bool(cleaned.get("female")),
            nolabour=bool(cleaned.get("nolabour")),
            archived=bool(cleaned.get("archived")),
            on=cleaned.get("on"),
            movement=cleaned.get("movement") or "",
            period_year=cleaned.get("year"),
            period_kind=cleaned.get("period") or standing.ANNUAL,
            movement_list=cleaned.get("list") or "",
        )
