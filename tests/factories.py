"""Typed `make_*` helpers with fixed defaults: no random data in behaviour tests."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from households import services
from households.models import Assessment, Household, Member, Quarter, ReviewRound, User, Ward

PASSWORD = "s3cret-pass-for-tests"


def make_user(username: str, *, role: str, ward: Ward | None = None, **extra: Any) -> User:
    user = User(username=username, role=role, ward=ward, **extra)
    user.set_password(PASSWORD)
    user.full_clean()
    user.save()
    return user


def make_round(year: int = 2017, *, kind: str = ReviewRound.Kind.PERIODIC) -> ReviewRound:
    existing = ReviewRound.objects.filter(year=year, kind=kind).first()
    if existing:
        return existing
    return services.review_round_create(
        year=year,
        kind=kind,
        name=f"Rà soát định kỳ năm {year}"
        if kind == ReviewRound.Kind.PERIODIC
        else f"Rà soát thường xuyên {year}",
        standard="2016-2020",
        reference_date=datetime.date(year, 9, 1),
        starts_on=datetime.date(year, 9, 1),
        ends_on=datetime.date(year, 12, 31),
    )


def make_household(
    ward_code: str = "duc-thang",
    *,
    code: str = "HH-0001",
    head_name: str = "Nguyễn Văn An",
    quarter: Quarter | None = None,
    **extra: Any,
) -> Household:
    ward = Ward.objects.get(code=ward_code)
    return services.household_create(
        ward=ward,
        quarter=quarter or ward.quarters.order_by("display_order").first(),
        code=code,
        head_name=head_name,
        address=extra.pop("address", "12 Trần Hưng Đạo"),
        **extra,
    )


def make_member(
    household: Household,
    *,
    full_name: str = "Nguyễn Văn An",
    birth_year: int = 1970,
    sex: str = Member.Sex.MALE,
    relation: str = Member.Relation.HEAD,
    health_insurance_number: str = "HN4600000000001",
    education_level: str = Member.Education.LOWER_SECONDARY,
    **extra: Any,
) -> Member:
    return services.member_create(
        household=household,
        full_name=full_name,
        birth_year=birth_year,
        sex=sex,
        relation=relation,
        health_insurance_number=health_insurance_number,
        education_level=education_level,
        **extra,
    )


def make_assessment(
    household: Household,
    *,
    income_per_capita: int = 1_100_000,
    deprivations: Iterable[str] = (),
    review_round: ReviewRound | None = None,
    **extra: Any,
) -> Assessment:
    return services.assessment_save(
        household=household,
        round=review_round or make_round(),
        income_per_capita=income_per_capita,
        deprivations=deprivations,
        **extra,
    )


def household_form(ward: Ward, *, code: str = "DT-0100", **rows: dict[str, str]) -> dict[str, str]:
    """POST data for the admin's household form, with one member row per keyword."""
    data = {
        "ward": str(ward.pk),
        "quarter": str(ward.quarters.first().pk),  # type: ignore[union-attr]
        "code": code,
        "head_name": "Võ Văn Mười",
        "address": "5 Thủ Khoa Huân",
        "phone": "",
        "members-TOTAL_FORMS": str(len(rows)),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        "assessments-TOTAL_FORMS": "0",
        "assessments-INITIAL_FORMS": "0",
        "assessments-MIN_NUM_FORMS": "0",
        "assessments-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows.values()):
        member = {
            "full_name": "",
            "sex": "male",
            "relation": "head",
            "birth_year": "1970",
            "ethnicity": "kinh",
            "education_level": "primary",
            "disability": "none",
            "work_ability": "able",
            **row,
        }
        data.update({f"members-{index}-{key}": value for key, value in member.items()})
    return data
