"""What the household list and page write in Python instead of templates (issue 11): the same
HTML as Django's own, only cheaper over hundreds of options and labels."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.http import QueryDict

from households.forms.lists import FastSelect, HouseholdFilterForm, QuarterSelect
from households.models import Assessment, Member, Quarter, ReviewEvent, User
from households.templatetags.choices import choice_label
from programs.scope import scope_for
from tests.factories import make_assessment, make_household, make_member

pytestmark = pytest.mark.django_db


def django_select(field: forms.BoundField, monkeypatch: pytest.MonkeyPatch) -> str:
    """The field as Django's templates write it, options and `data-ward` alike."""
    original = forms.Select.create_option

    def create_option(self: FastSelect, *args: object, **kwargs: object) -> dict[str, object]:
        option = original(self, *args, **kwargs)  # type: ignore[arg-type]
        option["attrs"].update(self.option_attrs(option["value"]))  # type: ignore[union-attr]
        return option

    with monkeypatch.context() as patch:
        patch.setattr(FastSelect, "render", forms.Select.render)
        patch.setattr(FastSelect, "create_option", create_option, raising=False)
        return str(field)


def same_html(a: str, b: str) -> bool:
    def norm(value: str) -> str:
        return re.sub(r">\s+<", "><", " ".join(value.split()))

    return norm(a) == norm(b)


@pytest.mark.parametrize(
    "query", ["", "ward=WARD&quarter=QUARTER", "quarter=abc", "ward=999999", "quarter=QUARTER"]
)
def test_the_ward_and_quarter_selects_are_written_as_django_writes_them(
    city_reviewer: User, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    quarter = Quarter.objects.filter(ward__code="duc-thang").order_by("pk").last()
    assert quarter is not None
    # A name that must be escaped, in an option and in a group's label.
    Quarter.objects.filter(pk=quarter.pk).update(name='Khu "A" <&> 1')
    data = QueryDict(
        query.replace("WARD", str(quarter.ward_id)).replace("QUARTER", str(quarter.pk))
    )
    for name in ("ward", "quarter"):
        ours = str(HouseholdFilterForm.for_scope(data, scope_for(city_reviewer))[name])
        theirs = django_select(
            HouseholdFilterForm.for_scope(data, scope_for(city_reviewer))[name], monkeypatch
        )
        assert same_html(ours, theirs), name
    form = HouseholdFilterForm.for_scope(data, scope_for(city_reviewer))
    assert isinstance(form.fields["quarter"].widget, QuarterSelect)
    assert "Khu &quot;A&quot; &lt;&amp;&gt; 1" in str(form["quarter"])
    assert f'data-ward="{quarter.ward_id}"' in str(form["quarter"])


def test_choice_labels_are_the_models_own(city_reviewer: User) -> None:
    household = make_household()
    member = make_member(household, relation=Member.Relation.GRANDCHILD, sex=Member.Sex.FEMALE)
    assessment = make_assessment(household, household_type=Assessment.HouseholdType.LACKS_MEANS)
    for instance, field in (
        (member, "relation"),
        (member, "sex"),
        (member, "ethnicity"),
        (member, "education_level"),
        (member, "work_ability"),
        (member, "disability"),
        (assessment, "status"),
        (assessment, "state"),
        (assessment, "household_type"),
        (assessment, "poor_group"),
        (assessment, "request_kind"),
    ):
        expected = getattr(instance, f"get_{field}_display")()
        assert choice_label(instance, field) == str(expected), field
    event = ReviewEvent(action="submit", from_state="", to_state="submitted")
    assert choice_label(event, "action") == event.get_action_display()
    assert choice_label(event, "from_state") == ""
    # A value outside the choices shows as stored, as get_FOO_display does.
    member.relation = "unknown"
    assert choice_label(member, "relation") == "unknown"
