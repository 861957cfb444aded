"""The services of issue 4 (`programs.services`), their access rules (`programs.access`) and
the reads the household page uses (`programs.selectors`), against hand-built households.

Đức Thắng is urban: a survey income of 700.000 đ/person/month is poor, 1.100.000 near-poor,
2.000.000 neither (REFERENCE §1.5). Tiến Lợi is a rural commune: 600.000 đ is poor, 900.000
near-poor, 2.000.000 neither. Households are recognised in the 2016 periodic review (round from
01/09/2016): that list is in force from 01/01/2017 (`households.standing`).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from households.models import Household, Member, ReviewState, User, Ward
from programs import access, selectors, services
from programs.models import (
    Agency,
    Benefit,
    CommitteeMember,
    HouseholdAssignment,
    Loan,
    LoanCheck,
    Programme,
    ProgrammeRule,
    Training,
    TrainingAttendance,
    WardTarget,
)
from tests.factories import (
    make_assessment,
    make_assessment_in_state,
    make_household,
    make_member,
    make_recognised,
    make_round,
    make_user,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2017, 10, 15)
POOR, NEAR_POOR, NOT_POOR = 700_000, 1_100_000, 2_000_000


def programme(code: str) -> Programme:
    return Programme.objects.get(code=code)


def household_with_pupil(
    income: int = POOR, *, ward_code: str = "duc-thang", code: str = "DT-0001"
) -> tuple[Household, Member]:
    household = make_household(ward_code, code=code)
    make_member(household)
    pupil = make_member(
        household,
        full_name="Nguyễn Thị Bé",
        birth_year=2007,
        sex=Member.Sex.FEMALE,
        relation=Member.Relation.CHILD,
        education_level=Member.Education.PRIMARY,
        attends_school=True,
        health_insurance_number="HN4600000000002",
    )
    make_recognised(household, income, year=2016)
    return household, pupil


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# --- Reference data ---------------------------------------------------------------------------


def test_the_reference_data_lists_the_agencies_and_programmes() -> None:
    assert Agency.objects.count() == 11
    assert Agency.objects.get(code="nhcsxh").kind == Agency.Kind.BANK
    assert "nợ quá hạn" in Agency.objects.get(code="nhcsxh").responsibilities
    assert Programme.objects.count() == 21
    assert set(Programme.objects.filter(is_credit=True).values_list("code", flat=True)) == {
        "vay-ho-ngheo",
        "vay-ho-can-ngheo",
        "vay-ho-moi-thoat-ngheo",
        "vay-hssv",
        "vay-nuoc-sach",
        "vay-nha-o",
    }
    tuition = programme("mien-hoc-phi")
    assert (tuition.level, tuition.agency.code) == ("member", "gd-dt")
    assert "CHƯA XÁC NHẬN" in programme("ho-tro-chi-phi-hoc-tap").description
    # Every programme has one rule, from the first day of the 2016–2020 standard.
    for row in Programme.objects.prefetch_related("rules"):
        (rule,) = row.rules.all()
        assert (rule.valid_from, rule.valid_to) == (datetime.date(2016, 1, 1), None), row.code
        assert row.name and row.name_en and rule.legal_basis, row.code
        assert rule.any_household or rule.eligible_statuses, row.code
        assert row.eligible_statuses == rule.eligible_statuses  # the mirror
        assert row.default_amount == rule.amount

    def rule(code: str) -> ProgrammeRule:
        return ProgrammeRule.objects.get(programme__code=code)

    assert (rule("mien-hoc-phi").eligible_statuses, rule("mien-hoc-phi").pupils_only) == (
        ["poor"],
        True,
    )
    training = rule("day-nghe")
    assert (training.min_age, training.max_age, training.amount) == (15, 60, 3_000_000)
    # The corrections of issue 9, each with its source (REFERENCE.md §4, §7).
    for code in ("ho-tro-nha-o", "vay-nha-o"):
        assert (rule(code).eligible_statuses, rule(code).area) == (["poor"], "rural")
        assert "33/2015" in rule(code).legal_basis and "2011–2015" in rule(code).note
    assert rule("vay-nha-o").amount == 25_000_000
    water = rule("vay-nuoc-sach")
    assert (water.any_household, water.area) == (True, "rural")
    near_poor_tuition = rule("giam-hoc-phi")
    assert (near_poor_tuition.eligible_statuses, near_poor_tuition.pupils_only) == (
        ["near_poor"],
        True,
    )
    assert "CHƯA XÁC NHẬN" in near_poor_tuition.note
    assert rule("tro-cap-xa-hoi").any_household and rule("cuu-tro-dot-xuat").any_household
    assert rule("vay-ho-moi-thoat-ngheo").eligible_statuses == ["escaped"]
    electricity = rule("ho-tro-tien-dien")
    assert (electricity.eligible_statuses, electricity.also_social_protection) == (["poor"], True)


# --- benefit_record ---------------------------------------------------------------------------


def test_an_officer_records_a_tuition_exemption(ducthang_officer: User) -> None:
    household, pupil = household_with_pupil()
    benefit = services.benefit_record(
        programme=programme("mien-hoc-phi"),
        household=household,
        member=pupil,
        date=DAY,
        reference="45/QĐ-UBND",
        by=ducthang_officer,
    )
    benefit.refresh_from_db()
    assert (benefit.member, benefit.quantity, benefit.amount) == (pupil, 1, None)
    assert benefit.recorded_by == ducthang_officer
    assert benefit.override_reason == ""
    assert benefit.history.get().history_user == ducthang_officer


def test_tuition_for_a_pupil_of_a_non_poor_household_needs_an_override(
    ducthang_officer: User,
) -> None:
    household, pupil = household_with_pupil(NOT_POOR)
    with pytest.raises(ValidationError) as excinfo:
        services.benefit_record(
            programme=programme("mien-hoc-phi"),
            household=household,
            member=pupil,
            date=DAY,
            by=ducthang_officer,
        )
    assert errors_of(excinfo) == {
        "override_reason": [
            "Không đủ điều kiện: Chỉ dành cho hộ nghèo. Nếu vẫn hỗ trợ, hãy ghi rõ lý do."
        ]
    }
    assert not Benefit.objects.exists()

    benefit = services.benefit_record(
        programme=programme("mien-hoc-phi"),
        household=household,
        member=pupil,
        date=DAY,
        override_reason="  Cha mất đột ngột tháng 9, chờ rà soát thường xuyên.  ",
        by=ducthang_officer,
    )
    assert benefit.override_reason == "Cha mất đột ngột tháng 9, chờ rà soát thường xuyên."


def test_a_member_who_is_not_at_school_is_refused(ducthang_officer: User) -> None:
    household, _ = household_with_pupil()
    head = household.members.get(relation=Member.Relation.HEAD)
    with pytest.raises(ValidationError) as excinfo:
        services.benefit_record(
            programme=programme("mien-hoc-phi"),
            household=household,
            member=head,
            date=DAY,
            by=ducthang_officer,
        )
    assert "thành viên này không đi học" in errors_of(excinfo)["override_reason"][0]
    assert not Benefit.objects.exists()


def test_a_vnd_programme_records_the_amount(ducthang_officer: User) -> None:
    household, _ = household_with_pupil()
    benefit = services.benefit_record(
        programme=programme("ho-tro-tien-dien"),
        household=household,
        date=DAY,
        amount=138_000,
        by=ducthang_officer,
    )
    assert (benefit.amount, benefit.quantity, benefit.member) == (138_000, None, None)


@pytest.mark.parametrize(
    ("code", "kwargs", "field", "message"),
    [
        (
            "vay-ho-ngheo",
            {"amount": 10_000_000},
            "programme",
            "Đây là chương trình tín dụng: hãy ghi nhận dưới dạng khoản vay.",
        ),
        ("ho-tro-tien-dien", {}, "amount", "Nhập số tiền (đồng)."),
        ("ho-tro-tien-dien", {"amount": 0}, "amount", "Số tiền phải lớn hơn 0 đồng."),
        ("ho-tro-tien-dien", {"amount": -46_000}, "amount", "Số tiền phải lớn hơn 0 đồng."),
        ("ho-tro-nha-o", {"quantity": 0}, "quantity", "Số lượng phải từ 1 trở lên."),
        (
            "mien-hoc-phi",
            {},
            "member",
            "Chương trình này hỗ trợ cho từng thành viên: hãy chọn thành viên.",
        ),
        (
            "ho-tro-tien-dien",
            {"amount": 46_000, "member": "pupil"},
            "member",
            "Chương trình này hỗ trợ cho cả hộ, không cho riêng một thành viên.",
        ),
        (
            "ho-tro-tien-dien",
            {"amount": 46_000, "date": datetime.date(2099, 1, 1)},
            "date",
            "Ngày không được sau ngày hôm nay.",
        ),
        (
            "ho-tro-tien-dien",
            {"amount": 46_000, "date": datetime.date(2016, 8, 31)},
            "date",
            "Hộ chỉ có trong danh sách từ ngày 01/09/2016 (kỳ rà soát đầu tiên của hộ).",
        ),
    ],
)
def test_bad_benefits_are_refused_and_nothing_is_saved(
    ducthang_officer: User, code: str, kwargs: dict[str, object], field: str, message: str
) -> None:
    household, pupil = household_with_pupil()
    if kwargs.get("member") == "pupil":
        kwargs = {**kwargs, "member": pupil}
    kwargs = {"date": DAY, **kwargs}
    with pytest.raises(ValidationError) as excinfo:
        services.benefit_record(
            programme=programme(code), household=household, by=ducthang_officer, **kwargs
        )
    assert errors_of(excinfo)[field] == [message]
    assert not Benefit.objects.exists()


def test_a_member_of_another_household_is_refused(ducthang_officer: User) -> None:
    household, _ = household_with_pupil()
    _, other_pupil = household_with_pupil(code="DT-0002")
    with pytest.raises(ValidationError) as excinfo:
        services.benefit_record(
            programme=programme("mien-hoc-phi"),
            household=household,
            member=other_pupil,
            date=DAY,
            by=ducthang_officer,
        )
    assert errors_of(excinfo) == {"member": ["Người này không phải là thành viên của hộ."]}
    assert not Benefit.objects.exists()


def test_an_inactive_programme_is_refused(ducthang_officer: User) -> None:
    household, _ = household_with_pupil()
    Programme.objects.filter(code="ho-tro-tien-dien").update(is_active=False)
    with pytest.raises(ValidationError) as excinfo:
        services.benefit_record(
            programme=programme("ho-tro-tien-dien"),
            household=household,
            date=DAY,
            amount=46_000,
            by=ducthang_officer,
        )
    assert errors_of(excinfo)["programme"] == ["Chương trình này không còn thực hiện."]


def test_a_benefit_for_another_wards_household_is_refused(tienloi_officer: User) -> None:
    household, _ = household_with_pupil()
    with pytest.raises(PermissionDenied):
        services.benefit_record(
            programme=programme("ho-tro-tien-dien"),
            household=household,
            date=DAY,
            amount=46_000,
            by=tienloi_officer,
        )
    assert not Benefit.objects.exists()


def test_the_city_reviewer_does_not_record_deliveries(city_reviewer: User) -> None:
    household, _ = household_with_pupil()
    with pytest.raises(PermissionDenied):
        services.benefit_record(
            programme=programme("ho-tro-tien-dien"),
            household=household,
            date=DAY,
            amount=46_000,
            by=city_reviewer,
        )
    assert not Benefit.objects.exists()


def test_an_agency_user_records_only_their_agencys_programmes() -> None:
    household, pupil = household_with_pupil()
    education = make_user(
        "giaoduc", role=User.Role.AGENCY_USER, agency=Agency.objects.get(code="gd-dt")
    )
    benefit = services.benefit_record(
        programme=programme("mien-hoc-phi"),
        household=household,
        member=pupil,
        date=DAY,
        by=education,
    )
    assert benefit.recorded_by == education
    with pytest.raises(PermissionDenied):
        services.benefit_record(
            programme=programme("ho-tro-tien-dien"),
            household=household,
            date=DAY,
            amount=46_000,
            by=education,
        )
    assert Benefit.objects.count() == 1


def test_an_agency_user_cannot_reach_households_outside_their_programmes() -> None:
    household, pupil = household_with_pupil(NOT_POOR)
    education = make_user(
        "giaoduc", role=User.Role.AGENCY_USER, agency=Agency.objects.get(code="gd-dt")
    )
    with pytest.raises(PermissionDenied):
        services.benefit_record(
            programme=programme("mien-hoc-phi"),
            household=household,
            member=pupil,
            date=DAY,
            override_reason="Trường đề nghị.",
            by=education,
        )
    assert not Benefit.objects.exists()


def test_a_committee_member_records_for_their_assigned_household(
    committee_member: User, ducthang_officer: User
) -> None:
    household, _ = household_with_pupil()
    other, _ = household_with_pupil(code="DT-0002")
    member = CommitteeMember.objects.create(
        full_name="Trần Văn Bình",
        position="Phó Chủ tịch UBND phường",
        level=CommitteeMember.Level.WARD,
        ward=household.ward,
        user=committee_member,
    )
    services.household_assign(household=household, member=member, since=DAY, by=ducthang_officer)
    services.benefit_record(
        programme=programme("ho-tro-tien-dien"),
        household=household,
        date=DAY,
        amount=46_000,
        by=committee_member,
    )
    with pytest.raises(PermissionDenied):
        services.benefit_record(
            programme=programme("ho-tro-tien-dien"),
            household=other,
            date=DAY,
            amount=46_000,
            by=committee_member,
        )
    assert Benefit.objects.count() == 1


# --- Loans ------------------------------------------------------------------------------------


def record_loan(by: User, household: Household, **kwargs: object) -> Loan:
    values: dict[str, object] = {
        "programme": programme("vay-ho-ngheo"),
        "household": household,
        "date": DAY,
        "amount": 30_000_000,
        "purpose": "Mua bò giống",
        "term_months": 36,
        "reference": "HĐ 0123/2017",
        **kwargs,
    }
    return services.loan_record(by=by, **values)  # type: ignore[arg-type]


def test_a_loan_is_recorded_with_its_benefit(ducthang_officer: User) -> None:
    household, _ = household_with_pupil()
    loan = record_loan(ducthang_officer, household)
    loan.refresh_from_db()
    assert (loan.outstanding, loan.is_overdue, loan.balance_on) == (30_000_000, False, DAY)
    assert (loan.benefit.amount, loan.benefit.reference) == (30_000_000, "HĐ 0123/2017")
    # The disbursement date is the benefit's, on the loan for the overdue-loans worklist.
    assert loan.disbursed_on == loan.benefit.date == DAY
    assert loan.history.get().history_user == ducthang_officer
    assert loan.benefit.history.get().history_user == ducthang_officer


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"outstanding": 30_000_001},
            "outstanding",
            "Dư nợ không được lớn hơn số tiền đã cho vay.",
        ),
        ({"outstanding": -1}, "outstanding", "Dư nợ không được âm."),
        ({"amount": 0}, "amount", "Số tiền phải lớn hơn 0 đồng."),
        ({"amount": -5_000_000}, "amount", "Số tiền phải lớn hơn 0 đồng."),
        ({"purpose": "  "}, "purpose", "Nhập mục đích sử dụng vốn vay."),
        ({"term_months": 0}, "term_months", "Thời hạn vay phải từ 1 đến 360 tháng."),
        ({"term_months": 361}, "term_months", "Thời hạn vay phải từ 1 đến 360 tháng."),
        (
            {"programme": "ho-tro-tien-dien"},
            "programme",
            "Chương trình này không phải tín dụng: hãy ghi nhận dưới dạng khoản hỗ trợ.",
        ),
        (
            {"programme": "vay-ho-can-ngheo"},
            "override_reason",
            "Không đủ điều kiện: Chỉ dành cho hộ cận nghèo. Nếu vẫn hỗ trợ, hãy ghi rõ lý do.",
        ),
    ],
)
def test_bad_loans_are_refused_and_nothing_is_saved(
    ducthang_officer: User, kwargs: dict[str, object], field: str, message: str
) -> None:
    household, _ = household_with_pupil()
    if "programme" in kwargs:
        kwargs = {**kwargs, "programme": programme(str(kwargs["programme"]))}
    with pytest.raises(ValidationError) as excinfo:
        record_loan(ducthang_officer, household, **kwargs)
    assert errors_of(excinfo)[field] == [message]
    assert not Benefit.objects.exists()
    assert not Loan.objects.exists()


def test_the_escaped_loan_follows_the_escape_for_three_years(ducthang_officer: User) -> None:
    # Poor on the 2016 list (in force 2017), above the lines on the 2017 one: escaped on
    # 01/01/2018 (Decision 28/2015/QĐ-TTg, `households.standing.ESCAPED_YEARS` = 3).
    household, _ = household_with_pupil()
    make_recognised(household, NOT_POOR, year=2017)
    escaped_loan = programme("vay-ho-moi-thoat-ngheo")
    still_poor = datetime.date(2017, 12, 1)
    two_years_on = datetime.date(2020, 1, 15)  # on the poor list on 15/01/2017: escaped
    four_years_on = datetime.date(2022, 1, 15)  # above the lines since 15/01/2019: no longer

    assert not selectors.eligibility_on(escaped_loan, household, None, still_poor)
    with pytest.raises(ValidationError):
        record_loan(ducthang_officer, household, date=two_years_on)  # no longer poor
    loan = record_loan(ducthang_officer, household, date=two_years_on, programme=escaped_loan)
    assert loan.benefit.programme.code == "vay-ho-moi-thoat-ngheo"
    with pytest.raises(ValidationError) as excinfo:
        record_loan(ducthang_officer, household, date=four_years_on, programme=escaped_loan)
    assert errors_of(excinfo)["override_reason"] == [
        "Không đủ điều kiện: Chỉ dành cho hộ thoát nghèo trong ba năm gần đây. Nếu vẫn hỗ "
        "trợ, hãy ghi rõ lý do."
    ]
    assert Loan.objects.count() == 1


def test_a_poor_household_that_became_near_poor_gets_the_near_poor_loan_not_the_escaped_one(
    ducthang_officer: User,
) -> None:
    household, _ = household_with_pupil()
    make_recognised(household, NEAR_POOR, year=2017)
    day = datetime.date(2018, 10, 1)
    assert not selectors.eligibility_on(programme("vay-ho-moi-thoat-ngheo"), household, None, day)
    assert selectors.eligibility_on(programme("vay-ho-can-ngheo"), household, None, day)


def test_loan_update_keeps_the_balance_within_the_principal(ducthang_officer: User) -> None:
    household, _ = household_with_pupil()
    loan = record_loan(ducthang_officer, household)
    with pytest.raises(ValidationError) as excinfo:
        services.loan_update(
            loan=loan,
            outstanding=31_000_000,
            is_overdue=False,
            balance_on=datetime.date(2017, 12, 31),
            by=ducthang_officer,
        )
    assert errors_of(excinfo) == {"outstanding": ["Dư nợ không được lớn hơn số tiền đã cho vay."]}
    loan.refresh_from_db()
    assert loan.outstanding == 30_000_000

    services.loan_update(
        loan=loan,
        outstanding=25_000_000,
        is_overdue=True,
        balance_on=datetime.date(2017, 12, 31),
        by=ducthang_officer,
    )
    loan.refresh_from_db()
    assert (loan.outstanding, loan.is_overdue, loan.balance_on) == (
        25_000_000,
        True,
        datetime.date(2017, 12, 31),
    )
    assert loan.history.latest().history_user == ducthang_officer


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"outstanding": 0, "is_overdue": True},
            "is_overdue",
            "Khoản vay đã trả hết không thể quá hạn.",
        ),
        (
            {"balance_on": datetime.date(2017, 10, 1)},
            "balance_on",
            "Ngày không được trước ngày giải ngân.",
        ),
        (
            {"balance_on": datetime.date(2099, 1, 1)},
            "balance_on",
            "Ngày không được sau ngày hôm nay.",
        ),
    ],
)
def test_bad_loan_updates_are_refused(
    ducthang_officer: User, kwargs: dict[str, object], field: str, message: str
) -> None:
    household, _ = household_with_pupil()
    loan = record_loan(ducthang_officer, household)
    values: dict[str, object] = {
        "outstanding": 20_000_000,
        "is_overdue": False,
        "balance_on": datetime.date(2017, 12, 31),
        **kwargs,
    }
    with pytest.raises(ValidationError) as excinfo:
        services.loan_update(loan=loan, by=ducthang_officer, **values)  # type: ignore[arg-type]
    assert errors_of(excinfo)[field] == [message]
    loan.refresh_from_db()
    assert (loan.outstanding, loan.is_overdue, loan.balance_on) == (30_000_000, False, DAY)


def test_another_ward_cannot_update_or_check_a_loan(
    ducthang_officer: User, tienloi_officer: User
) -> None:
    household, _ = household_with_pupil()
    loan = record_loan(ducthang_officer, household)
    with pytest.raises(PermissionDenied):
        services.loan_update(
            loan=loan, outstanding=0, is_overdue=False, balance_on=DAY, by=tienloi_officer
        )
    with pytest.raises(PermissionDenied):
        services.loan_check_record(
            loan=loan, checked_on=DAY, used_as_intended=True, by=tienloi_officer
        )
    assert not LoanCheck.objects.exists()


def test_loan_checks(ducthang_officer: User) -> None:
    household, _ = household_with_pupil()
    loan = record_loan(ducthang_officer, household)
    with pytest.raises(ValidationError) as excinfo:
        services.loan_check_record(
            loan=loan,
            checked_on=datetime.date(2017, 11, 1),
            used_as_intended=False,
            by=ducthang_officer,
        )
    assert errors_of(excinfo) == {"note": ["Ghi rõ vốn vay đang được sử dụng vào việc gì."]}
    with pytest.raises(ValidationError) as excinfo:
        services.loan_check_record(
            loan=loan,
            checked_on=datetime.date(2017, 10, 1),
            used_as_intended=True,
            by=ducthang_officer,
        )
    assert errors_of(excinfo) == {"checked_on": ["Ngày không được trước ngày giải ngân."]}
    assert not LoanCheck.objects.exists()

    check = services.loan_check_record(
        loan=loan,
        checked_on=datetime.date(2017, 11, 1),
        used_as_intended=False,
        note=" Dùng một phần để sửa nhà. ",
        by=ducthang_officer,
    )
    assert (check.used_as_intended, check.note, check.checked_by) == (
        False,
        "Dùng một phần để sửa nhà.",
        ducthang_officer,
    )


# --- Assignments ------------------------------------------------------------------------------


@pytest.fixture
def ward_member(duc_thang: Ward) -> CommitteeMember:
    return CommitteeMember.objects.create(
        full_name="Trần Văn Bình",
        position="Phó Chủ tịch UBND phường",
        level=CommitteeMember.Level.WARD,
        ward=duc_thang,
    )


def test_an_assignment_replaces_the_current_one(
    ducthang_officer: User, ward_member: CommitteeMember
) -> None:
    household, _ = household_with_pupil()
    city_member = CommitteeMember.objects.create(
        full_name="Lê Thị Hoa", position="Trưởng phòng LĐ-TB&XH", level=CommitteeMember.Level.CITY
    )
    first = services.household_assign(
        household=household, member=ward_member, since=DAY, by=ducthang_officer
    )
    second = services.household_assign(
        household=household,
        member=city_member,
        since=datetime.date(2017, 11, 1),
        note=" Theo dõi trực tiếp ",
        by=ducthang_officer,
    )
    assert second.pk == first.pk
    assignment = HouseholdAssignment.objects.get()
    assert (assignment.member, assignment.since, assignment.note) == (
        city_member,
        datetime.date(2017, 11, 1),
        "Theo dõi trực tiếp",
    )
    assert household.assignment == assignment
    assert assignment.history.latest().history_user == ducthang_officer

    services.household_unassign(household=household, by=ducthang_officer)
    assert not HouseholdAssignment.objects.exists()
    assert not hasattr(household, "assignment")


def test_assignment_refusals(
    ducthang_officer: User, tienloi_officer: User, ward_member: CommitteeMember, tien_loi: Ward
) -> None:
    household, _ = household_with_pupil()
    with pytest.raises(PermissionDenied):
        services.household_assign(
            household=household, member=ward_member, since=DAY, by=tienloi_officer
        )
    other_ward = CommitteeMember.objects.create(
        full_name="Phạm Văn Cường", position="Cán bộ LĐ-TB&XH xã", level="ward", ward=tien_loi
    )
    with pytest.raises(ValidationError) as excinfo:
        services.household_assign(
            household=household, member=other_ward, since=DAY, by=ducthang_officer
        )
    assert errors_of(excinfo) == {
        "member": ["Thành viên này thuộc Ban Chỉ đạo của phường, xã khác."]
    }
    ward_member.is_active = False
    ward_member.save()
    with pytest.raises(ValidationError) as excinfo:
        services.household_assign(
            household=household, member=ward_member, since=DAY, by=ducthang_officer
        )
    assert errors_of(excinfo) == {"member": ["Thành viên Ban Chỉ đạo này không còn hoạt động."]}
    assert not HouseholdAssignment.objects.exists()
    with pytest.raises(PermissionDenied):
        services.household_unassign(household=household, by=tienloi_officer)


def test_the_city_reviewer_may_assign(city_reviewer: User, ward_member: CommitteeMember) -> None:
    household, _ = household_with_pupil()
    services.household_assign(household=household, member=ward_member, since=DAY, by=city_reviewer)
    assert HouseholdAssignment.objects.get().member == ward_member


# --- Training ---------------------------------------------------------------------------------


def test_training_and_attendance(
    city_reviewer: User, ducthang_officer: User, tienloi_officer: User, committee_member: User
) -> None:
    CommitteeMember.objects.create(
        full_name="Erin", position="Ủy viên", level="city", user=committee_member
    )
    training = services.training_create(
        date=datetime.date(2017, 6, 5),
        topic=" Hướng dẫn rà soát hộ nghèo theo Thông tư 17/2016 ",
        organiser=Agency.objects.get(code="ldtbxh"),
        location="Hội trường UBND thành phố",
        by=city_reviewer,
    )
    assert training.topic == "Hướng dẫn rà soát hộ nghèo theo Thông tư 17/2016"
    services.training_set_attendance(
        training=training, officers=[ducthang_officer, tienloi_officer], by=city_reviewer
    )
    services.training_set_attendance(
        training=training, officers=[ducthang_officer, committee_member], by=city_reviewer
    )
    assert set(
        TrainingAttendance.objects.filter(training=training).values_list("officer", flat=True)
    ) == {ducthang_officer.pk, committee_member.pk}


def test_only_officers_attend(
    city_reviewer: User, ducthang_officer: User, agency_user: User
) -> None:
    training = services.training_create(
        date=datetime.date(2017, 6, 5),
        topic="Tập huấn",
        organiser=Agency.objects.get(code="ldtbxh"),
        by=city_reviewer,
    )
    with pytest.raises(ValidationError) as excinfo:
        services.training_set_attendance(
            training=training, officers=[ducthang_officer, agency_user], by=city_reviewer
        )
    assert errors_of(excinfo) == {
        "officers": ["Chỉ được ghi tên cán bộ phường, xã và thành viên Ban Chỉ đạo: dave."]
    }
    assert not TrainingAttendance.objects.exists()


def test_training_refusals(ducthang_officer: User, city_reviewer: User) -> None:
    ldtbxh = Agency.objects.get(code="ldtbxh")
    with pytest.raises(PermissionDenied):
        services.training_create(
            date=datetime.date(2017, 6, 5), topic="Tập huấn", organiser=ldtbxh, by=ducthang_officer
        )
    with pytest.raises(ValidationError) as excinfo:
        services.training_create(
            date=datetime.date(2017, 6, 5), topic="  ", organiser=ldtbxh, by=city_reviewer
        )
    assert errors_of(excinfo) == {"topic": ["Nhập chủ đề."]}
    assert not Training.objects.exists()
    training = Training.objects.create(date=datetime.date(2017, 6, 5), topic="T", organiser=ldtbxh)
    with pytest.raises(PermissionDenied):
        services.training_set_attendance(
            training=training, officers=[ducthang_officer], by=ducthang_officer
        )
    assert not TrainingAttendance.objects.exists()


# --- Targets ----------------------------------------------------------------------------------


def test_targets_are_upserted(city_reviewer: User, duc_thang: Ward) -> None:
    first = services.ward_target_save(
        ward=duc_thang, year=2017, households_to_escape=12, total_households=3_000, by=city_reviewer
    )
    assert (first.rate_reduction_min, first.rate_reduction_max) == (Decimal("0.2"), Decimal("0.3"))
    second = services.ward_target_save(
        ward=duc_thang,
        year=2017,
        households_to_escape=15,
        total_households=3_050,
        rate_reduction_min=Decimal("0.25"),
        rate_reduction_max=Decimal("0.5"),
        by=city_reviewer,
    )
    assert second.pk == first.pk
    target = WardTarget.objects.get()
    assert (target.households_to_escape, target.total_households, target.rate_reduction_max) == (
        15,
        3_050,
        Decimal("0.50"),
    )


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"year": 2015}, "year", "Nhập năm từ 2016 đến 2100."),
        ({"total_households": 0}, "total_households", "Nhập tổng số hộ của phường, xã."),
        ({"households_to_escape": -1}, "households_to_escape", "Số hộ không được âm."),
        (
            {"households_to_escape": 3_001},
            "households_to_escape",
            "Số hộ thoát nghèo không được lớn hơn tổng số hộ của phường, xã.",
        ),
        ({"rate_reduction_min": Decimal("-0.1")}, "rate_reduction_min", "Mức giảm không được âm."),
        (
            {"rate_reduction_min": Decimal("0.4"), "rate_reduction_max": Decimal("0.3")},
            "rate_reduction_max",
            "Mức giảm tối đa không được nhỏ hơn mức giảm tối thiểu.",
        ),
    ],
)
def test_bad_targets_are_refused(
    city_reviewer: User, duc_thang: Ward, kwargs: dict[str, object], field: str, message: str
) -> None:
    values: dict[str, object] = {
        "year": 2017,
        "households_to_escape": 12,
        "total_households": 3_000,
        **kwargs,
    }
    with pytest.raises(ValidationError) as excinfo:
        services.ward_target_save(ward=duc_thang, by=city_reviewer, **values)  # type: ignore[arg-type]
    assert errors_of(excinfo)[field] == [message]
    assert not WardTarget.objects.exists()


def test_only_the_city_sets_targets(ducthang_officer: User, duc_thang: Ward) -> None:
    with pytest.raises(PermissionDenied):
        services.ward_target_save(
            ward=duc_thang,
            year=2017,
            households_to_escape=1,
            total_households=10,
            by=ducthang_officer,
        )
    assert not WardTarget.objects.exists()


# --- Access -----------------------------------------------------------------------------------


def test_access_rules(
    administrator: User,
    city_reviewer: User,
    ducthang_officer: User,
    tienloi_officer: User,
    agency_user: User,
    committee_member: User,
    client: object,
) -> None:
    household, _ = household_with_pupil()
    electricity = programme("ho-tro-tien-dien")
    assert access.can_record_benefit(administrator, household, electricity)
    assert access.can_record_benefit(ducthang_officer, household, electricity)
    assert not access.can_record_benefit(tienloi_officer, household, electricity)
    assert not access.can_record_benefit(city_reviewer, household, electricity)
    assert not access.can_record_benefit(agency_user, household, electricity)  # no agency
    assert not access.can_record_benefit(committee_member, household, electricity)
    for check in (access.can_manage_committee, access.can_manage_training, access.can_set_targets):
        assert check(administrator) and check(city_reviewer)
        assert not check(ducthang_officer) and not check(agency_user)
        assert not check(committee_member)
    assert access.can_assign(ducthang_officer, household)
    assert access.can_assign(city_reviewer, household)
    assert not access.can_assign(tienloi_officer, household)
    assert not access.can_assign(committee_member, household)
    ducthang_officer.is_active = False
    assert not access.can_record_benefit(ducthang_officer, household, electricity)


def test_a_committee_member_following_the_ward_may_record(
    committee_member: User, duc_thang: Ward
) -> None:
    household, _ = household_with_pupil()
    member = CommitteeMember.objects.create(
        full_name="Erin", position="Ủy viên", level="city", user=committee_member
    )
    member.assigned_wards.add(duc_thang)
    assert access.can_record_benefit(committee_member, household, programme("ho-tro-tien-dien"))


# --- Selectors --------------------------------------------------------------------------------


def test_eligibility_reads_the_recognised_list_in_force_on_the_day(ducthang_officer: User) -> None:
    household, pupil = household_with_pupil()
    electricity, tuition = programme("ho-tro-tien-dien"), programme("mien-hoc-phi")
    # The 2016 review's result takes effect on 01/01/2017.
    assert not selectors.eligibility_on(electricity, household, None, datetime.date(2016, 12, 31))
    assert selectors.eligibility_on(electricity, household, None, datetime.date(2017, 1, 1))
    assert selectors.eligibility_on(tuition, household, pupil, datetime.date(2017, 1, 1))
    # A 2017 survey that is only a draft changes nothing; recognised, it counts from 2018.
    make_assessment(household, income_per_capita=NEAR_POOR, review_round=make_round(2017))
    assert selectors.eligibility_on(electricity, household, None, datetime.date(2018, 6, 1))


def test_entitlements_show_what_is_owed_then_received(
    ducthang_officer: User, django_assert_num_queries: object
) -> None:
    household, pupil = household_with_pupil()
    for index in range(3):
        make_member(
            household,
            full_name=f"Nguyễn Văn Con {index}",
            birth_year=2005 + index,
            relation=Member.Relation.CHILD,
            attends_school=True,
        )

    def row(rows: list[selectors.Entitlement], code: str, member: Member | None) -> object:
        return next(r for r in rows if r.programme.code == code and r.member == member)

    # The standing on 31/12/2017 (the household's ward is loaded: its kind is read from it),
    # the programmes, their rules, the members, the year's benefits.
    with django_assert_num_queries(5):  # type: ignore[operator]
        rows = selectors.entitlements(household, 2017)
    tuition = row(rows, "mien-hoc-phi", pupil)
    assert tuition.received is False and tuition.benefits == []  # type: ignore[attr-defined]
    codes = {r.programme.code for r in rows}
    assert {"bhyt-ngheo", "mien-hoc-phi", "ho-tro-tien-dien", "vay-ho-ngheo"} <= codes
    assert not codes & {"bhyt-can-ngheo", "vay-ho-can-ngheo", "vay-ho-moi-thoat-ngheo"}
    # Rules for any household depend on each case; housing is for rural communes.
    assert not codes & {"cuu-tro-dot-xuat", "tro-cap-xa-hoi", "ho-tro-nha-o", "vay-nha-o"}
    head = household.members.get(relation=Member.Relation.HEAD)
    assert not any(r.programme.code == "mien-hoc-phi" and r.member == head for r in rows)
    # The head (47) may train; the pupil (10) is too young.
    assert any(r.programme.code == "day-nghe" and r.member == head for r in rows)
    assert not any(r.programme.code == "day-nghe" and r.member == pupil for r in rows)

    benefit = services.benefit_record(
        programme=programme("mien-hoc-phi"),
        household=household,
        member=pupil,
        date=DAY,
        by=ducthang_officer,
    )
    rows = selectors.entitlements(household, 2017)
    tuition = row(rows, "mien-hoc-phi", pupil)
    assert tuition.received is True and tuition.benefits == [benefit]  # type: ignore[attr-defined]
    assert selectors.entitlements(make_household(code="DT-0009"), 2017) == []


def test_benefits_by_year_and_open_loans(
    ducthang_officer: User, django_assert_num_queries: object
) -> None:
    household, pupil = household_with_pupil()
    make_recognised(household, POOR, year=2017)  # still poor in 2018
    for month in (10, 11, 12):
        services.benefit_record(
            programme=programme("ho-tro-tien-dien"),
            household=household,
            date=datetime.date(2017, month, 1),
            amount=46_000,
            by=ducthang_officer,
        )
    services.benefit_record(
        programme=programme("mien-hoc-phi"),
        household=household,
        member=pupil,
        date=datetime.date(2018, 9, 5),
        by=ducthang_officer,
    )
    repaid = record_loan(ducthang_officer, household, programme=programme("vay-ho-ngheo"))
    services.loan_update(
        loan=repaid, outstanding=0, is_overdue=False, balance_on=DAY, by=ducthang_officer
    )
    open_loan = record_loan(ducthang_officer, household, date=datetime.date(2018, 10, 1))
    services.loan_check_record(
        loan=open_loan,
        checked_on=datetime.date(2018, 11, 1),
        used_as_intended=True,
        by=ducthang_officer,
    )

    with django_assert_num_queries(1):  # type: ignore[operator]
        grouped = selectors.benefits_by_year(household)
        labels = [(year, [b.programme.code for b in items]) for year, items in grouped]
        loans = [b.loan.pk for _, items in grouped for b in items if hasattr(b, "loan")]
    assert labels == [
        (2018, ["vay-ho-ngheo", "mien-hoc-phi"]),
        (2017, ["ho-tro-tien-dien", "ho-tro-tien-dien", "vay-ho-ngheo", "ho-tro-tien-dien"]),
    ]
    assert sorted(loans) == sorted([repaid.pk, open_loan.pk])

    with django_assert_num_queries(2):  # type: ignore[operator]
        loans_open = selectors.open_loans(household)
        checks = [len(loan.checks.all()) for loan in loans_open]
        codes = [loan.benefit.programme.code for loan in loans_open]
    assert [loan.pk for loan in loans_open] == [open_loan.pk]
    assert (checks, codes) == ([1], ["vay-ho-ngheo"])


# --- The programme rules of issue 9 (REFERENCE.md §4, §7) -------------------------------------


def recognised_household(
    ward_code: str, code: str, income: int, *, social: bool = False
) -> Household:
    """A household of `ward_code` with one head, recognised in the 2016 review at `income`."""
    household = make_household(ward_code, code=code, is_social_protection=social)
    make_member(household, full_name=f"Trần Văn {code}")
    make_recognised(household, income, year=2016)
    return household


def verdict(code: str, household: Household, member: Member | None = None) -> str:
    result = selectors.eligibility_on(programme(code), household, member, DAY)
    return "yes" if result.eligible else result.reason


def test_housing_support_is_for_rural_poor_households(
    ducthang_officer: User, tienloi_officer: User
) -> None:
    # Decision 33/2015/QĐ-TTg: rural poor households (Tiến Lợi is a commune, Đức Thắng a ward).
    urban_poor = recognised_household("duc-thang", "DT-0001", POOR)
    rural_poor = recognised_household("tien-loi", "TL-0001", 600_000)
    rural_near_poor = recognised_household("tien-loi", "TL-0002", 900_000)
    for code in ("ho-tro-nha-o", "vay-nha-o"):
        assert verdict(code, urban_poor) == "Chỉ dành cho hộ ở các xã (nông thôn)."
        assert verdict(code, rural_poor) == "yes"
        assert verdict(code, rural_near_poor) == "Chỉ dành cho hộ nghèo."
    with pytest.raises(ValidationError) as excinfo:
        services.benefit_record(
            programme=programme("ho-tro-nha-o"),
            household=urban_poor,
            date=DAY,
            quantity=1,
            by=ducthang_officer,
        )
    assert "nông thôn" in errors_of(excinfo)["override_reason"][0]
    services.benefit_record(
        programme=programme("ho-tro-nha-o"),
        household=rural_poor,
        date=DAY,
        quantity=1,
        by=tienloi_officer,
    )
    loan = record_loan(
        tienloi_officer, rural_poor, programme=programme("vay-nha-o"), amount=25_000_000
    )
    assert loan.benefit.override_reason == ""


def test_clean_water_loans_are_for_rural_households_whatever_their_status(
    ducthang_officer: User, tienloi_officer: User
) -> None:
    # Decision 62/2004/QĐ-TTg: households living in rural areas.
    urban_poor = recognised_household("duc-thang", "DT-0001", POOR)
    rural_above = recognised_household("tien-loi", "TL-0001", NOT_POOR)
    never_recognised = make_household("tien-loi", code="TL-0002")  # the commune's area
    assert verdict("vay-nuoc-sach", urban_poor) == "Chỉ dành cho hộ ở các xã (nông thôn)."
    assert verdict("vay-nuoc-sach", rural_above) == "yes"
    assert verdict("vay-nuoc-sach", never_recognised) == "yes"
    with pytest.raises(ValidationError):
        record_loan(ducthang_officer, urban_poor, programme=programme("vay-nuoc-sach"))
    record_loan(tienloi_officer, rural_above, programme=programme("vay-nuoc-sach"))
    assert Loan.objects.get().benefit.household == rural_above


def test_near_poor_pupils_get_the_tuition_reduction_not_the_exemption(
    ducthang_officer: User,
) -> None:
    # Decree 86/2015/NĐ-CP: exemption for the poor, 50% reduction for the near-poor (UNCONFIRMED).
    near_poor, near_poor_pupil = household_with_pupil(NEAR_POOR, code="DT-0001")
    poor, poor_pupil = household_with_pupil(POOR, code="DT-0002")
    assert verdict("giam-hoc-phi", near_poor, near_poor_pupil) == "yes"
    assert verdict("mien-hoc-phi", near_poor, near_poor_pupil) == "Chỉ dành cho hộ nghèo."
    assert verdict("mien-hoc-phi", poor, poor_pupil) == "yes"
    assert verdict("giam-hoc-phi", poor, poor_pupil) == "Chỉ dành cho hộ cận nghèo."
    benefit = services.benefit_record(
        programme=programme("giam-hoc-phi"),
        household=near_poor,
        member=near_poor_pupil,
        date=DAY,
        by=ducthang_officer,
    )
    assert (benefit.override_reason, benefit.quantity) == ("", 1)


def test_emergency_relief_and_social_allowances_are_for_any_household(
    ducthang_officer: User,
) -> None:
    # Decree 136/2013/NĐ-CP: not tied to poverty status.
    household, pupil = household_with_pupil(NOT_POOR)
    services.benefit_record(
        programme=programme("cuu-tro-dot-xuat"),
        household=household,
        date=DAY,
        amount=2_000_000,
        by=ducthang_officer,
    )
    services.benefit_record(
        programme=programme("tro-cap-xa-hoi"),
        household=household,
        member=pupil,
        date=DAY,
        amount=270_000,
        by=ducthang_officer,
    )
    assert list(Benefit.objects.values_list("override_reason", flat=True)) == ["", ""]


def test_electricity_support_includes_social_protection_households(
    ducthang_officer: User,
) -> None:
    # Decision 28/2014/QĐ-TTg: poor households and social-policy households.
    social = recognised_household("duc-thang", "DT-0001", NOT_POOR, social=True)
    near_poor = recognised_household("duc-thang", "DT-0002", NEAR_POOR)
    assert verdict("ho-tro-tien-dien", social) == "yes"
    assert (
        verdict("ho-tro-tien-dien", near_poor)
        == "Chỉ dành cho hộ nghèo, hộ thuộc diện bảo trợ xã hội."
    )
    benefit = services.benefit_record(
        programme=programme("ho-tro-tien-dien"),
        household=social,
        date=DAY,
        amount=138_000,
        by=ducthang_officer,
    )
    assert benefit.override_reason == ""


@pytest.mark.parametrize("state", [ReviewState.DRAFT, ReviewState.POSTED, ReviewState.RETURNED])
def test_only_recognised_results_make_a_household_eligible(
    ducthang_officer: User, city_reviewer: User, state: str
) -> None:
    household = make_household(code="DT-0001")
    make_member(household)
    make_assessment_in_state(
        household,
        state,
        officer=ducthang_officer,
        reviewer=city_reviewer,
        review_round=make_round(2016),
        income_per_capita=POOR,
    )
    assert (
        verdict("ho-tro-tien-dien", household)
        == "Chỉ dành cho hộ nghèo, hộ thuộc diện bảo trợ xã hội."
    )
    with pytest.raises(ValidationError):
        services.benefit_record(
            programme=programme("ho-tro-tien-dien"),
            household=household,
            date=DAY,
            amount=46_000,
            by=ducthang_officer,
        )
    assert not Benefit.objects.exists()


def test_a_rule_change_is_a_new_rule_and_deliveries_keep_the_rule_of_their_date(
    ducthang_officer: User, city_reviewer: User
) -> None:
    # A hypothetical decision extending electricity support to near-poor households, with a
    # new amount, from 01/07/2017: a delivery of 30/06/2017 is judged by the old rule.
    electricity = programme("ho-tro-tien-dien")
    household = recognised_household("duc-thang", "DT-0001", NEAR_POOR)
    new = services.programme_rule_add(
        programme=electricity,
        valid_from=datetime.date(2017, 7, 1),
        eligible_statuses=["poor", "near_poor"],
        also_social_protection=True,
        amount=50_000,
        legal_basis="Quyết định thử nghiệm 99/2017",
        note=" Ví dụ trong kiểm thử. ",
        by=city_reviewer,
    )
    old = ProgrammeRule.objects.get(programme=electricity, valid_from=datetime.date(2016, 1, 1))
    assert old.valid_to == datetime.date(2017, 6, 30)
    assert (new.valid_to, new.note) == (None, "Ví dụ trong kiểm thử.")
    assert selectors.rule_on(electricity, datetime.date(2017, 6, 30)) == old
    assert selectors.rule_on(electricity, datetime.date(2017, 7, 1)) == new
    electricity.refresh_from_db()
    assert (electricity.eligible_statuses, electricity.default_amount) == (
        ["poor", "near_poor"],
        50_000,
    )

    def give(day: datetime.date) -> Benefit:
        return services.benefit_record(
            programme=electricity, household=household, date=day, amount=46_000, by=ducthang_officer
        )

    with pytest.raises(ValidationError):
        give(datetime.date(2017, 6, 30))
    assert give(datetime.date(2017, 7, 1)).override_reason == ""
    assert old.history.latest().history_user == city_reviewer


def test_a_rule_cannot_rewrite_the_past_and_only_the_city_changes_rules(
    ducthang_officer: User, city_reviewer: User
) -> None:
    electricity = programme("ho-tro-tien-dien")
    values = {"eligible_statuses": ["poor"], "legal_basis": "Quyết định 28/2014/QĐ-TTg"}
    with pytest.raises(PermissionDenied):
        services.programme_rule_add(
            programme=electricity,
            valid_from=datetime.date(2018, 1, 1),
            by=ducthang_officer,
            **values,
        )
    with pytest.raises(ValidationError) as excinfo:
        services.programme_rule_add(
            programme=electricity,
            valid_from=datetime.date(2016, 1, 1),
            by=city_reviewer,
            **values,
        )
    assert errors_of(excinfo) == {
        "valid_from": [
            "Quy định mới phải bắt đầu sau quy định gần nhất (hiệu lực từ 01/01/2016): các "
            "quy định đã qua được giữ nguyên."
        ]
    }
    with pytest.raises(ValidationError) as excinfo:
        services.programme_rule_add(
            programme=electricity,
            valid_from=datetime.date(2018, 1, 1),
            legal_basis="Quyết định 28/2014/QĐ-TTg",
            by=city_reviewer,
        )
    assert list(errors_of(excinfo)) == ["eligible_statuses"]
    assert ProgrammeRule.objects.filter(programme=electricity).count() == 1
    assert ProgrammeRule.objects.get(programme=electricity).valid_to is None


def test_overlapping_rules_are_refused_by_the_model(city_reviewer: User) -> None:
    electricity = programme("ho-tro-tien-dien")
    overlapping = ProgrammeRule(
        programme=electricity,
        valid_from=datetime.date(2017, 1, 1),
        eligible_statuses=["poor"],
        legal_basis="Quyết định 28/2014/QĐ-TTg",
    )
    with pytest.raises(ValidationError) as excinfo:
        overlapping.full_clean()
    assert errors_of(excinfo)["valid_from"] == [
        "Thời gian này trùng với quy định có hiệu lực từ 01/01/2016: hãy kết thúc quy định "
        "đó trước."
    ]


def test_a_whole_list_is_judged_on_its_date_in_fixed_queries(
    ducthang_officer: User, django_assert_num_queries: object
) -> None:
    households = [
        recognised_household("duc-thang", f"DT-00{n:02d}", POOR if n % 2 else NOT_POOR)
        for n in range(1, 7)
    ]
    poor = [h for n, h in enumerate(households, start=1) if n % 2]
    electricity = programme("ho-tro-tien-dien")
    # The standings on the day, the households' wards and flags, the programme's rules.
    with django_assert_num_queries(3):  # type: ignore[operator]
        verdicts = selectors.eligibilities_on(electricity, [(h, None) for h in households], DAY)
    assert [v.eligible for v in verdicts] == [True, False, True, False, True, False]
    saved = services.benefits_record_bulk(
        programme=programme("ho-tro-tien-dien"),
        recipients=[(h, None) for h in poor],
        date=DAY,
        amount=46_000,
        by=ducthang_officer,
    )
    assert len(saved) == 3
    with pytest.raises(ValidationError) as excinfo:
        services.benefits_record_bulk(
            programme=programme("ho-tro-tien-dien"),
            recipients=[(h, None) for h in households],
            date=DAY,
            amount=46_000,
            by=ducthang_officer,
        )
    assert "DT-0002" in errors_of(excinfo)["recipients"][0]


def test_ages_are_taken_on_the_delivery_date(ducthang_officer: User) -> None:
    # Vocational training from 15 (Decision 46/2015/QĐ-TTg): born 01/11/2002, the member is 14
    # on 31/10/2017 and 15 on 01/11/2017.
    household, _ = household_with_pupil()
    learner = make_member(
        household,
        full_name="Nguyễn Văn Học",
        birth_year=2002,
        date_of_birth=datetime.date(2002, 11, 1),
        relation=Member.Relation.CHILD,
        health_insurance_number="HN4600000000003",
    )
    training = programme("day-nghe")
    too_young = selectors.eligibility_on(training, household, learner, datetime.date(2017, 10, 31))
    assert too_young.reason == "Chỉ dành cho thành viên từ 15 tuổi trở lên; thành viên này 14 tuổi."
    assert selectors.eligibility_on(training, household, learner, datetime.date(2017, 11, 1))
    benefit = services.benefit_record(
        programme=training,
        household=household,
        member=learner,
        date=datetime.date(2017, 11, 1),
        amount=3_000_000,
        by=ducthang_officer,
    )
    assert benefit.override_reason == ""
