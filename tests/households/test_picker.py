"""`households.forms.picker.PeriodPickerForm`: the year, period and ward / commune of the
dashboard, what-if, worklist, committee, training and target pages. No database: the wards are
built in memory (whether a unit is in force on a day is read from its own dates)."""

from __future__ import annotations

import datetime

from django.http import QueryDict

from households import standing
from households.forms.picker import PeriodPickerForm
from households.models import Ward

NO_REVIEW = "Không có đợt rà soát định kỳ cho năm này; đang hiển thị năm gần nhất."
NOT_A_WARD = "Hãy chọn phường, xã trong danh sách."

# Two units of 2017 merged on 1 July 2025 into a third (as the city's 2025 merger did).
OLD_WARD = Ward(pk=1, name="Đức Thắng", kind=Ward.Kind.WARD, valid_to=datetime.date(2025, 6, 30))
OLD_COMMUNE = Ward(
    pk=2, name="Tiến Lợi", kind=Ward.Kind.COMMUNE, valid_to=datetime.date(2025, 6, 30)
)
MERGED = Ward(pk=3, name="Phan Thiết", kind=Ward.Kind.WARD, valid_from=datetime.date(2025, 7, 1))
WARDS = [OLD_WARD, OLD_COMMUNE, MERGED]


def picker(query: str, **kwargs: object) -> PeriodPickerForm:
    form = PeriodPickerForm(QueryDict(query), **kwargs)  # type: ignore[arg-type]
    form.is_valid()
    return form


def test_a_blank_year_is_the_default_and_shown_selected() -> None:
    form = picker("", years=[2026, 2025, 2017], default_year=2025)
    assert form.chosen_year() == 2025
    assert '<option value="2025" selected>' in str(form["year"])
    assert form.errors == {}
    # Without a default, the newest year offered.
    assert picker("", years=[2026, 2017]).chosen_year() == 2026


def test_a_year_not_offered_is_refused_with_a_message_and_the_default_shown() -> None:
    form = picker("year=1999", years=[2026, 2017], default_year=2017)
    assert form.errors["year"] == [NO_REVIEW]
    assert form.chosen_year() == 2017
    assert picker("year=abc", years=[2017]).chosen_year() == 2017
    assert picker("year=2026", years=[2026, 2017], default_year=2017).chosen_year() == 2026


def test_the_period_is_the_year_end_review_unless_the_six_month_one_is_asked_for() -> None:
    assert picker("", years=[2017], periods=True).chosen_period == standing.ANNUAL
    six = picker("period=six-month", years=[2017], periods=True)
    assert six.chosen_period == standing.SIX_MONTH == "six-month"
    assert "period" in picker("period=sometime", years=[2017], periods=True).errors
    # A page without a period, a year or a ward has no such field.
    assert list(PeriodPickerForm(QueryDict(""), years=[2017]).fields) == ["year"]
    assert list(PeriodPickerForm(QueryDict(""), wards=WARDS).fields) == ["ward"]


def test_the_units_offered_are_those_in_force_on_the_day_and_the_one_asked_for() -> None:
    form = picker("", wards=WARDS)
    assert [label for _, label in form.fields["ward"].choices] == [  # type: ignore[attr-defined]
        "Tất cả phường, xã",
        "Phường Đức Thắng",
        "Xã Tiến Lợi",
        "Phường Phan Thiết",
    ]
    form.offer_units_of(datetime.date(2017, 12, 31))
    assert form.offered == [OLD_WARD, OLD_COMMUNE]
    form.offer_units_of(datetime.date(2026, 12, 31))
    assert form.offered == [MERGED]
    assert form.single_ward

    # A link across the merger names a former unit: it stays on offer, and chosen.
    across = picker("ward=1", wards=WARDS)
    across.offer_units_of(datetime.date(2026, 12, 31))
    assert across.offered == [OLD_WARD, MERGED]
    assert across.chosen_ward() is OLD_WARD


def test_a_ward_the_user_does_not_see_is_refused_and_named_for_a_404() -> None:
    mine = [OLD_WARD]
    form = picker("ward=2", wards=mine)
    assert form.errors["ward"] == [NOT_A_WARD]
    assert form.chosen_ward() is None
    assert form.ward_not_seen()
    assert not picker("ward=1", wards=mine).ward_not_seen()
    assert not picker("ward=", wards=mine).ward_not_seen()
    bad = picker("ward=abc", wards=mine)
    assert bad.errors["ward"] == [NOT_A_WARD]
    assert not bad.ward_not_seen()  # not a number: a message, not a 404
