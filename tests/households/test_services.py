"""Registry writes: happy paths, the rules they enforce and bad input (nothing saved)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from households import services
from households.models import Assessment, Household, Member, Ward
from households.services import registry
from households.services.registry import HouseholdRegisterError, household_register
from programs.models import Benefit, Programme
from tests.factories import make_assessment, make_household, make_member, make_round

pytestmark = pytest.mark.django_db


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- Households ----------------------------------------------------------------------------


def test_household_create_folds_the_head_name_for_search() -> None:
    household = make_household(head_name="  Trần   Thị Bích  ")
    assert household.head_name == "Trần Thị Bích"
    assert household.head_name_folded == "tran thi bich"


def test_household_code_is_unique_within_a_ward_only() -> None:
    make_household("duc-thang", code="HH-0001")
    make_household("tien-loi", code="HH-0001")  # another ward may reuse it
    with pytest.raises(ValidationError) as exc:
        make_household("duc-thang", code="HH-0001", head_name="Lê Văn Bảy")
    assert "Mã hộ này đã được dùng trong phường/xã này." in exc.value.messages
    assert Household.objects.filter(ward__code="duc-thang").count() == 1


def test_household_quarter_must_belong_to_its_ward() -> None:
    other_quarter = Ward.objects.get(code="tien-loi").quarters.first()
    with pytest.raises(ValidationError) as exc:
        make_household("duc-thang", quarter=other_quarter)
    assert errors_of(exc)["quarter"] == ["Khu phố/thôn này không thuộc phường/xã đã chọn."]
    assert not Household.objects.exists()


@pytest.mark.parametrize("phone", ["12345", "091234567a", "+1 555 0100"])
def test_household_rejects_a_malformed_phone(phone: str) -> None:
    with pytest.raises(ValidationError) as exc:
        make_household(phone=phone)
    assert "phone" in errors_of(exc)
    assert not Household.objects.exists()


# --- Members -------------------------------------------------------------------------------


def test_member_create_fills_birth_year_from_date_of_birth() -> None:
    household = make_household()
    member = services.member_create(
        household=household,
        full_name="Nguyễn Thị Hoa",
        sex=Member.Sex.FEMALE,
        relation=Member.Relation.SPOUSE,
        date_of_birth=datetime.date(1975, 4, 30),
        birth_year=None,
    )
    assert member.birth_year == 1975
    assert member.full_name_folded == "nguyen thi hoa"


@pytest.mark.parametrize("national_id", ["12345678", "1234567890", "0601234567AB", "06012345678"])
def test_member_national_id_must_have_9_or_12_digits(national_id: str) -> None:
    household = make_household()
    with pytest.raises(ValidationError) as exc:
        make_member(household, national_id=national_id)
    assert errors_of(exc)["national_id"] == [
        "Số định danh có 9 chữ số (CMND) hoặc 12 chữ số (CCCD)."
    ]
    assert not Member.objects.exists()


def test_member_national_id_already_used_in_another_household_is_refused() -> None:
    first = make_household(code="HH-0001")
    make_member(first, national_id="060123456789")
    second = make_household(code="HH-0002", head_name="Lê Văn Tám")
    with pytest.raises(ValidationError) as exc:
        make_member(second, full_name="Lê Văn Tám", national_id="060123456789")
    assert errors_of(exc)["national_id"] == [
        "Số CMND/CCCD này đã được dùng cho một thành viên khác."
    ]
    assert not second.members.exists()


def test_member_blank_national_ids_do_not_collide() -> None:
    household = make_household()
    make_member(household, national_id="")
    make_member(
        household,
        full_name="Nguyễn Văn Bình",
        birth_year=2005,
        national_id="",
        relation=Member.Relation.CHILD,
    )
    assert household.members.filter(national_id__isnull=True).count() == 2


def test_member_birth_date_in_the_future_is_refused() -> None:
    household = make_household()
    with pytest.raises(ValidationError) as exc:
        make_member(household, date_of_birth=datetime.date(2999, 1, 1), birth_year=2999)
    assert errors_of(exc)["date_of_birth"] == ["Ngày sinh không được ở tương lai."]
    assert not Member.objects.exists()


def test_member_needs_a_year_or_date_of_birth() -> None:
    household = make_household()
    with pytest.raises(ValidationError) as exc:
        make_member(household, birth_year=None)  # type: ignore[arg-type]
    assert errors_of(exc)["birth_year"] == ["Nhập năm sinh hoặc ngày sinh."]
    assert not Member.objects.exists()


def test_member_birth_year_must_match_the_date_of_birth() -> None:
    household = make_household()
    with pytest.raises(ValidationError) as exc:
        make_member(household, date_of_birth=datetime.date(1980, 5, 1), birth_year=1981)
    assert errors_of(exc)["birth_year"] == ["Năm sinh không khớp với ngày sinh."]


def test_member_listed_twice_is_refused_even_without_accents() -> None:
    household = make_household()
    make_member(household, full_name="Nguyễn Văn An", birth_year=1970)
    with pytest.raises(ValidationError) as exc:
        make_member(
            household, full_name="nguyen van an", birth_year=1970, relation=Member.Relation.OTHER
        )
    assert exc.value.messages == ["Một thành viên cùng họ tên và năm sinh đã có trong hộ này."]
    assert household.members.count() == 1


def test_a_household_has_one_head() -> None:
    household = make_household()
    make_member(household)
    with pytest.raises(ValidationError) as exc:
        make_member(household, full_name="Trần Thị Mai", birth_year=1972, sex=Member.Sex.FEMALE)
    assert exc.value.messages == ["Hộ này đã có chủ hộ."]


# --- Assessments ---------------------------------------------------------------------------


def household_with_roster(ward_code: str = "duc-thang") -> Household:
    household = make_household(ward_code)
    make_member(household)  # 1970, insured, lower-secondary: no roster deprivation
    return household


@pytest.mark.parametrize(
    ("ward_code", "income", "deprived", "status", "group"),
    [
        # Wards use the urban lines 900.000 / 1.300.000 / 1.950.000 đ.
        ("duc-thang", 900_000, set(), "poor", "N1"),
        ("duc-thang", 900_001, {"sanitation", "telecom", "water_source"}, "poor", "N2"),
        ("duc-thang", 1_300_000, {"sanitation", "telecom"}, "near_poor", ""),
        ("duc-thang", 1_300_001, {"sanitation", "telecom", "water_source"}, "average_living", ""),
        ("duc-thang", 1_950_001, set(), "not_poor", ""),
        # Communes use the rural lines 700.000 / 1.000.000 / 1.500.000 đ.
        ("tien-loi", 700_000, set(), "poor", "N1"),
        ("tien-loi", 900_000, {"sanitation", "telecom"}, "near_poor", ""),
        ("tien-loi", 1_000_000, {"sanitation", "telecom", "housing_area"}, "poor", "N2"),
        ("tien-loi", 1_100_000, {"sanitation", "telecom", "housing_area"}, "average_living", ""),
        ("tien-loi", 1_500_001, set(), "not_poor", ""),
    ],
)
def test_assessment_result_follows_decision_59_by_area(
    ward_code: str, income: int, deprived: set[str], status: str, group: str
) -> None:
    household = household_with_roster(ward_code)
    assessment = make_assessment(household, income_per_capita=income, deprivations=deprived)
    assessment.refresh_from_db()
    assert (assessment.status, assessment.poor_group) == (status, group)
    assert assessment.deprivation_count == len(deprived)
    assert assessment.area == ("urban" if ward_code == "duc-thang" else "rural")


def test_assessment_explanation_is_recorded_in_vietnamese() -> None:
    household = household_with_roster()
    assessment = make_assessment(
        household,
        income_per_capita=1_100_000,
        deprivations={"sanitation", "telecom", "water_source"},
    )
    assert assessment.explanation.startswith("Hộ nghèo – nhóm N2")
    assert "1.100.000 đ" in assessment.explanation
    assert "1.300.000 đ" in assessment.explanation


def test_assessment_saved_again_updates_the_same_round() -> None:
    household = household_with_roster()
    make_assessment(household, income_per_capita=800_000)
    assessment = make_assessment(household, income_per_capita=1_500_000)
    assert Assessment.objects.filter(household=household).count() == 1
    assert assessment.status == "average_living"


def test_roster_decides_its_three_indicators_whatever_is_passed() -> None:
    household = make_household()
    make_member(household, health_insurance_number="")  # head, 47 on 01/09/2017, no card
    make_member(
        household,
        full_name="Nguyễn Văn Tí",
        birth_year=2008,
        relation=Member.Relation.CHILD,
        attends_school=False,
        education_level=Member.Education.NONE,
    )
    make_member(
        household,
        full_name="Nguyễn Thị Sáu",
        birth_year=1995,
        sex=Member.Sex.FEMALE,
        relation=Member.Relation.CHILD,
        education_level=Member.Education.PRIMARY,
    )
    assessment = make_assessment(
        household, income_per_capita=1_000_000, deprivations={"health_access": False}
    )
    assert assessment.health_insurance
    assert assessment.child_school_attendance
    assert assessment.adult_education
    assert not assessment.health_access
    assert (assessment.status, assessment.poor_group, assessment.deprivation_count) == (
        "poor",
        "N2",
        3,
    )
    assert "Nguyễn Văn Tí (9)" in assessment.derived_reasons["child_school_attendance"]
    assert "Nguyễn Thị Sáu (22)" in assessment.derived_reasons["adult_education"]
    assert "Nguyễn Văn An (47)" in assessment.derived_reasons["health_insurance"]


def test_an_expired_card_counts_as_no_card_on_the_reference_date() -> None:
    household = make_household()
    make_member(household, health_insurance_expiry=datetime.date(2017, 8, 31))
    assessment = make_assessment(household)
    assert assessment.health_insurance
    make_member(
        household,
        full_name="Nguyễn Thị Lan",
        birth_year=1972,
        sex=Member.Sex.FEMALE,
        relation=Member.Relation.SPOUSE,
        health_insurance_expiry=datetime.date(2017, 9, 1),
    )
    household.members.filter(full_name="Nguyễn Văn An").update(
        health_insurance_expiry=datetime.date(2017, 9, 1)
    )
    assessment = services.assessment_reclassify(assessment=assessment)
    assert not assessment.health_insurance


@pytest.mark.parametrize(
    ("income", "message"),
    [
        (-1, "Thu nhập không được âm."),
        (1_000_000_001, "Thu nhập không hợp lý: trên 1 tỷ đồng."),
        (None, "Nhập thu nhập bình quân đầu người bằng số đồng nguyên, ví dụ 1100000."),
        (1.5, "Nhập thu nhập bình quân đầu người bằng số đồng nguyên, ví dụ 1100000."),
        (True, "Nhập thu nhập bình quân đầu người bằng số đồng nguyên, ví dụ 1100000."),
        # Text is the forms' to read (`IncomeField`): the service takes the number only.
        ("1.100.000", "Nhập thu nhập bình quân đầu người bằng số đồng nguyên, ví dụ 1100000."),
    ],
)
def test_bad_income_is_refused_and_nothing_saved(income: object, message: str) -> None:
    household = household_with_roster()
    with pytest.raises(ValidationError) as exc:
        make_assessment(household, income_per_capita=income)  # type: ignore[arg-type]
    assert errors_of(exc)["income_per_capita"] == [message]
    assert not Assessment.objects.exists()


def test_an_empty_roster_cannot_be_assessed() -> None:
    household = make_household()
    with pytest.raises(ValidationError) as exc:
        make_assessment(household)
    assert exc.value.messages == ["Hộ chưa có thành viên nào: hãy nhập danh sách thành viên trước."]
    assert not Assessment.objects.exists()


def test_unknown_indicator_is_refused() -> None:
    household = household_with_roster()
    with pytest.raises(ValidationError) as exc:
        make_assessment(household, deprivations={"electricity"})
    assert exc.value.messages == ["Chỉ số thiếu hụt không hợp lệ: electricity"]
    assert not Assessment.objects.exists()


def test_one_periodic_round_per_year() -> None:
    make_round(2017)
    with pytest.raises(ValidationError) as exc:
        services.review_round_create(
            year=2017,
            kind="periodic",
            name="Rà soát định kỳ lần 2",
            standard="2016-2020",
            reference_date=datetime.date(2017, 9, 1),
            starts_on=datetime.date(2017, 9, 1),
            ends_on=datetime.date(2017, 12, 31),
        )
    assert exc.value.messages == ["Đã có kỳ rà soát định kỳ cho năm này."]


def test_a_round_must_use_a_standard_in_force_that_year() -> None:
    with pytest.raises(ValidationError) as exc:
        services.review_round_create(
            year=2023,
            kind="periodic",
            name="Rà soát định kỳ năm 2023",
            standard="2016-2020",
            reference_date=datetime.date(2023, 9, 1),
            starts_on=datetime.date(2023, 9, 1),
            ends_on=datetime.date(2023, 12, 31),
        )
    assert errors_of(exc)["standard"] == ["Chuẩn nghèo này không áp dụng cho năm đã chọn."]


# --- Accent-stripped copies never outgrow their column (issue 10) ---------------------------

# A Hangul syllable decomposes (NFD) into two or three letters: folding lengthens the name.
LONG_NAME = "김" * 100


def test_folded_names_are_cut_to_their_column() -> None:
    from households.models.registry import FOLDED_MAX_LENGTH

    household = make_household(head_name=LONG_NAME)
    member = make_member(household, full_name=LONG_NAME)
    for instance, name in ((household, "head_name_folded"), (member, "full_name_folded")):
        column = type(instance)._meta.get_field(name).max_length
        assert column == FOLDED_MAX_LENGTH
        # Saved (PostgreSQL refuses a longer value) and read back whole.
        instance.refresh_from_db()
        assert 0 < len(getattr(instance, name)) <= column
    assert Household.objects.search(LONG_NAME[:20]).get() == household


def test_a_long_folded_head_name_still_matches_its_head_row(ducthang_officer: object) -> None:
    household = Household(ward=Ward.objects.get(code="duc-thang"), code="DT-0900")
    household.quarter = household.ward.quarters.first()
    household.head_name, household.address = LONG_NAME, "1 Lê Lợi"
    head = Member(full_name=LONG_NAME, sex="male", relation="head", birth_year=1970)
    saved = household_register(household=household, members=[head], by=ducthang_officer)
    assert saved.members.get().full_name_folded == saved.head_name_folded


# --- Members with benefits are not removed (issue 10) ---------------------------------------


def benefit_for(member: Member, day: datetime.date) -> Benefit:
    # The fact under test is the recorded benefit, not how it was recorded.
    return Benefit.objects.create(
        programme=Programme.objects.get(code="bhyt-ngheo"),
        household=member.household,
        ward_id=member.household.ward_id,
        member=member,
        date=day,
        quantity=1,
    )


def test_member_delete_refuses_a_member_with_benefits_and_names_them() -> None:
    household = make_household()
    make_member(household)
    child = make_member(household, full_name="Nguyễn Thị Bé", relation="child", birth_year=2010)
    benefit_for(child, datetime.date(2017, 3, 1))
    benefit_for(child, datetime.date(2018, 2, 5))

    with pytest.raises(ValidationError) as exc:
        services.member_delete(member=child)

    assert exc.value.messages == [
        "Không thể xoá Nguyễn Thị Bé: các cơ quan, đơn vị đã ghi nhận hỗ trợ cho thành viên này "
        "(Thẻ bảo hiểm y tế cho người thuộc hộ nghèo 01/03/2017; Thẻ bảo hiểm y tế cho người "
        "thuộc hộ nghèo 05/02/2018). Bỏ chọn “Xoá thành viên này”; nếu người này đã rời khỏi "
        "hộ, hãy liên hệ quản trị viên."
    ]
    assert Member.objects.filter(pk=child.pk).exists()
    assert Benefit.objects.filter(member=child).count() == 2


def test_household_register_refuses_to_remove_a_member_with_benefits(
    ducthang_officer: object,
) -> None:
    household = make_household()
    head = make_member(household)
    child = make_member(household, full_name="Nguyễn Thị Bé", relation="child", birth_year=2010)
    benefit_for(child, datetime.date(2017, 3, 1))
    household.address = "99 Lê Lợi"

    with pytest.raises(HouseholdRegisterError) as exc:
        household_register(
            household=household, members=[head], deleted=[child], by=ducthang_officer
        )

    assert list(exc.value.deleted_errors) == [0]
    assert "01/03/2017" in exc.value.deleted_errors[0][0]
    assert Household.objects.get(pk=household.pk).address == "12 Trần Hưng Đạo"
    assert household.members.count() == 2


def test_a_member_without_benefits_is_still_removed() -> None:
    household = make_household()
    make_member(household)
    child = make_member(household, full_name="Nguyễn Thị Bé", relation="child", birth_year=2010)
    services.member_delete(member=child)
    assert not Member.objects.filter(pk=child.pk).exists()


# --- Two officers creating the same household code at once (issue 10) ----------------------


def _other_officer_saves_the_same_code_meanwhile(monkeypatch: pytest.MonkeyPatch) -> None:
    """After this request's checks pass, another request inserts the same code: what a race
    between two officers does, made deterministic."""
    original = registry._full_clean

    def checked_then_taken(instance: object, **kwargs: object) -> None:
        original(instance, **kwargs)  # type: ignore[arg-type]
        if isinstance(instance, Household) and instance.pk is None:
            Household.objects.create(
                ward_id=instance.ward_id,
                quarter_id=instance.quarter_id,
                code=instance.code,
                head_name="Lê Văn Khác",
                head_name_folded="le van khac",
                address="3 Lê Lợi",
            )

    monkeypatch.setattr(registry, "_full_clean", checked_then_taken)


def test_a_code_taken_between_the_check_and_the_insert_is_a_form_error(
    monkeypatch: pytest.MonkeyPatch, ducthang_officer: object
) -> None:
    ward = Ward.objects.get(code="duc-thang")
    household = Household(ward=ward, quarter=ward.quarters.first(), code="DT-0700")
    household.head_name, household.address = "Võ Văn Mười", "5 Thủ Khoa Huân"
    head = Member(full_name="Võ Văn Mười", sex="male", relation="head", birth_year=1970)
    _other_officer_saves_the_same_code_meanwhile(monkeypatch)

    with pytest.raises(HouseholdRegisterError) as exc:
        household_register(household=household, members=[head], by=ducthang_officer)

    assert exc.value.household_errors == {"code": ["Mã hộ này đã được dùng trong phường/xã này."]}
    assert household.pk is None and head.pk is None
    # Nothing of this one is saved (the simulated other request shares its transaction here).
    assert not Household.objects.filter(head_name="Võ Văn Mười").exists()
    assert not Member.objects.filter(full_name="Võ Văn Mười").exists()


def test_household_save_reports_a_code_taken_meanwhile_on_its_field(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _other_officer_saves_the_same_code_meanwhile(monkeypatch)
    with pytest.raises(ValidationError) as exc:
        make_household(code="DT-0701")
    assert errors_of(exc) == {"code": ["Mã hộ này đã được dùng trong phường/xã này."]}
    assert not Household.objects.filter(head_name="Nguyễn Văn An").exists()
