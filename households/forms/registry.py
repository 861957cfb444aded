"""Forms check the shape of input; services apply the rules (STYLE.md §4).

The roster formset also checks what no single member form can see: the same person entered on
two rows, two heads, or one national ID number on two rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamngheo.forms import BootstrapFormMixin, DateInput
from households import access, services
from households.classification import get_standard, standards
from households.codes import next_household_code
from households.forms.survey import IncomeField
from households.models import (
    DEPRIVATION_COLUMNS,
    Asker,
    Assessment,
    Household,
    Member,
    Quarter,
    ReviewRound,
    Ward,
)
from households.scope import Scope
from households.services.registry import roster_problems
from households.units import lineage

# The most members one household's form takes (a bound on the work a request can cause).
MEMBERS_MAX = 40

HOUSEHOLD_FLAGS = (
    "is_merit_family",
    "is_social_protection",
    "is_ethnic_minority",
    "is_female_headed",
    "has_no_working_age_labour",
)


class MemberFormSet(BaseInlineFormSet):
    """The roster in the admin; `roster_problems` checks what no single row can see."""

    require_head = False

    def clean(self) -> None:
        # Precise row-level messages first; Django's generic duplicate check ("please correct
        # the duplicate data") only runs when these found nothing.
        rows = [
            None
            if not getattr(form, "cleaned_data", None)
            or (self.can_delete and self._should_delete_form(form))  # type: ignore[attr-defined]
            else form.cleaned_data
            for form in self.forms
        ]
        row_errors, roster_errors = roster_problems(rows, require_head=self.require_head)
        for index, errors in row_errors.items():
            for field, message in errors.items():
                self.forms[index].add_error(field, message)
        if roster_errors:
            raise ValidationError(roster_errors)
        if not any(form.errors for form in self.forms):
            super().clean()


STALE_PROPOSAL = gettext_lazy(
    "Code %(old)s is no longer the next free code of %(ward)s (someone has just used it, or "
    "another ward was chosen): %(code)s is proposed instead. Check it, then save."
)


class QuarterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)  # the ward is the page's: no need to repeat it on every option


class HouseholdForm(BootstrapFormMixin, forms.ModelForm):
    """The household part of the workspace form. The ward is the officer's own; an
    administrator chooses it, and the quarters offered are those of the ward(s) allowed."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    not_duplicate = forms.BooleanField(
        label=gettext_lazy("I have checked: this is not the same household"), required=False
    )

    class Meta:
        model = Household
        fields = [
            "quarter",
            "code",
            "head_name",
            "address",
            "phone",
            *HOUSEHOLD_FLAGS,
        ]
        field_classes = {"quarter": QuarterChoiceField}
        widgets = {
            "code": forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
            "head_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }
        error_messages = {
            "quarter": {"invalid_choice": gettext_lazy("Choose a quarter or hamlet of this ward.")},
        }

    def __init__(self, *args: Any, user: Asker, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if access.is_administrator(user):
            wards = Ward.objects.within(scope)
            # Not in Meta.fields: clean() puts it on the instance before the model's checks.
        quarter = cast(forms.ModelChoiceField, self.fields["quarter"])
        if access.is_administrator(user):
            wards = Ward.objects.within(scope)
            # Not in Meta.fields: clean() puts it on the instance before the model's checks.
            ward = cast(forms.ModelChoiceField, Household._meta.get_field("ward").formfield())
            ward.queryset = wards
            ward.initial = self.instance.ward_id
            ward.widget.attrs["class"] = "form-select"
            self.fields["ward"] = ward
            quarters = Quarter.objects.filter(ward__in=wards).select_related("ward")
            quarter.queryset = quarters
            quarter.choices = [("", "---------"), *_quarters_by_ward(quarters)]
            self.order_fields(["ward"])
        else:
            # A merged unit's quarters and hamlets are still its predecessors' (named by them).
            own = lineage(self.instance.ward_id)
            quarters = Quarter.objects.filter(ward_id__in=own).select_related("ward")
            quarter.queryset = quarters
            if len(own) > 1:
                quarter.choices = [("", "---------"), *_quarters_by_ward(quarters)]
        if self.instance.pk is None:
            del self.fields["version"]
            # The next free code of the ward is proposed (`households.codes`); the hidden copy
            # tells a proposal left as it was from a code the officer typed.
            self.fields["code_proposed"] = forms.CharField(widget=forms.HiddenInput, required=False)
            self.fields["code"].required = False  # empty: the next free code is proposed
            self.fields["code"].help_text = gettext_lazy(
                "The next free code of the ward is proposed; you may change it."
            )
        else:
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if data.get("ward") is not None:
            self.instance.ward = data["ward"]
        if "code_proposed" in self.fields and "code" not in self.errors:
            self._check_proposal(data.get("code") or "", data.get("code_proposed") or "")
        return data

    def _check_proposal(self, code: str, proposed: str) -> None:
        """A new household's code left empty, or the proposal left as it was while it stopped
        being the next free code (someone used it, or another ward was chosen): nothing is
        saved, and the next free code is proposed for the officer to check."""
        ward = self.instance.ward if self.instance.ward_id else None
        if ward is None:
            if not code:
                self.add_error(
                    "code", _("Choose the ward or commune: its next free code is then proposed.")
                )
            return
        if code and code != proposed:
            return  # typed by the officer: the service says if it is taken
        fresh = next_household_code(ward)
        if code == fresh:
            return
        self.propose(fresh)
        if not code:
            message = _(
                "Enter the household code: %(code)s, the next free code of %(ward)s, is proposed. "
                "Check it, then save."
            )
        else:
            message = str(STALE_PROPOSAL)
        self.add_error("code", message % {"old": code, "code": fresh, "ward": ward})

    def code_refused(self, messages: list[str]) -> list[str]:
        """The messages for a new household's code the save refused (taken meanwhile): a
        proposal left as it was is replaced by the next free code; a typed code is kept, and
        the next free code named."""
        ward = self.instance.ward if self.instance.ward_id else None
        if ward is None or "code_proposed" not in self.fields:
            return messages
        fresh = next_household_code(ward)
        code = self.cleaned_data.get("code") or ""
        if code == (self.cleaned_data.get("code_proposed") or ""):
            self.propose(fresh)
            return [str(STALE_PROPOSAL) % {"old": code, "code": fresh, "ward": ward}]
        return [
            *messages,
            _("The next free code of %(ward)s is %(code)s.") % {"ward": ward, "code": fresh},
        ]

    def propose(self, code: str) -> None:
        """Show `code` in the code field (a bound form shows what was posted) as the proposal."""
        data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict
        data[self.add_prefix("code")] = code
        data[self.add_prefix("code_proposed")] = code
        self.data = data

    def flag_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in HOUSEHOLD_FLAGS]

    def show_version(self, version: int) -> None:
        """Carry `version` in the hidden field: after a refused save, the next save is
        compared with what the officer has now seen."""
        data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict
        data["version"] = str(version)
        self.data = data


def _quarters_by_ward(quarters: Iterable[Quarter]) -> list[tuple[str, list[tuple[int, str]]]]:
    groups: dict[str, list[tuple[int, str]]] = {}
    for quarter in quarters:
        groups.setdefault(str(quarter.ward), []).append((quarter.pk, quarter.name))
    return list(groups.items())


class MemberForm(BootstrapFormMixin, forms.ModelForm):
    """One row of the roster; the model checks the dates and the year of birth."""

    class Meta:
        model = Member
        fields = [
            "full_name",
            "sex",
            "relation",
            "date_of_birth",
            "birth_year",
            "national_id",
            "ethnicity",
            "education_level",
            "attends_school",
            "occupation",
            "health_insurance_number",
            "health_insurance_expiry",
            "disability",
            "work_ability",
        ]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "date_of_birth": DateInput(),
            "birth_year": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "national_id": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "health_insurance_number": forms.TextInput(attrs={"autocomplete": "off"}),
            "health_insurance_expiry": DateInput(),
        }
        error_messages = {
            "birth_year": {"invalid": gettext_lazy("Enter a year of four digits, e.g. 1975.")},
        }

    def validate_unique(self) -> None:
        # `household_register` checks national ID numbers against every household, and names
        # the household that holds one when the officer may see it.
        return

    def _update_errors(self, errors: ValidationError) -> None:
        # A value the field refused reaches the model's checks as missing ("enter the year or
        # the date of birth"): one message per field, the field's own.
        if hasattr(errors, "error_dict"):
            errors = ValidationError(
                {
                    name: e
                    for name, e in errors.error_dict.items()
                    if name not in self._errors  # type: ignore[attr-defined]
                }
            )
            if not errors.error_dict:
                return
        super()._update_errors(errors)  # type: ignore[misc]


class HouseholdMemberFormSet(MemberFormSet):
    """The roster on the workspace's household form: at least one member, one of them the head."""

    require_head = True
    default_error_messages = {
        "too_few_forms": gettext_lazy("Enter at least one member: the head of household."),
        "too_many_forms": gettext_lazy("A household has at most %(num)d members."),
    }

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"
        # A saved row whose member someone else removed after this form was opened.
        form.fields["id"].error_messages["invalid_choice"] = _(
            "Someone else removed this member after you opened the form: tick “Remove this "
            "member” to agree, or enter them again as a new member."
        )


HouseholdMemberFormSetFactory = forms.inlineformset_factory(
    Household,
    Member,
    form=MemberForm,
    formset=HouseholdMemberFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    # A bound on the rows a request may make the server build (issue 10: 40,000 forms took
    # 94 s); no household comes near it.
    max_num=MEMBERS_MAX,
    absolute_max=MEMBERS_MAX,
    validate_max=True,
    can_delete=True,
    can_delete_extra=False,
)


class HouseholdArchiveForm(BootstrapFormMixin, forms.Form):
    """Why a household is archived (issue 10); `household_archive` checks the rest."""

    reason = forms.CharField(
        label=gettext_lazy("Reason for archiving"),
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "E.g. the whole family moved away for good, merged with another household, or it "
            "was entered twice."
        ),
        error_messages={"required": gettext_lazy("Enter why the household is archived.")},
    )


class AssessmentAdminForm(forms.ModelForm):
    """The survey as the admin enters it; the result is computed, never typed.

    A saved survey shows the indicators of its round's standard; a new one every deprivation
    column, and refuses a ticked indicator the chosen round's standard does not have.
    Indicators derived from the members are shown, not entered.
    """

    class Meta:
        model = Assessment
        fields = [
            "household",
            "round",
            "income_per_capita",
            *DEPRIVATION_COLUMNS,
            "household_type",
            "causes",
            "needs",
            "expected_to_escape",
            "notes",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The admin records a typed income, read as the survey reads it; Phiếu A and B1 are
        # filled on the survey page.
        if "income_per_capita" in self.fields:
            self.fields["income_per_capita"] = IncomeField()
        # The admin builds this form with only the fields the user may change (none for a
        # reader, who sees the others read-only): touch only the fields it has.
        if self.instance.pk:
            standard = get_standard(self.instance.round.standard)
            derived = set(standard.derived_keys)
            for name in set(DEPRIVATION_COLUMNS) - set(standard.indicator_keys):
                self.fields.pop(name, None)
            for indicator in standard.indicators:
                if indicator.key in self.fields:
                    self.fields[indicator.key].label = indicator.label  # type: ignore[assignment]
            # A survey belongs to its household and round; record another one instead.
            disabled = [*derived, "household", "round"]
        else:
            # Derived under every standard; one a standard derives is ignored by the save.
            derived = set.intersection(*(set(s.derived_keys) for s in standards().values()))
            disabled = list(derived)
        for name in disabled:
            if name in self.fields:
                self.fields[name].disabled = True
        for name in derived:
            if name in self.fields:
                self.fields[name].help_text = gettext_lazy(
                    "Derived from the members; edit the roster to change it."
                )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what ModelForm.clean() returns
        if self.instance.pk:
            services.ensure_editable(self.instance)  # locked once under review
        household, review_round = data.get("household"), data.get("round")
        if review_round and review_round.kind == ReviewRound.Kind.AD_HOC:
            # Ad-hoc reviews start from the household's request, in the workspace.
            raise ValidationError(
                {"round": _("Open an ad-hoc review from the household's page in the workspace.")}
            )
        if review_round:
            standard = get_standard(review_round.standard)
            foreign = [
                name
                for name in DEPRIVATION_COLUMNS
                if self.cleaned_data.get(name) and name not in standard.indicator_keys
            ]
            if foreign:
                raise ValidationError(
                    _("Not an indicator of the round's poverty standard (%(standard)s): %(keys)s")
                    % {"standard": standard.name, "keys": ", ".join(foreign)}
                )
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
                if key not in standard.derived_keys
            },
            household_type=data.get("household_type", ""),
            causes=data.get("causes", ()),
            needs=data.get("needs", ()),
            expected_to_escape=data.get("expected_to_escape", False),
            notes=data.get("notes", ""),
            by=by,
        )
