"""Forms of the Circular 17/2016 review steps: shape checks only.

The rules (dates not in the future, a share from 0 to 100 %, minutes typed or attached, the
posting after the meeting and long enough, the decision after the posting, its signer) are the
services' in `households.services.review`; their `ValidationError` dicts are keyed by these
forms' field names, so a view puts each message on its field with `form.add_service_error(exc)`.
Fields the step needs are not `required` here, so that the service says what is missing, in the
same words everywhere; `marked_required` only puts the asterisk on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from giamngheo.forms import BootstrapFormMixin, DateInput
from households.models import Assessment, ReviewRound
from households.models.assessments import MEETING_ATTENDANCE_MAX
from households.services.review import MINUTES_EXTENSIONS

DATE_ERRORS = {"invalid": _("Enter a date as dd/mm/yyyy, e.g. 15/10/2017.")}
NUMBER_ERRORS = {"invalid": _("Enter a whole number.")}


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=DateInput(), error_messages=DATE_ERRORS
    )


class ReviewStepForm(BootstrapFormMixin, forms.Form):
    """A step's fields laid out on a grid: `layout` gives each field its column width."""

    marked_required: ClassVar[frozenset[str]] = frozenset()
    columns: ClassVar[dict[str, str]] = {}

    def layout(self) -> list[tuple[forms.BoundField, str]]:
        return [(self[name], self.columns.get(name, "col-12")) for name in self.fields]


class MeetingForm(ReviewStepForm):
    """The community meeting (họp dân) that reviewed the list: Circular 17 Art. 4(1)(c)."""

    marked_required = frozenset({"meeting_date", "attendance", "agreement_percent"})
    columns: ClassVar[dict[str, str]] = {
        "meeting_date": "col-md-4",
        "attendance": "col-md-4",
        "agreement_percent": "col-md-4",
    }

    meeting_date = _date_field(_("Date of the meeting"))
    # The model's bound (a smallint column overflows past 32,767 on PostgreSQL): refused here in
    # the model's words, so the page says it on the field instead of failing; the service too.
    attendance = forms.IntegerField(
        label=_("People attending"),
        required=False,
        max_value=MEETING_ATTENDANCE_MAX,
        error_messages={
            **NUMBER_ERRORS,
            "max_value": _(
                "A community meeting of more than %(limit_value)s people is not plausible."
            ),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
    )
    agreement_percent = forms.IntegerField(
        label=_("Share agreeing (%)"),
        required=False,
        error_messages=NUMBER_ERRORS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 100}),
    )
    minutes = forms.CharField(
        label=_("Minutes of the meeting"),
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Type the minutes here, or attach the signed minutes below."),
    )
    minutes_file = forms.FileField(
        label=_("Attached minutes"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ",".join(sorted(MINUTES_EXTENSIONS))}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["minutes_file"].help_text = _(
            "PDF, JPG, PNG, DOC, DOCX or ODT, at most %(mb)s MB."
        ) % {"mb": settings.UPLOAD_MAX_MEGABYTES}


class PostingForm(ReviewStepForm):
    """The public posting (niêm yết công khai) of the list after the meeting."""

    marked_required = frozenset({"posted_from", "posted_to"})
    columns: ClassVar[dict[str, str]] = {"posted_from": "col-md-6", "posted_to": "col-md-6"}

    posted_from = _date_field(_("Posted from"))
    posted_to = _date_field(_("Posted until"))


class RecogniseForm(ReviewStepForm):
    """The ward chairman's decision recognising the result (Circular 17 Art. 2(1)), as the ward's
    officer records it: number, date and who signed."""

    marked_required = frozenset({"decision_number", "decision_date", "decision_signer"})
    columns: ClassVar[dict[str, str]] = {
        "decision_number": "col-md-6",
        "decision_date": "col-md-6",
        "decision_signer": "col-12",
    }

    decision_number = forms.CharField(
        label=_("Decision number"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "125/QĐ-UBND", "autocomplete": "off"}),
    )
    decision_date = _date_field(_("Decision date"))
    # No max_length here: the service says how long it may be, in the same words everywhere.
    decision_signer = forms.CharField(
        label=_("Signed by"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "placeholder": "Nguyễn Văn A – Chủ tịch UBND phường …",
                "autocomplete": "off",
            }
        ),
        help_text=_(
            "The name and title of the People's Committee chairman (or deputy) who signed."
        ),
    )


class ReturnForm(ReviewStepForm):
    """Sending the assessment back to the ward officer, with the reason."""

    marked_required = frozenset({"reason"})

    reason = forms.CharField(
        label=_("Reason for returning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The ward officer reads this and corrects the survey."),
    )


class BulkStepMixin:
    """Adds the ticked `assessments` to a step's form; the view passes the ones it offers."""

    fields: dict[str, forms.Field]
    data: Any

    def __init__(self, *args: Any, assessments: QuerySet[Assessment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lost = _("One of the chosen assessments can no longer be found.")
        chosen = forms.ModelMultipleChoiceField(
            queryset=assessments,
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": _("Choose at least one assessment."),
                "invalid_choice": lost,
                "invalid_pk_value": lost,
            },
        )
        self.fields = {"assessments": chosen, **self.fields}

    def layout(self) -> list[tuple[forms.BoundField, str]]:
        rows = super().layout()  # type: ignore[misc]
        return [(bound, column) for bound, column in rows if bound.name != "assessments"]

    def ticked(self) -> frozenset[int]:
        """The rows ticked when the form was sent, so a form shown again keeps them ticked."""
        name = self.add_prefix("assessments")  # type: ignore[attr-defined]
        return frozenset(int(v) for v in self.data.getlist(name) if str(v).isdigit())


class BulkMeetingForm(BulkStepMixin, MeetingForm):
    pass


class BulkPostingForm(BulkStepMixin, PostingForm):
    pass


class BulkDecisionForm(BulkStepMixin, RecogniseForm):
    """One ward's posted assessments: recognised by one decision, or returned with a reason."""

    marked_required = frozenset({"decision_number", "decision_date", "decision_signer", "reason"})

    reason = ReturnForm.base_fields["reason"]

    def clean_assessments(self) -> QuerySet[Assessment]:
        chosen = self.cleaned_data["assessments"]
        if len({assessment.ward_id for assessment in chosen}) > 1:
            raise forms.ValidationError(
                _("One decision covers the households of one ward or commune only.")
            )
        return chosen


class RoundChoiceForm(forms.Form):
    """`?round=` of the progress page, among the rounds the view has already loaded."""

    round = forms.TypedChoiceField(
        label=_("Review round"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("This review round does not exist; showing another.")},
    )

    def __init__(self, *args: Any, rounds: Iterable[ReviewRound], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["round"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(r.pk, r.name) for r in rounds]
        field.widget.attrs["class"] = "form-select"
