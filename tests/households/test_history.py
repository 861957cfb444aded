"""The readable audit trail built from django-simple-history (issue 3 §8)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from households import services
from households.history import HistoryEntry, HouseholdHistory, display_value, household_history
from households.models import (
    Assessment,
    Household,
    Member,
    PovertyCause,
    SupportNeed,
    User,
    Ward,
)
from tests.factories import make_assessment, make_household, make_member, make_round, make_user

pytestmark = pytest.mark.django_db


def field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    return model._meta.get_field(name)


def only(history: HouseholdHistory, *, subject: str, kind: str) -> HistoryEntry:
    found = [e for e in history.entries if e.subject == subject and e.kind_label == kind]
    assert len(found) == 1, [(e.subject, e.kind_label) for e in history.entries]
    return found[0]


def changes(entry: HistoryEntry) -> dict[str, tuple[str, str]]:
    return {c.label: (c.old, c.new) for c in entry.changes}


# --- Values as officers read them ------------------------------------------------------------


def test_booleans_read_yes_and_no() -> None:
    flag = field(Household, "is_merit_family")
    assert display_value(flag, True) == "Có"
    assert display_value(flag, False) == "Không"


def test_choices_show_their_label() -> None:
    assert display_value(field(Assessment, "status"), "near_poor") == "Hộ cận nghèo"
    assert display_value(field(Assessment, "state"), "returned") == "Bị trả lại"
    assert display_value(field(Member, "relation"), "spouse") == "Vợ/chồng"


def test_money_is_formatted_in_dong() -> None:
    assert display_value(field(Assessment, "income_per_capita"), 1_300_000) == "1.300.000 đ"


def test_dates_are_dd_mm_yyyy_and_empty_values_a_dash() -> None:
    expiry = field(Member, "health_insurance_expiry")
    assert display_value(expiry, datetime.date(2018, 3, 5)) == "05/03/2018"
    assert display_value(expiry, None) == "—"
    assert display_value(field(Household, "phone"), "") == "—"


def test_a_foreign_key_is_named_and_a_missing_one_says_so(duc_thang: Ward) -> None:
    quarter = duc_thang.quarters.order_by("display_order").first()
    ward_field = field(Household, "quarter")
    related = {(ward_field.related_model, quarter.pk): quarter}
    assert display_value(ward_field, quarter.pk, related) == str(quarter)
    assert display_value(ward_field, 999_999, related) == "#999999 (đã xoá)"


# --- The household's trail ---------------------------------------------------------------------


def test_creation_is_recorded_with_its_values_and_no_user_means_the_system() -> None:
    household = make_household(is_merit_family=True)

    entry = only(household_history(household), subject="Hộ", kind="tạo")

    assert entry.who == "hệ thống"
    values = changes(entry)
    assert values["Mã hộ"] == ("—", "HH-0001")
    assert values["Hộ thuộc diện chính sách người có công"] == ("—", "Có")
    # Unset fields and false flags are not listed on creation.
    assert "Điện thoại" not in values
    assert "Hộ dân tộc thiểu số" not in values


def test_a_change_names_who_and_shows_old_and_new_values(duc_thang: Ward) -> None:
    lan = make_user(
        "lan", role=User.Role.WARD_OFFICER, ward=duc_thang, first_name="Lan", last_name="Trần Thị"
    )
    household = make_household()
    second = duc_thang.quarters.order_by("display_order")[1]
    household._history_user = lan  # type: ignore[attr-defined]
    services.household_update(
        household=household, is_merit_family=True, quarter=second, phone="0912345678"
    )

    entry = only(household_history(household), subject="Hộ", kind="sửa")

    assert entry.who == "Trần Thị Lan"
    assert changes(entry) == {
        "Hộ thuộc diện chính sách người có công": ("Không", "Có"),
        "Khu phố/thôn": (str(duc_thang.quarters.order_by("display_order")[0]), str(second)),
        "Điện thoại": ("—", "0912345678"),
    }


def test_a_deleted_member_stays_in_the_trail() -> None:
    household = make_household()
    make_member(household)
    child = make_member(
        household, full_name="Nguyễn Thị Bé", birth_year=2010, relation=Member.Relation.CHILD
    )
    services.member_delete(member=child)

    history = household_history(household)

    only(history, subject="Thành viên Nguyễn Thị Bé", kind="tạo")
    deleted = only(history, subject="Thành viên Nguyễn Thị Bé", kind="xoá")
    assert deleted.changes == ()
    assert history.entries[0] == deleted  # newest first


def test_assessment_changes_show_money_status_causes_and_the_review_step(
    ducthang_officer: User,
) -> None:
    household = make_household()
    make_member(household)
    capital = PovertyCause.objects.get(code="lack-capital")
    credit = SupportNeed.objects.get(code="credit")
    assessment = make_assessment(household, income_per_capita=1_100_000, causes=[capital])
    make_assessment(household, income_per_capita=800_000, causes=[capital], needs=[credit])
    services.assessment_submit(assessment=assessment, by=ducthang_officer)

    history = household_history(household)
    subject = "Phiếu Rà soát định kỳ năm 2017"

    # The service saves the survey, then its causes: one creation, not two entries.
    created = only(history, subject=subject, kind="tạo")
    assert changes(created)["Nguyên nhân nghèo"] == ("—", "Thiếu vốn sản xuất, kinh doanh")
    edits = [e for e in history.entries if e.subject == subject and e.kind_label == "sửa"]
    submitted, edited = edits
    assert changes(edited)["Thu nhập bình quân người/tháng (đồng)"] == (
        "1.100.000 đ",
        "800.000 đ",
    )
    assert changes(edited)["Phân loại"] == ("Hộ cận nghèo", "Hộ nghèo")
    assert changes(edited)["Nhóm hộ nghèo"] == ("—", "Nhóm N1 (nghèo về thu nhập)")
    assert changes(edited)["Nhu cầu hỗ trợ"] == ("—", "Vay vốn ưu đãi")
    assert submitted.who == "alice"
    assert changes(submitted)["Trạng thái rà soát"] == ("Bản nháp", "Đã nộp")


def test_a_zero_income_is_a_value_on_creation() -> None:
    household = make_household()
    make_member(household)
    make_assessment(household, income_per_capita=0)

    entry = only(household_history(household), subject="Phiếu Rà soát định kỳ năm 2017", kind="tạo")

    assert changes(entry)["Thu nhập bình quân người/tháng (đồng)"] == ("—", "0 đ")
    assert changes(entry)["Số chỉ số thiếu hụt"] == ("—", "0")


def test_only_this_households_records() -> None:
    household = make_household()
    make_member(household)
    other = make_household(code="HH-0002", head_name="Lê Văn Bình")
    make_member(other, full_name="Lê Văn Bình")

    subjects = {e.subject for e in household_history(household).entries}

    assert subjects == {"Hộ", "Thành viên Nguyễn Văn An"}


def test_the_trail_is_capped_newest_first() -> None:
    household = make_household()
    for year in range(1970, 1975):
        make_member(household, full_name=f"Người {year}", birth_year=year, relation="other")

    history = household_history(household, limit=3)

    assert history.total == 6
    assert history.is_truncated
    assert [e.subject for e in history.entries] == [
        "Thành viên Người 1974",
        "Thành viên Người 1973",
        "Thành viên Người 1972",
    ]


def test_the_number_of_queries_does_not_grow_with_the_trail(
    django_assert_num_queries, ducthang_officer: User
) -> None:
    def build(code: str, members: int) -> Household:
        household = make_household(code=code)
        for n in range(members):
            member = make_member(
                household,
                full_name=f"Người {n}",
                birth_year=1960 + n,
                relation="other" if n else "head",
            )
            services.member_update(member=member, occupation="Ngư dân")
        for year in (2017, 2018):
            assessment = make_assessment(
                household,
                review_round=make_round(year),
                causes=PovertyCause.objects.filter(code="lack-capital"),
            )
            services.assessment_submit(assessment=assessment, by=ducthang_officer)
        return household

    small, large = build("HH-0010", 2), build("HH-0011", 8)

    # The household, its members, its assessments, their causes and needs.
    with django_assert_num_queries(5):
        assert household_history(small).total == 1 + 2 * 2 + 2 * 2
    with django_assert_num_queries(5):
        assert household_history(large).total == 1 + 8 * 2 + 2 * 2


@pytest.mark.parametrize("model", [Household, Member, Assessment])
def test_the_admin_offers_no_way_to_revert_history(model: type[models.Model]) -> None:
    # SimpleHistoryAdmin adds "history" pages with a revert button: the trail must stay as is.
    assert not isinstance(admin.site._registry[model], SimpleHistoryAdmin)
