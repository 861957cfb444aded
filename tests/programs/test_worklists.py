"""The coverage worklists (issue 4 §9) against hand-built households, and their pages."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from households.models import (
    Household,
    Member,
    ReviewRound,
    ReviewState,
    SupportNeed,
    User,
    Ward,
)
from programs import worklists
from programs.models import Agency, Benefit, Programme, Training, TrainingAttendance
from programs.scope import scope_for
from tests.factories import (
    STORING,
    make_assessment,
    make_assessment_in_state,
    make_household,
    make_member,
    make_recognised,
    make_round,
    make_user,
)
from tests.programs.test_loan_status import lend

pytestmark = pytest.mark.django_db

POOR = 800_000  # urban: at or below the poverty line of 900.000 đ
RURAL_POOR = 600_000  # rural line: 700.000 đ
NEAR_POOR = 1_200_000
AVERAGE = 1_500_000


def programme(code: str, *, level: str = "member", is_credit: bool = False) -> Programme:
    agency, _ = Agency.objects.get_or_create(
        code="ld-tbxh", defaults={"name": "Phòng LĐ-TB&XH", "kind": Agency.Kind.DEPARTMENT}
    )
    found, _ = Programme.objects.get_or_create(
        code=code,
        defaults={
            "name": code,
            "agency": agency,
            "level": level,
            "eligible_statuses": ["poor", "near_poor"],
            "unit": Programme.Unit.LOAN if is_credit else Programme.Unit.ITEM,
            "is_credit": is_credit,
        },
    )
    return found


def give(
    household: Household, code: str, day: datetime.date, member: Member | None = None, **kw: Any
) -> Benefit:
    return Benefit.objects.create(
        programme=programme(code, level="member" if member else "household", **kw),
        household=household,
        ward_id=household.ward_id,
        member=member,
        date=day,
        quantity=1,
    )


def recognise(household: Household, income: int, year: int = 2016, **kw: Any) -> None:
    make_recognised(household, income, year=year, **kw)


def surveyed(code: str, income: int, ward: str = "duc-thang", **kw: Any) -> Household:
    """A household on the list in force in 2017: recognised in the 2016 review."""
    household = make_household(ward, code=code, head_name=f"Chủ hộ {code}")
    make_member(household, full_name=f"Chủ hộ {code}")
    recognise(household, income, **kw)
    return household


def keys(worklist_key: str, user: User, **filters: Any) -> list[str]:
    worklist = worklists.WORKLISTS[worklist_key]
    make_round(2017)
    rows = worklists.worklist_rows(
        worklist, scope=scope_for(user), year=2017, filters=worklists.WorklistFilters(**filters)
    )
    if worklist.subject == "member":
        return [m.full_name for m in rows]
    if worklist.subject == "officer":
        return [u.username for u in rows]
    return [h.code for h in rows]


def test_health_insurance_lists_members_without_a_valid_card(city_reviewer: User) -> None:
    poor = surveyed("P1", POOR)
    make_member(
        poor, full_name="Không thẻ", relation="child", birth_year=2000, health_insurance_number=""
    )
    make_member(
        poor,
        full_name="Thẻ hết hạn",
        relation="child",
        birth_year=2001,
        health_insurance_expiry=datetime.date(2017, 12, 30),
    )
    make_member(
        poor,
        full_name="Thẻ còn hạn",
        relation="child",
        birth_year=2002,
        health_insurance_expiry=datetime.date(2017, 12, 31),  # valid on 31/12/2017
    )
    given = make_member(
        poor, full_name="Đã cấp thẻ", relation="child", birth_year=2003, health_insurance_number=""
    )
    give(poor, "bhyt-ngheo", datetime.date(2017, 3, 1), given)
    earlier = make_member(
        poor,
        full_name="Cấp năm trước",
        relation="child",
        birth_year=2004,
        health_insurance_number="",
    )
    give(poor, "bhyt-ngheo", datetime.date(2016, 3, 1), earlier)
    near = surveyed("N1", NEAR_POOR)
    make_member(
        near,
        full_name="Cận nghèo không thẻ",
        relation="child",
        birth_year=2000,
        health_insurance_number="",
    )
    average = surveyed("A1", AVERAGE)
    make_member(
        average,
        full_name="Trung bình không thẻ",
        relation="child",
        birth_year=2000,
        health_insurance_number="",
    )

    # Ordered by household code (N1 before P1), then as entered.
    assert keys("bhyt", city_reviewer) == [
        "Cận nghèo không thẻ",
        "Không thẻ",
        "Thẻ hết hạn",
        "Cấp năm trước",
    ]
    assert keys("bhyt", city_reviewer, status="near_poor") == ["Cận nghèo không thẻ"]
    assert keys("bhyt", city_reviewer, q="the het") == ["Thẻ hết hạn"]


def test_school_support_lists_pupils_of_poor_households_in_the_school_year(
    city_reviewer: User,
) -> None:
    poor = surveyed("P1", POOR)
    make_member(poor, full_name="Học sinh", relation="child", birth_year=2010, attends_school=True)
    make_member(poor, full_name="Không đi học", relation="child", birth_year=1999)
    make_member(poor, full_name="Quá tuổi", relation="child", birth_year=1990, attends_school=True)
    make_member(
        poor,
        full_name="Vừa 3 tuổi",  # 3 on 31/12/2017, the year's reference day
        relation="child",
        attends_school=True,
        birth_year=2014,
        date_of_birth=datetime.date(2014, 12, 31),
    )
    make_member(
        poor,
        full_name="Chưa 3 tuổi",
        relation="child",
        attends_school=True,
        birth_year=2015,
        date_of_birth=datetime.date(2015, 1, 1),
    )
    exempt = make_member(
        poor, full_name="Đã miễn", relation="child", birth_year=2009, attends_school=True
    )
    give(poor, "mien-hoc-phi", datetime.date(2018, 8, 31), exempt)
    last_year = make_member(
        poor, full_name="Miễn năm học trước", relation="child", birth_year=2008, attends_school=True
    )
    give(poor, "mien-hoc-phi", datetime.date(2017, 8, 31), last_year)
    near = surveyed("N1", NEAR_POOR)
    make_member(
        near, full_name="Học sinh cận nghèo", relation="child", birth_year=2010, attends_school=True
    )

    assert keys("hoc-phi", city_reviewer) == ["Học sinh", "Vừa 3 tuổi", "Miễn năm học trước"]


def test_credit_lists_households_that_asked_and_got_no_loan(city_reviewer: User) -> None:
    credit = SupportNeed.objects.get(code="credit")
    housing = SupportNeed.objects.exclude(code="credit").first()
    surveyed("P-ASK", POOR, needs=[credit])
    surveyed("N-ASK", NEAR_POOR, needs=[credit])
    surveyed("P-OTHER", POOR, needs=[housing])
    lent = surveyed("P-LENT", POOR, needs=[credit])
    give(lent, "vay-ho-ngheo", datetime.date(2017, 5, 1), is_credit=True)
    gift = surveyed("P-GIFT", POOR, needs=[credit])
    give(gift, "tet-gift", datetime.date(2017, 5, 1))
    # Poor on the 2017 list, recognised as having escaped by an ad-hoc decision of 10/05/2017.
    escaped = surveyed("E-ASK", POOR)
    make_assessment_in_state(
        escaped,
        ReviewState.RECOGNISED,
        officer=User.objects.get(username="factory-admin"),
        reviewer=User.objects.get(username="factory-admin"),
        review_round=make_round(2017, kind=ReviewRound.Kind.AD_HOC),
        income_per_capita=AVERAGE,
        needs=[credit],
        request_kind="escape",
        request_date=datetime.date(2017, 4, 3),
        decision_date=datetime.date(2017, 5, 10),
    )
    surveyed("A-ASK", AVERAGE, needs=[credit])
    # Asked in the 2017 review, still a draft: not on any list.
    draft = make_household(code="D-ASK", head_name="Hộ chưa công nhận")
    make_member(draft, full_name="Hộ chưa công nhận")
    make_assessment(draft, income_per_capita=POOR, needs=[credit])

    assert keys("tin-dung", city_reviewer) == ["E-ASK", "N-ASK", "P-ASK", "P-GIFT"]
    assert keys("tin-dung", city_reviewer, status="escaped") == ["E-ASK"]


def test_unsupported_lists_poor_households_without_any_benefit_this_year(
    city_reviewer: User,
) -> None:
    surveyed("P1", POOR)
    helped = surveyed("P2", POOR)
    give(helped, "tet-gift", datetime.date(2017, 1, 20))
    old_help = surveyed("P3", POOR)
    give(old_help, "tet-gift", datetime.date(2016, 12, 31))
    surveyed("N1", NEAR_POOR)
    # Recognised poor in the 2017 review: on the 2018 list, not the 2017 one.
    only_2017 = make_household(code="P-2017", head_name="Chỉ rà soát 2017")
    make_member(only_2017, full_name="Chỉ rà soát 2017")
    recognise(only_2017, POOR, year=2017)

    assert keys("chua-ho-tro", city_reviewer) == ["P1", "P3"]


def test_training_lists_officers_of_the_scope_not_trained_this_year(
    ducthang_officer: User, tienloi_officer: User, city_reviewer: User, duc_thang: Any
) -> None:
    colleague = make_user("dora", role=User.Role.WARD_OFFICER, ward=duc_thang)
    trained = make_user("ed", role=User.Role.WARD_OFFICER, ward=duc_thang)
    make_user("gone", role=User.Role.WARD_OFFICER, ward=duc_thang, is_active=False)
    organiser = Agency.objects.create(code="lđ", name="Phòng LĐ-TB&XH", kind="department")
    this_year = Training.objects.create(
        date=datetime.date(2017, 6, 1), topic="Rà soát", organiser=organiser
    )
    last_year = Training.objects.create(
        date=datetime.date(2016, 6, 1), topic="Chính sách", organiser=organiser
    )
    TrainingAttendance.objects.create(training=this_year, officer=trained)
    TrainingAttendance.objects.create(training=last_year, officer=colleague)
    make_round(2017)

    assert sorted(keys("tap-huan", ducthang_officer)) == ["alice", "dora"]
    assert sorted(keys("tap-huan", city_reviewer)) == ["alice", "charlie", "dora"]
    rows = worklists.untrained_officers(scope_for(city_reviewer), 2017)
    assert {u.username: u.last_trained for u in rows}["dora"] == datetime.date(2016, 6, 1)


def test_at_risk_lists_near_poor_close_to_the_line_or_with_two_deprivations(
    city_reviewer: User,
) -> None:
    surveyed("CLOSE", 990_000)  # urban line 900.000 đ + 10%
    surveyed("FAR", 991_000)
    surveyed("TWO", NEAR_POOR, deprivations=["housing_quality", "water_source"])
    surveyed("ONE", NEAR_POOR, deprivations=["housing_quality"])
    surveyed("POOR", POOR)
    surveyed("RURAL-CLOSE", 770_000, ward="tien-loi")  # rural line 700.000 đ + 10%
    surveyed("RURAL-FAR", 771_000, ward="tien-loi")

    assert keys("nguy-co", city_reviewer) == ["CLOSE", "TWO", "RURAL-CLOSE"]


def test_lists_are_scoped_and_filtered(
    ducthang_officer: User, tienloi_officer: User, city_reviewer: User, duc_thang: Any
) -> None:
    surveyed("DT-1", POOR)
    surveyed("TL-1", RURAL_POOR, ward="tien-loi")
    second_quarter = duc_thang.quarters.order_by("display_order")[1]
    household = make_household(code="DT-2", head_name="Lê Thị Hoa", quarter=second_quarter)
    make_member(household, full_name="Lê Thị Hoa", sex="female")
    recognise(household, POOR)

    assert keys("chua-ho-tro", ducthang_officer) == ["DT-1", "DT-2"]
    assert keys("chua-ho-tro", tienloi_officer) == ["TL-1"]
    assert keys("chua-ho-tro", city_reviewer, ward=duc_thang) == ["DT-1", "DT-2"]
    assert keys("chua-ho-tro", city_reviewer, quarter=second_quarter) == ["DT-2"]
    assert keys("chua-ho-tro", city_reviewer, q="le thi") == ["DT-2"]
    assert keys("chua-ho-tro", city_reviewer, q="TL-1") == ["TL-1"]


# --- pages --------------------------------------------------------------------------------


def test_index_shows_each_list_with_its_count(client: Any, ducthang_officer: User) -> None:
    surveyed("DT-1", POOR)
    surveyed("TL-1", RURAL_POOR, ward="tien-loi")
    make_round(2017)  # the lists open on the year of the latest review
    client.force_login(ducthang_officer)
    response = client.get(reverse("programs:worklists"))
    assert response.status_code == 200
    assert [c["worklist"].key for c in response.context["cards"]] == list(worklists.WORKLISTS)
    counts = {c["worklist"].key: c["count"] for c in response.context["cards"]}
    assert counts["chua-ho-tro"] == 1
    assert counts["tap-huan"] == 1  # alice herself
    assert "Hộ nghèo chưa được hỗ trợ" in response.content.decode()


def test_detail_lists_rows_linking_to_the_household(client: Any, ducthang_officer: User) -> None:
    household = surveyed("DT-1", POOR)
    make_round(2017)
    surveyed("TL-1", RURAL_POOR, ward="tien-loi")
    client.force_login(ducthang_officer)
    response = client.get(reverse("programs:worklist", args=["chua-ho-tro"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("households:detail", args=[household.pk]) in body
    assert "TL-1" not in body
    assert response.context["page"].paginator.count == 1
    assert "Xuất Excel" in body


def test_detail_year_and_bad_filters(client: Any, city_reviewer: User) -> None:
    first = surveyed("DT-1", POOR)
    # Recognised poor in the 2017 review: on the list from 2018.
    later = make_household(code="LATER", head_name="Hộ năm 2018")
    make_member(later, full_name="Hộ năm 2018")
    recognise(later, POOR, year=2017)
    client.force_login(city_reviewer)
    url = reverse("programs:worklist", args=["chua-ho-tro"])
    # The year of the latest review by default: 2017's list is the 2016 review's.
    default = client.get(url)
    assert [r["household_id"] for r in default.context["rows"]] == [first.pk]
    # ... and the year select shows it (it showed the first year offered, 2018).
    assert re.search(r'<option value="2017" selected>', default.content.decode())
    response = client.get(url, {"year": "2018"})
    assert [r["household_id"] for r in response.context["rows"]] == [first.pk, later.pk]
    # No list was in force in 2016 (nothing recognised before 1 January 2017).
    assert client.get(url, {"year": "2016"}).context["rows"] == []
    response = client.get(url, {"year": "1999", "ward": "999999"})
    assert response.status_code == 200
    assert response.context["year"] == 2017
    body = response.content.decode()
    assert "Một số điều kiện lọc không hợp lệ nên đã được bỏ qua." in body
    assert set(response.context["form"].errors) == {"year", "ward"}


def test_unknown_worklist_is_404(client: Any, ducthang_officer: User) -> None:
    client.force_login(ducthang_officer)
    assert client.get(reverse("programs:worklist", args=["nope"])).status_code == 404
    assert client.get(reverse("programs:worklist_export", args=["nope"])).status_code == 404


@pytest.mark.parametrize(
    "name", ["programs:worklists", "programs:worklist", "programs:worklist_export"]
)
def test_anonymous_goes_to_login(client: Any, name: str) -> None:
    args = [] if name == "programs:worklists" else ["bhyt"]
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_another_wards_households_never_appear(client: Any, tienloi_officer: User) -> None:
    surveyed("DT-1", POOR)
    make_round(2017)
    client.force_login(tienloi_officer)
    response = client.get(reverse("programs:worklist", args=["chua-ho-tro"]))
    assert response.context["page"].paginator.count == 0
    # Filtering on a ward the officer cannot see is refused, not obeyed.
    response = client.get(
        reverse("programs:worklist", args=["chua-ho-tro"]),
        {"ward": Household.objects.get(code="DT-1").ward_id},
    )
    assert response.context["page"].paginator.count == 0


def test_export_is_scoped_and_titled(client: Any, ducthang_officer: User) -> None:
    surveyed("DT-1", POOR)
    make_round(2017)
    surveyed("TL-1", RURAL_POOR, ward="tien-loi")
    client.force_login(ducthang_officer)
    response = client.get(reverse("programs:worklist_export", args=["chua-ho-tro"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "Hộ nghèo chưa được hỗ trợ" in rows[0][0]
    assert "Đức Thắng" in rows[0][0]
    assert "2017" in rows[0][0]
    assert rows[1][:3] == ("Phường/xã", "Mã hộ", "Chủ hộ")
    assert [row[1] for row in rows[2:]] == ["DT-1"]
    assert rows[2][4] == POOR


def test_a_year_of_birth_reads_whole_on_the_page_and_in_the_sheet(
    client: Any, ducthang_officer: User
) -> None:
    """1982, never "1.982" (a year is not a quantity to group by thousands)."""
    household = surveyed("DT-1", POOR)
    make_member(
        household,
        full_name="Không thẻ",
        relation="child",
        birth_year=1982,
        health_insurance_number="",
    )
    make_round(2017)
    client.force_login(ducthang_officer)
    body = client.get(reverse("programs:worklist", args=["bhyt"])).content.decode()
    assert re.search(r'<td class="text-end">1982</td>', body)
    assert "1.982" not in body
    response = client.get(reverse("programs:worklist_export", args=["bhyt"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    column = [c.value for c in sheet[2]].index("Năm sinh")
    cell = next(row[column] for row in sheet.iter_rows(min_row=3) if row[column].value == 1982)
    assert cell.number_format == "0"


def _rows_for_counts(ward_code: str, start: int, stop: int) -> None:
    """Rows for every list in `ward_code`: a poor household with a pupil without a card and an
    overdue loan (lent in 2016: no support of 2017), a near-poor household close to the line
    that asked for credit, and an untrained officer."""
    credit = SupportNeed.objects.get(code="credit")
    ward = Ward.objects.get(code=ward_code)
    prefix = {"duc-thang": "DT", "duc-long": "DL"}[ward_code]
    for index in range(start, stop):
        household = surveyed(f"{prefix}-{index:03}", POOR, ward=ward_code)
        make_member(
            household,
            full_name=f"Con {index}",
            relation="child",
            birth_year=2010,
            attends_school=True,
            health_insurance_number="",
        )
        lend(household, datetime.date(2016, 3, 1), 12, reference=f"KU-{index:03}")
        surveyed(f"CN-{prefix}{index:03}", 950_000, ward=ward_code, needs=[credit])
        make_user(f"officer{index}", role=User.Role.WARD_OFFICER, ward=ward)


# The query counts are read on two urban wards with the same lists: Đức Thắng with FEW rows in
# each list, Đức Long with MANY. Both built once for the module (`module_db`): a count that grew
# with the rows (an N+1) differs between the two by at least MANY - FEW queries.
FEW, MANY = 2, 7


@pytest.fixture(scope="module")
def counted_rows(module_db: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        make_round(2017)
        _rows_for_counts("duc-thang", 0, FEW)
        _rows_for_counts("duc-long", FEW, FEW + MANY)


@pytest.mark.parametrize("key", list(worklists.WORKLISTS))
def test_query_count_does_not_grow_with_rows(
    counted_rows: None,
    client: Any,
    ducthang_officer: User,
    django_assert_num_queries: Any,
    key: str,
) -> None:
    url = reverse("programs:worklist", args=[key])
    duc_long_officer = make_user(
        "ducl", role=User.Role.WARD_OFFICER, ward=Ward.objects.get(code="duc-long")
    )
    # The credit list reads the credit need's and programmes' ids first (`_credit_ids`), for
    # its rows and for its count; the loans list its page's ids, then its rows (`ids_first`).
    queries = 11 + STORING + {"tin-dung": 2, "vay-qua-han": 1}.get(key, 0)
    client.force_login(ducthang_officer)
    with django_assert_num_queries(queries):
        assert len(client.get(url).context["rows"]) >= FEW
    client.force_login(duc_long_officer)
    with django_assert_num_queries(queries):
        assert len(client.get(url).context["rows"]) >= MANY


def test_untrained_officers_are_those_of_the_units_in_force_in_the_year(
    ducthang_officer: User, city_reviewer: User
) -> None:
    # P. Phan Thiết began on 01/07/2025 (households migration 0015, UNCONFIRMED): its officer
    # could not be trained in 2017, and Đức Thắng's officer had no unit to be trained for in
    # 2026.
    phan_thiet = make_user(
        "phanthiet", role=User.Role.WARD_OFFICER, ward=Ward.objects.get(code="phuong-phan-thiet")
    )

    in_2017 = set(worklists.untrained_officers(scope_for(city_reviewer), 2017))
    in_2025 = set(worklists.untrained_officers(scope_for(city_reviewer), 2025))
    in_2026 = set(worklists.untrained_officers(scope_for(city_reviewer), 2026))

    assert ducthang_officer in in_2017 and phan_thiet not in in_2017
    assert {ducthang_officer, phan_thiet} <= in_2025
    assert phan_thiet in in_2026 and ducthang_officer not in in_2026
    # The officer of the merged ward sees its own officers' list.
    assert set(worklists.untrained_officers(scope_for(phan_thiet), 2026)) == {phan_thiet}
