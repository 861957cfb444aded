"""Forms of the Steering Committee, training and target pages: shape only, the rules are in
`programs.services`."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from giamngheo.forms import BootstrapFormMixin, DateInput, SafeModelMultipleChoiceField
from households.forms.picker import PeriodPickerForm
from households.models import User, Ward
from programs.models import Agency, CommitteeMember


class CommitteeFilterForm(PeriodPickerForm):
    """The committee list's ward filter; a ward the user may not see is ignored with a message."""

    def __init__(self, data: Any, *, wards: Sequence[Ward]) -> None:
        super().__init__(data, wards=wards)
        self.fields["ward"].error_messages["invalid_choice"] = _(
            "This ward / commune does not exist or is not yours to see; this filter was ignored."
        )


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        where = obj.ward if obj.ward_id else _("City")
        return f"{obj.full_name} – {obj.position} ({where})"


class AssignForm(BootstrapFormMixin, forms.Form):
    """Who manages the household (cán bộ quản lý hộ) and since when."""

    member = MemberChoiceField(
        label=_("Steering Committee member who manages the household"),
        queryset=CommitteeMember.objects.none(),
        error_messages={
            "required": _("Choose the committee member who manages this household."),
            "invalid_choice": _(
                "This member does not follow this ward / commune: choose one from the list."
            ),
        },
    )
    since = forms.DateField(
        label=_("Since"),
        widget=DateInput(),
        error_messages={
            "required": _("Enter the date the member started managing the household."),
            "invalid": _("Enter a date as dd/mm/yyyy."),
        },
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args: Any, members: QuerySet[CommitteeMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = members
        field.empty_label = _("– choose a member –")


class TrainingForm(BootstrapFormMixin, forms.Form):
    date = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        error_messages={
            "required": _("Enter the date of the course."),
            "invalid": _("Enter a date as dd/mm/yyyy."),
        },
    )
    topic = forms.CharField(
        label=_("Topic"),
        max_length=255,
        error_messages={"required": _("Enter the topic of the course.")},
    )
    organiser = forms.ModelChoiceField(
        label=_("Organiser"),
        queryset=Agency.objects.all(),
        empty_label=_("– choose the organising agency –"),
        error_messages={
            "required": _("Choose the agency that organises the course."),
            "invalid_choice": _("Choose an agency from the list."),
        },
    )
    location = forms.CharField(label=_("Location"), max_length=255, required=False)


class OfficerChoiceField(SafeModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class AttendanceForm(BootstrapFormMixin, forms.Form):
    officers = OfficerChoiceField(
        label=_("Officers who attended"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("This officer is not in the list: reload the page.")},
    )

    def __init__(self, *args: Any, officers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["officers"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = officers


class TargetForm(BootstrapFormMixin, forms.Form):
    """One ward's targets for a year; `ward` and `year` come from the row, checked by the view."""

    households_to_escape = forms.IntegerField(
        label=_("Households planned to escape poverty"),
        min_value=0,
        error_messages={
            "required": _("Enter the number of households planned to escape poverty."),
            "invalid": _("Enter a whole number."),
            "min_value": _("The number cannot be negative."),
        },
    )
    total_households = forms.IntegerField(
        label=_("Total households in the ward"),
        min_value=1,
        error_messages={
            "required": _("Enter the total number of households in the ward."),
            "invalid": _("Enter a whole number."),
            "min_value": _("The ward has at least one household."),
        },
    )
    rate_reduction_min = forms.DecimalField(
        label=_("Poor rate to fall by at least (points)"),
        min_value=Decimal(0),
        max_digits=4,
        decimal_places=2,
        localize=True,
        initial=Decimal("0.2"),
        error_messages={
            "required": _("Enter the lower bound of the reduction."),
            "invalid": _("Enter a number such as 0,2."),
            "min_value": _("The reduction cannot be negative."),
        },
    )
    rate_reduction_max = forms.DecimalField(
        label=_("Poor rate to fall by up to (points)"),
        min_value=Decimal(0),
        max_digits=4,
        decimal_places=2,
        localize=True,
        initial=Decimal("0.3"),
        error_messages={
            "required": _("Enter the upper bound of the reduction."),
            "invalid": _("Enter a number such as 0,3."),
            "min_value": _("The reduction cannot be negative."),
        },
    )
