"""The demo data set: a fictional but plausible picture of Phan Thiết's 2016 and 2017 reviews.

It represents the households a city of 18 wards and communes would hold after the first two
periodic reviews under Decision 59/2015/QĐ-TTg (Circular 17/2016/TT-BLĐTBXH Art. 4): poor
(N1 and N2), near-poor and average-living households with their rosters, and the usual
movements between the 2016 and 2017 rounds — escapes, falls into poverty, relapses ("tái
nghèo"), households newly found in 2017 ("phát sinh") and a few not reassessed. Every name,
ID number and card number is invented.

The statuses are never written here: the generator picks incomes and survey indicators, and
`households.services.assessment_save` classifies them with the one engine
(`households.classification.classify`), exactly as for an officer's survey. The generator
uses the same engine beforehand only to check that its choices reach the intended category.

Deterministic (one `random.Random(seed)` per concern, fixed dates, no iteration over sets)
and idempotent (existing users and rounds are reused; households are created only when no
demo household exists yet).
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q

from giamngheo.formatting import fold_text
from households import services
from households.classification import PovertyStandard, Status, classify, get_standard
from households.ethnicities import Ethnicity
from households.models import (
    Assessment,
    Household,
    Member,
    PovertyCause,
    Quarter,
    ReviewRound,
    SupportNeed,
    User,
    Ward,
)
from households.roster import RosterMember, age_on, derive_indicators

T = TypeVar("T")

DEMO_PASSWORD = "giamngheo-demo"
STANDARD_CODE = "2016-2020"
ROUND_YEARS = (2016, 2017)
# Ages, labour and household composition are fixed as of the 2017 reference date, so the data
# never depends on the day the command runs.
ROSTER_DATE = datetime.date(2017, 9, 1)
MIN_FOR_EVERY_MOVEMENT = 20

Members = list["PlannedMember"]

# --- Targets and movements -----------------------------------------------------------------
# A target is the category the generator aims at; the engine decides whether it is reached.
N1, N2, NEAR_POOR, AVERAGE, NOT_POOR = "N1", "N2", "near_poor", "average_living", "not_poor"
EXPECTED: dict[str, tuple[str, str]] = {
    N1: (Status.POOR.value, "N1"),
    N2: (Status.POOR.value, "N2"),
    NEAR_POOR: (Status.NEAR_POOR.value, ""),
    AVERAGE: (Status.AVERAGE_LIVING.value, ""),
    NOT_POOR: (Status.NOT_POOR.value, ""),
}
POOR_TARGETS = (N1, N2)
# (2016 target or None, [(2017 target or None, weight), ...])
TRANSITIONS: dict[str | None, list[tuple[str | None, int]]] = {
    N1: [(N1, 62), (N2, 8), (NEAR_POOR, 16), (AVERAGE, 12), (NOT_POOR, 2)],
    N2: [(N2, 55), (N1, 10), (NEAR_POOR, 22), (AVERAGE, 13)],
    NEAR_POOR: [(NEAR_POOR, 68), (N1, 10), (N2, 4), (AVERAGE, 16), (NOT_POOR, 2)],
    AVERAGE: [(AVERAGE, 70), (N1, 6), (N2, 2), (NEAR_POOR, 8), (NOT_POOR, 6), (None, 8)],
    None: [(N1, 55), (N2, 15), (NEAR_POOR, 30)],
}
NEW_IN_2017_SHARE = 0.04
FIRST_ROUND_MIX = [(N1, 30), (N2, 15), (NEAR_POOR, 40), (AVERAGE, 15)]

# Movements that must appear whenever there are enough households to show them.
REQUIRED_MOVEMENTS: dict[str, tuple[str | None, str | None]] = {
    "escape": (N1, NEAR_POOR),
    "escape_to_average": (N2, AVERAGE),
    "fall": (NEAR_POOR, N1),
    "relapse": (AVERAGE, N1),
    "new": (None, N2),
    "not_reassessed": (AVERAGE, None),
}


def _movement_kind(trajectory: tuple[str | None, str | None]) -> str:
    before, after = trajectory
    if before is None:
        return "new"
    if after is None:
        return "not_reassessed"
    if before in POOR_TARGETS and after not in POOR_TARGETS:
        return "escape_to_average" if after in (AVERAGE, NOT_POOR) else "escape"
    if before == NEAR_POOR and after in POOR_TARGETS:
        return "fall"
    if before in (AVERAGE, NOT_POOR) and after in POOR_TARGETS:
        return "relapse"
    return "stay"


# --- Places --------------------------------------------------------------------------------
# Relative number of households on the list: the fishing wards and the communes carry more.
WARD_WEIGHTS: dict[str, int] = {
    "binh-hung": 5,
    "duc-long": 8,
    "duc-nghia": 4,
    "duc-thang": 5,
    "ham-tien": 7,
    "hung-long": 4,
    "lac-dao": 5,
    "mui-ne": 10,
    "phu-hai": 6,
    "phu-tai": 4,
    "phu-thuy": 6,
    "phu-trinh": 5,
    "thanh-hai": 6,
    "xuan-an": 4,
    "phong-nam": 6,
    "thien-nghiep": 5,
    "tien-loi": 5,
    "tien-thanh": 5,
}
DEFAULT_WARD_WEIGHT = 5
# Real Phan Thiết streets, grouped roughly by where they run (approximate, for the demo only).
STREETS: dict[str, list[str]] = {
    "binh-hung": ["Lê Hồng Phong", "Trần Quang Diệu", "Nguyễn Tất Thành", "Đoàn Thị Điểm"],
    "duc-long": ["Tôn Đức Thắng", "Trần Quý Cáp", "Lê Duẩn", "Hồ Xuân Hương"],
    "duc-nghia": ["Trần Phú", "Nguyễn Huệ", "Lê Thị Hồng Gấm", "Cao Thắng"],
    "duc-thang": ["Ngư Ông", "Võ Thị Sáu", "Lê Lợi", "Hải Thượng Lãn Ông"],
    "ham-tien": ["Nguyễn Đình Chiểu", "Nguyễn Cơ Thạch", "Võ Văn Kiệt"],
    "hung-long": ["Nguyễn Tất Thành", "Phạm Văn Đồng", "Trần Hưng Đạo"],
    "lac-dao": ["Trần Phú", "Phan Bội Châu", "Nguyễn Văn Linh", "Lê Lợi"],
    "mui-ne": ["Huỳnh Thúc Kháng", "Nguyễn Đình Chiểu", "Nguyễn Minh Châu"],
    "phu-hai": ["Nguyễn Thông", "Võ Văn Kiệt", "Phan Trọng Tuệ"],
    "phu-tai": ["Trường Chinh", "Võ Văn Kiệt", "Lê Duẩn"],
    "phu-thuy": ["Từ Văn Tư", "Thủ Khoa Huân", "Nguyễn Hội", "Trần Hưng Đạo"],
    "phu-trinh": ["Trần Hưng Đạo", "Thủ Khoa Huân", "Từ Văn Tư", "Lê Hồng Phong"],
    "thanh-hai": ["Nguyễn Thông", "Phạm Văn Đồng", "Võ Văn Tần"],
    "xuan-an": ["Trường Chinh", "Nguyễn Văn Cừ", "Hải Thượng Lãn Ông"],
}
GENERIC_STREETS = ["Trần Hưng Đạo", "Nguyễn Tất Thành", "Thủ Khoa Huân", "Lê Lợi", "Trần Phú"]
COASTAL_WARDS = frozenset(
    {"duc-long", "duc-thang", "ham-tien", "lac-dao", "mui-ne", "phu-hai", "thanh-hai"}
)

# --- People --------------------------------------------------------------------------------
# fmt: off
FAMILY_NAMES: dict[str, list[tuple[str, int]]] = {
    Ethnicity.KINH: [
        ("Nguyễn", 30), ("Trần", 11), ("Lê", 9), ("Phạm", 6), ("Huỳnh", 6), ("Võ", 6),
        ("Phan", 4), ("Hồ", 3), ("Hoàng", 2), ("Trương", 2), ("Bùi", 2), ("Đặng", 2),
        ("Đỗ", 2), ("Ngô", 2), ("Dương", 1), ("Lý", 1), ("Đinh", 1), ("Mai", 1), ("Đoàn", 1),
    ],
    Ethnicity.CHAM: [("Đàng", 3), ("Thông", 2), ("Thuận", 2), ("Quảng", 2), ("Bá", 1), ("Hán", 1)],
    Ethnicity.HOA: [("Lâm", 3), ("Quách", 2), ("Trịnh", 2), ("Châu", 2), ("Mã", 1), ("Hứa", 1)],
    Ethnicity.RA_GLAI: [("Mang", 3), ("Pi Năng", 2), ("Katơr", 1), ("Chamaléa", 1)],
    Ethnicity.CO_HO: [("Kơ Să", 2), ("Liêng", 1), ("Bon", 1)],
}
# fmt: on
HEAD_ETHNICITIES = [
    (Ethnicity.KINH, 930),
    (Ethnicity.CHAM, 30),
    (Ethnicity.HOA, 25),
    (Ethnicity.RA_GLAI, 10),
    (Ethnicity.CO_HO, 5),
]
MALE_MIDDLE = ["Văn", "Đức", "Minh", "Quốc", "Hữu", "Công", "Thanh"]
FEMALE_MIDDLE = ["Thị", "Ngọc", "Thu", "Kim", "Mỹ", "Thanh"]
# fmt: off
MALE_GIVEN = [
    "An", "Bình", "Bảo", "Cường", "Dũng", "Đạt", "Hải", "Hậu", "Hiếu", "Hòa", "Hùng", "Huy",
    "Khánh", "Khoa", "Kiệt", "Lâm", "Long", "Lộc", "Minh", "Nam", "Nghĩa", "Phong", "Phúc",
    "Phước", "Quang", "Sang", "Sơn", "Tài", "Tâm", "Thắng", "Thành", "Thiện", "Tín", "Toàn",
    "Trung", "Tú", "Tuấn", "Việt", "Vinh", "Vũ",
]
FEMALE_GIVEN = [
    "Anh", "Bích", "Châu", "Diễm", "Dung", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng", "Hương",
    "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Nhi", "Nhung", "Oanh", "Phượng",
    "Quyên", "Thảo", "Thủy", "Trang", "Trinh", "Tuyết", "Vân", "Vy", "Xuân", "Yến",
]
# fmt: on
URBAN_JOBS = ["Buôn bán nhỏ", "Làm thuê", "Công nhân", "Bán vé số", "Chạy xe ôm", "Thợ hồ"]
COASTAL_JOBS = ["Ngư dân", "Chế biến hải sản", "Buôn bán nhỏ", "Làm thuê", "Bốc vác"]
RURAL_JOBS = ["Trồng thanh long", "Làm rẫy", "Chăn nuôi", "Làm thuê"]
MALE_JOBS = frozenset({"Ngư dân", "Bốc vác", "Chạy xe ôm", "Thợ hồ"})
# fmt: off
MOBILE_PREFIXES = [
    "090", "091", "093", "094", "096", "097", "098",
    "032", "033", "034", "035", "036", "037", "038", "039",
    "070", "076", "077", "078", "079",
]
# fmt: on

# (kind, weight when the household starts poor, weight otherwise)
COMPOSITIONS = [
    ("single_elderly", 18, 6),
    ("elderly_couple", 10, 7),
    ("young_family", 17, 25),
    ("family", 20, 28),
    ("three_generations", 15, 20),
    ("single_parent", 15, 9),
    ("single_adult", 5, 5),
]
MAX_MEMBERS = 7

# Survey indicators the officer records; the roster indicators are derived by the service.
# Weight = how often each shows up among the demo households' deprivations.
SURVEY_INDICATOR_WEIGHTS: dict[str, int] = {
    "sanitation": 9,
    "housing_quality": 8,
    "housing_area": 6,
    "water_source": 5,
    "health_access": 3,
    "information_assets": 2,
    "telecom": 1,
}

CAUSE_NEEDS: dict[str, list[str]] = {
    "lack-capital": ["credit"],
    "lack-land": ["land", "credit"],
    "lack-means": ["tools", "credit"],
    "lack-labour": ["allowance"],
    "no-job": ["job", "vocational"],
    "lack-skills": ["vocational", "guidance"],
    "illness": ["health-insurance", "allowance"],
    "dependants": ["education"],
    "social-vice": ["legal-aid", "job"],
    "unwilling": ["guidance", "job"],
    "disaster": ["housing", "credit"],
}
INDICATOR_NEEDS: dict[str, str] = {
    "housing_quality": "housing",
    "housing_area": "housing",
    "water_source": "water",
    "sanitation": "water",
    "telecom": "information",
    "information_assets": "information",
}
NOTES: dict[str, list[str]] = {
    "escape": [
        "Thoát nghèo nhờ vay vốn Ngân hàng Chính sách xã hội.",
        "Con lớn đi làm công nhân, thu nhập ổn định hơn.",
        "Được hỗ trợ con giống, chăn nuôi có hiệu quả.",
    ],
    "fall": [
        "Chủ hộ bệnh nặng, mất sức lao động.",
        "Thu nhập giảm do mất việc làm.",
    ],
    "relapse": [
        "Tái nghèo do thiên tai, mất mùa.",
        "Tái nghèo do có người ốm đau nặng, chi phí chữa bệnh lớn.",
    ],
    "new": [
        "Hộ phát sinh trong năm 2017, mới tách hộ.",
        "Hộ mới chuyển đến, phát sinh trong kỳ rà soát 2017.",
    ],
}


# --- Result and plan -----------------------------------------------------------------------


@dataclass(frozen=True)
class SeedResult:
    """What one call of `seed_demo` created (zeros for what already existed)."""

    households: int
    members: int
    assessments: int
    users: int
    review_rounds: int
    created: bool


@dataclass
class PlannedMember:
    full_name: str
    sex: str
    relation: str
    birth_year: int
    date_of_birth: datetime.date | None
    ethnicity: str
    education_level: str
    attends_school: bool
    disability: str
    work_ability: str
    occupation: str
    national_id: str | None = None
    health_insurance_number: str = ""
    health_insurance_expiry: datetime.date | None = None

    @property
    def age(self) -> int:
        return age_on(birth_year=self.birth_year, date_of_birth=self.date_of_birth, day=ROSTER_DATE)

    def roster(self) -> RosterMember:
        return RosterMember(
            name=self.full_name,
            birth_year=self.birth_year,
            date_of_birth=self.date_of_birth,
            attends_school=self.attends_school,
            education_level=self.education_level,
            health_insurance_number=self.health_insurance_number,
            health_insurance_expiry=self.health_insurance_expiry,
        )

    def fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in services.MEMBER_FIELDS}


@dataclass
class PlannedAssessment:
    year: int
    target: str
    income: int
    deprivations: tuple[str, ...]
    household_type: str = ""
    causes: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    expected_to_escape: bool = False
    notes: str = ""


@dataclass
class PlannedHousehold:
    ward: Ward
    quarter: Quarter
    code: str
    address: str
    phone: str
    members: Members
    is_merit_family: bool
    is_social_protection: bool
    assessments: list[PlannedAssessment] = field(default_factory=list)

    @property
    def head(self) -> PlannedMember:
        return self.members[0]

    def household_fields(self) -> dict[str, Any]:
        return {
            "ward": self.ward,
            "quarter": self.quarter,
            "code": self.code,
            "head_name": self.head.full_name,
            "address": self.address,
            "phone": self.phone,
            "is_merit_family": self.is_merit_family,
            "is_social_protection": self.is_social_protection,
            "is_ethnic_minority": self.head.ethnicity != Ethnicity.KINH,
            "is_female_headed": self.head.sex == Member.Sex.FEMALE,
            "has_no_working_age_labour": not has_working_age_labour(self.members),
        }


def has_working_age_labour(members: Sequence[PlannedMember]) -> bool:
    """A member aged 16–59 on the 2017 reference date who is able to work."""
    return any(16 <= m.age <= 59 and m.work_ability == Member.WorkAbility.ABLE for m in members)


# --- Entry point ---------------------------------------------------------------------------


@transaction.atomic
def seed_demo(*, households: int = 3000, seed: int = 2017) -> SeedResult:
    """Load the demo users, the 2016 and 2017 periodic rounds and about `households` households.

    Safe to run again: existing users (and their passwords) and rounds are left alone, and no
    household is created once any demo household exists.
    """
    if households < 1:
        raise ValueError("households must be at least 1")
    wards = list(Ward.objects.order_by("display_order", "name").prefetch_related("quarters"))
    users_created = _seed_users(wards, seed=seed)
    rounds, rounds_created = _seed_rounds()
    prefixes = ward_prefixes([w.code for w in wards])
    if _demo_households_exist(prefixes):
        return SeedResult(0, 0, 0, users_created, rounds_created, created=False)

    used_ids = {
        national_id
        for national_id in Member.objects.values_list("national_id", flat=True)
        if national_id
    }
    plan = plan_households(
        wards, households=households, seed=seed, prefixes=prefixes, used_ids=used_ids
    )
    officers = {
        u.ward_id: u
        for u in User.objects.filter(
            role=User.Role.WARD_OFFICER, username__in=[_officer_username(w) for w in wards]
        )
    }
    causes = {c.code: c for c in PovertyCause.objects.all()}
    needs = {n.code: n for n in SupportNeed.objects.all()}
    members = assessments = 0
    for planned in plan:
        household = services.household_create(**planned.household_fields())
        for member in planned.members:
            services.member_create(household=household, **member.fields())
        members += len(planned.members)
        for planned_assessment in planned.assessments:
            assessment = services.assessment_save(
                household=household,
                round=rounds[planned_assessment.year],
                income_per_capita=planned_assessment.income,
                deprivations=planned_assessment.deprivations,
                household_type=planned_assessment.household_type,
                causes=[causes[c] for c in planned_assessment.causes if c in causes],
                needs=[needs[n] for n in planned_assessment.needs if n in needs],
                expected_to_escape=planned_assessment.expected_to_escape,
                notes=planned_assessment.notes,
                by=officers.get(planned.ward.pk),
            )
            _check_reached(assessment, planned_assessment.target)
            assessments += 1
    return SeedResult(len(plan), members, assessments, users_created, rounds_created, True)


def _check_reached(assessment: Assessment, target: str) -> None:
    # A mismatch is a generator bug, never bad input: stop rather than store a wrong story.
    reached = (assessment.status, assessment.poor_group)
    if reached != EXPECTED[target]:
        raise RuntimeError(
            f"Demo household {assessment.household.code} aimed at {target} in "
            f"{assessment.round.year} but the engine gave {reached}."
        )


# --- Users and rounds ----------------------------------------------------------------------


def _officer_username(ward: Ward) -> str:
    return ward.code.replace("-", "")


def _seed_users(wards: Sequence[Ward], *, seed: int) -> int:
    rng = random.Random(f"{seed}:users")
    specs: list[dict[str, Any]] = [
        {
            "username": "admin",
            "role": User.Role.ADMIN,
            "is_superuser": True,
            "is_staff": True,
            "last_name": "Nguyễn",
            "first_name": "Văn Quản",
        },
        {
            "username": "thanhpho",
            "role": User.Role.CITY_REVIEWER,
            "is_staff": True,
            "last_name": "Trần",
            "first_name": "Thị Thu Hà",
        },
    ]
    for ward in wards:
        sex = rng.choice([Member.Sex.MALE, Member.Sex.FEMALE])
        family, middle, given = _name_parts(rng, sex, Ethnicity.KINH, birth_year=1980)
        specs.append(
            {
                "username": _officer_username(ward),
                "role": User.Role.WARD_OFFICER,
                "ward": ward,
                "is_staff": True,
                "last_name": family,
                "first_name": f"{middle} {given}",
            }
        )
    existing = set(
        User.objects.filter(username__in=[s["username"] for s in specs]).values_list(
            "username", flat=True
        )
    )
    missing = [s for s in specs if s["username"] not in existing]
    if not missing:
        return 0
    # One hash for all: the password is public and PBKDF2 is deliberately slow.
    password = make_password(DEMO_PASSWORD)
    for spec in missing:
        user = User(**spec)
        user.password = password
        user.full_clean()
        user.save()
    return len(missing)


def _seed_rounds() -> tuple[dict[int, ReviewRound], int]:
    rounds: dict[int, ReviewRound] = {}
    created = 0
    for year in ROUND_YEARS:
        existing = ReviewRound.objects.filter(year=year, kind=ReviewRound.Kind.PERIODIC).first()
        if existing is not None:
            rounds[year] = existing
            continue
        rounds[year] = services.review_round_create(
            year=year,
            kind=ReviewRound.Kind.PERIODIC,
            name=f"Rà soát định kỳ năm {year}",
            standard=STANDARD_CODE,
            reference_date=datetime.date(year, 9, 1),
            starts_on=datetime.date(year, 9, 1),
            ends_on=datetime.date(year, 12, 31),
        )
        created += 1
    return rounds, created


# --- Households: where and how many --------------------------------------------------------


def ward_prefixes(codes: Sequence[str]) -> dict[str, str]:
    """Household-code prefix per ward: the initials ("duc-thang" -> "DT"), or three letters
    when initials clash ("phu-tai" -> "PTA", "phu-thuy" -> "PTH")."""
    initials = {code: "".join(part[0] for part in code.split("-")).upper() for code in codes}
    clashes = Counter(initials.values())
    prefixes = {}
    for code in codes:
        parts = code.split("-")
        if clashes[initials[code]] > 1 and len(parts) > 1:
            prefixes[code] = (parts[0][0] + parts[1][:2] + "".join(p[0] for p in parts[2:])).upper()
        else:
            prefixes[code] = initials[code]
    return prefixes


def _demo_households_exist(prefixes: Mapping[str, str]) -> bool:
    condition = Q()
    for code, prefix in prefixes.items():
        condition |= Q(ward__code=code, code__startswith=f"{prefix}-")
    return bool(prefixes) and Household.objects.filter(condition).exists()


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` over units by weight (largest remainder), at least one each if possible."""
    count = len(weights)
    base = 1 if total >= count else 0
    rest = total - base * count
    weight_sum = sum(weights)
    quotas = [rest * w / weight_sum for w in weights]
    shares = [base + int(q) for q in quotas]
    order = sorted(range(count), key=lambda i: (-(quotas[i] - int(quotas[i])), i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def plan_trajectories(rng: random.Random, count: int) -> list[tuple[str | None, str | None]]:
    """Target categories (2016, 2017) per household; None = not assessed that year."""
    trajectories: list[tuple[str | None, str | None]] = []
    for _ in range(count):
        before = None if rng.random() < NEW_IN_2017_SHARE else _weighted(rng, FIRST_ROUND_MIX)
        after = _weighted(rng, TRANSITIONS[before])
        trajectories.append((before, after))
    if count >= MIN_FOR_EVERY_MOVEMENT:
        present = {_movement_kind(t) for t in trajectories}
        for kind, trajectory in REQUIRED_MOVEMENTS.items():
            if kind in present:
                continue
            stays = [i for i, t in enumerate(trajectories) if _movement_kind(t) == "stay"]
            trajectories[rng.choice(stays)] = trajectory
    return trajectories


def plan_households(
    wards: Sequence[Ward],
    *,
    households: int,
    seed: int,
    prefixes: Mapping[str, str],
    used_ids: set[str],
) -> list[PlannedHousehold]:
    """Everything to create, decided in memory and checked against the engine."""
    rng = random.Random(f"{seed}:households")
    standard = get_standard(STANDARD_CODE)
    shares = allocate(households, [WARD_WEIGHTS.get(w.code, DEFAULT_WARD_WEIGHT) for w in wards])
    trajectories = plan_trajectories(rng, households)
    ids = _IdMaker(rng, used_ids)
    plan: list[PlannedHousehold] = []
    for ward, share in zip(wards, shares, strict=True):
        quarters = sorted(ward.quarters.all(), key=lambda q: (q.display_order, q.name))
        for number in range(1, share + 1):
            trajectory = trajectories[len(plan)]
            planned = _plan_household(
                rng,
                ward=ward,
                quarter=rng.choice(quarters),
                code=f"{prefixes[ward.code]}-{number:04d}",
                trajectory=trajectory,
                ids=ids,
            )
            _plan_assessments(rng, planned, trajectory, standard)
            plan.append(planned)
    return plan


# --- One household -------------------------------------------------------------------------


def _weighted(rng: random.Random, options: Sequence[tuple[T, int]]) -> T:
    values = [value for value, _ in options]
    weights = [weight for _, weight in options]
    return rng.choices(values, weights=weights)[0]


def _round_to(value: float, step: int = 10_000) -> int:
    return round(value / step) * step


def _name_parts(
    rng: random.Random, sex: str, ethnicity: str, *, birth_year: int, family: str | None = None
) -> tuple[str, str, str]:
    family = family or _weighted(rng, FAMILY_NAMES.get(ethnicity, FAMILY_NAMES[Ethnicity.KINH]))
    # "Văn" and "Thị" are the classic middle names; younger people get them less often.
    classic = 0.75 if birth_year < 1975 else 0.45 if birth_year < 1995 else 0.2
    if sex == Member.Sex.MALE:
        middle = "Văn" if rng.random() < classic else rng.choice(MALE_MIDDLE[1:])
        given = rng.choice(MALE_GIVEN)
    else:
        middle = "Thị" if rng.random() < classic else rng.choice(FEMALE_MIDDLE[1:])
        given = rng.choice(FEMALE_GIVEN)
    if given == middle:
        given = rng.choice(FEMALE_GIVEN if sex == Member.Sex.FEMALE else MALE_GIVEN[:5])
    return family, middle, given


def _birth(rng: random.Random, age: int, *, year_only: bool) -> tuple[int, datetime.date | None]:
    """A date of birth giving exactly `age` on the roster date (or just a year)."""
    latest = ROSTER_DATE.replace(year=ROSTER_DATE.year - age)
    earliest = ROSTER_DATE.replace(year=ROSTER_DATE.year - age - 1) + datetime.timedelta(days=1)
    born = earliest + datetime.timedelta(days=rng.randrange((latest - earliest).days + 1))
    if year_only:
        return ROSTER_DATE.year - age, None
    return born.year, born


class _IdMaker:
    """Unique national ID numbers: CCCD "060…" (Bình Thuận) or CMND "26…"."""

    def __init__(self, rng: random.Random, used: set[str]) -> None:
        self.rng = rng
        self.used = used

    def make(self, *, sex: str, birth_year: int) -> str:
        if self.rng.random() < 0.25:
            century = 0 if birth_year < 2000 else 2
            gender = century + (1 if sex == Member.Sex.FEMALE else 0)
            stem, digits = f"060{gender}{birth_year % 100:02d}", 6
        else:
            stem, digits = "26", 7
        serial = self.rng.randrange(10**digits)
        candidate = f"{stem}{serial:0{digits}d}"
        # Step deterministically on a clash so the random stream does not depend on the db.
        while candidate in self.used:
            serial = (serial + 1) % 10**digits
            candidate = f"{stem}{serial:0{digits}d}"
        self.used.add(candidate)
        return candidate


@dataclass
class _Household:
    """Facts shared while building one household's members."""

    rng: random.Random
    ward: Ward
    ethnicity: str
    poor: bool
    members: Members = field(default_factory=list)

    def add(
        self,
        *,
        sex: str,
        age: int,
        relation: str,
        family: str | None = None,
        ethnicity: str | None = None,
    ) -> PlannedMember | None:
        if len(self.members) >= MAX_MEMBERS or age < 0:
            return None
        rng = self.rng
        ethnicity = ethnicity or self.ethnicity
        year_only = age >= 67 and rng.random() < 0.4
        birth_year, date_of_birth = _birth(rng, age, year_only=year_only)
        taken = {(fold_text(m.full_name), m.birth_year) for m in self.members}
        while True:
            parts = _name_parts(rng, sex, ethnicity, birth_year=birth_year, family=family)
            full_name = " ".join(parts)
            if (fold_text(full_name), birth_year) not in taken:
                break
        education, attends = _education(rng, age, poor=self.poor)
        disability, work_ability = _health(rng, age, poor=self.poor)
        member = PlannedMember(
            full_name=full_name,
            sex=sex,
            relation=relation,
            birth_year=birth_year,
            date_of_birth=date_of_birth,
            ethnicity=ethnicity,
            education_level=education,
            attends_school=attends,
            disability=disability,
            work_ability=work_ability,
            occupation=self._occupation(age, sex, attends, work_ability),
        )
        self.members.append(member)
        return member

    def _occupation(self, age: int, sex: str, attends: bool, work_ability: str) -> str:
        rng = self.rng
        if attends:
            return "Sinh viên" if age >= 18 else "Học sinh" if age >= 6 else ""
        if age < 15 or work_ability == Member.WorkAbility.UNABLE:
            return ""
        if age >= 65:
            return "Già yếu" if rng.random() < 0.5 else "Làm thuê"
        if sex == Member.Sex.FEMALE and rng.random() < 0.2:
            return "Nội trợ"
        if self.ward.kind == Ward.Kind.COMMUNE:
            jobs = RURAL_JOBS
        else:
            jobs = COASTAL_JOBS if self.ward.code in COASTAL_WARDS else URBAN_JOBS
        if sex == Member.Sex.FEMALE:
            jobs = [job for job in jobs if job not in MALE_JOBS]
        return rng.choice(jobs)


def _education(rng: random.Random, age: int, *, poor: bool) -> tuple[str, bool]:
    """Highest level completed and school attendance, plausible for the age."""
    E = Member.Education
    if age < 5:
        return E.NONE, False
    if age < 15:
        attends = rng.random() >= (0.06 if poor else 0.02)
        return (E.PRIMARY if age >= 11 else E.NONE), attends
    if age < 18:
        attends = rng.random() < (0.55 if poor else 0.8)
        level = E.LOWER_SECONDARY if attends or rng.random() < 0.75 else E.PRIMARY
        return level, attends
    if age < 23:
        attends = rng.random() < (0.05 if poor else 0.15)
        mix = [(E.PRIMARY, 12 if poor else 5), (E.LOWER_SECONDARY, 40), (E.UPPER_SECONDARY, 40)]
        return _weighted(rng, [*mix, (E.VOCATIONAL, 8)]), attends
    if age < 32:
        mix = [
            (E.NONE, 2),
            (E.PRIMARY, 16 if poor else 6),
            (E.LOWER_SECONDARY, 38),
            (E.UPPER_SECONDARY, 26),
            (E.VOCATIONAL, 8),
            (E.COLLEGE, 3 if poor else 8),
            (E.UNIVERSITY, 1 if poor else 6),
        ]
    elif age < 51:
        mix = [
            (E.NONE, 8 if poor else 3),
            (E.PRIMARY, 32 if poor else 20),
            (E.LOWER_SECONDARY, 35),
            (E.UPPER_SECONDARY, 18 if poor else 28),
            (E.VOCATIONAL, 4),
            (E.COLLEGE, 2),
            (E.UNIVERSITY, 1 if poor else 3),
        ]
    else:
        mix = [
            (E.NONE, 28 if poor else 15),
            (E.PRIMARY, 42),
            (E.LOWER_SECONDARY, 20),
            (E.UPPER_SECONDARY, 8),
            (E.VOCATIONAL, 2),
        ]
    return _weighted(rng, mix), False


def _health(rng: random.Random, age: int, *, poor: bool) -> tuple[str, str]:
    """Disability and ability to work: mostly none/able, weaker with age."""
    D, W = Member.Disability, Member.WorkAbility
    if age >= 16 and rng.random() < (0.06 if poor else 0.03):
        if rng.random() < 0.6:
            return D.MILD, W.LIMITED
        return rng.choice([D.SEVERE, D.ESPECIALLY_SEVERE]), W.UNABLE
    if age < 60:
        return D.NONE, W.LIMITED if age >= 16 and rng.random() < 0.03 else W.ABLE
    if age < 75:
        return D.NONE, _weighted(rng, [(W.ABLE, 60), (W.LIMITED, 30), (W.UNABLE, 10)])
    return D.NONE, _weighted(rng, [(W.ABLE, 10), (W.LIMITED, 40), (W.UNABLE, 50)])


def _build_roster(rng: random.Random, kind: str, h: _Household) -> None:
    """Head first, then spouse, children, parents and grandchildren, ages relative to the head."""
    M, F = Member.Sex.MALE, Member.Sex.FEMALE
    R = Member.Relation
    other_sex = {M: F, F: M}

    def children(mother_age: int, father_family: str, n: int, oldest: int = 30) -> None:
        for _ in range(n):
            age = rng.randint(0, max(0, min(oldest, mother_age - 20)))
            h.add(sex=rng.choice([M, F]), age=age, relation=R.CHILD, family=father_family)

    if kind == "single_elderly":
        h.add(sex=F if rng.random() < 0.65 else M, age=rng.randint(62, 90), relation=R.HEAD)
        if rng.random() < 0.2:
            h.add(sex=rng.choice([M, F]), age=rng.randint(6, 14), relation=R.GRANDCHILD)
        return
    if kind == "single_adult":
        head = h.add(sex=rng.choice([M, F]), age=rng.randint(25, 59), relation=R.HEAD)
        if head and rng.random() < 0.3:
            family = head.full_name.split()[0]
            sibling_age = min(85, max(16, head.age + rng.randint(-8, 8)))
            h.add(sex=rng.choice([M, F]), age=sibling_age, relation=R.SIBLING, family=family)
        return

    ages = {
        "elderly_couple": (60, 85),
        "young_family": (24, 40),
        "family": (38, 58),
        "three_generations": (50, 70),
        "single_parent": (28, 55),
    }[kind]
    if kind == "single_parent":
        head_sex = F if rng.random() < 0.9 else M
    else:
        head_sex = M if rng.random() < 0.82 else F
    head = h.add(sex=head_sex, age=rng.randint(*ages), relation=R.HEAD)
    assert head is not None
    head_family = head.full_name.split()[0]
    has_spouse = kind != "single_parent" and not (
        kind == "three_generations" and rng.random() < 0.3
    )
    wife_age = head.age
    father_family = head_family if head_sex == M else None
    if has_spouse:
        gap = rng.randint(0, 7)
        spouse_age = max(18, head.age - gap if head_sex == M else head.age + gap)
        spouse_ethnicity = h.ethnicity if rng.random() < 0.85 else Ethnicity.KINH
        spouse = h.add(
            sex=other_sex[head_sex], age=spouse_age, relation=R.SPOUSE, ethnicity=spouse_ethnicity
        )
        assert spouse is not None
        if head_sex == F:
            father_family = spouse.full_name.split()[0]
        else:
            wife_age = spouse.age
    if father_family is None:
        father_family = _weighted(rng, FAMILY_NAMES.get(h.ethnicity, FAMILY_NAMES[Ethnicity.KINH]))

    if kind == "elderly_couple":
        if rng.random() < 0.15:
            h.add(
                sex=rng.choice([M, F]),
                age=rng.randint(25, 45),
                relation=R.CHILD,
                family=father_family,
            )
        return
    if kind == "three_generations":
        son_age = min(wife_age - 20, rng.randint(24, 42))
        son = h.add(sex=M, age=son_age, relation=R.CHILD, family=father_family)
        if son is None:
            return
        if rng.random() < 0.7:
            h.add(sex=F, age=max(20, son.age - rng.randint(0, 5)), relation=R.OTHER_RELATIVE)
        for _ in range(rng.randint(1, 3)):
            age = rng.randint(0, min(15, son.age - 20))
            h.add(
                sex=rng.choice([M, F]),
                age=age,
                relation=R.GRANDCHILD,
                family=son.full_name.split()[0],
            )
        if rng.random() < 0.3:
            children(wife_age, father_family, 1, oldest=min(30, son.age - 1))
        return

    n_children = _weighted(rng, [(0, 1), (1, 4), (2, 5), (3, 3), (4, 1)])
    if kind == "young_family":
        children(wife_age, father_family, n_children, oldest=18)
    else:
        children(wife_age, father_family, max(1, n_children), oldest=32)
    if rng.random() < (0.25 if kind != "young_family" else 0.1):
        parent_age = min(95, head.age + rng.randint(22, 34))
        h.add(sex=F if rng.random() < 0.7 else M, age=parent_age, relation=R.PARENT)


def _fill_ids_and_cards(
    rng: random.Random, h: _Household, ids: _IdMaker, *, merit: bool, first_target: str
) -> None:
    profile = _weighted(rng, [("insured", 75), ("missing", 15), ("expired", 10)])
    eligible = [i for i, m in enumerate(h.members) if m.age >= 6]
    affected = set(rng.sample(eligible, k=min(len(eligible), rng.randint(1, 2))))
    for index, member in enumerate(h.members):
        age = member.age
        if age >= 16 and rng.random() < (0.85 if h.poor else 0.93):
            member.national_id = ids.make(sex=member.sex, birth_year=member.birth_year)
        if age < 6:
            code, level = "TE", 1
        elif age <= 18 and member.attends_school:
            code, level = "HS", 4
        elif merit and member.relation == Member.Relation.HEAD:
            code, level = "CC", 1
        elif age >= 80:
            code, level = "BT", 2
        elif first_target in POOR_TARGETS:
            code, level = "HN", 2
        elif first_target == NEAR_POOR:
            code, level = "CN", 3
        else:
            code, level = "GD", 4
        if index in affected and age >= 6 and profile == "missing":
            continue
        member.health_insurance_number = f"{code}{level}60{rng.randrange(10**10):010d}"
        if index in affected and age >= 6 and profile == "expired":
            # Valid for the 2016 round, lapsed by the 2017 one (or lapsed before both).
            member.health_insurance_expiry = rng.choice(
                [
                    datetime.date(2016, 12, 31),
                    datetime.date(2016, 12, 31),
                    datetime.date(2015, 12, 31),
                ]
            )
        else:
            member.health_insurance_expiry = rng.choice(
                [datetime.date(2017, 12, 31), datetime.date(2018, 12, 31)]
            )


def _address(rng: random.Random, ward: Ward, quarter: Quarter) -> str:
    if ward.kind == Ward.Kind.COMMUNE:
        return f"Tổ {rng.randint(1, 9)}, {quarter.name}, xã {ward.name}"
    street = rng.choice(STREETS.get(ward.code, GENERIC_STREETS))
    number = str(rng.randint(1, 420))
    if rng.random() < 0.35:  # a house in an alley (hẻm)
        number = f"{number}/{rng.randint(1, 40)}"
    return f"{number} {street}, {quarter.name}, phường {ward.name}"


def _phone(rng: random.Random) -> str:
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**7):07d}"


def _plan_household(
    rng: random.Random,
    *,
    ward: Ward,
    quarter: Quarter,
    code: str,
    trajectory: tuple[str | None, str | None],
    ids: _IdMaker,
) -> PlannedHousehold:
    first_target = trajectory[0] or trajectory[1]
    assert first_target is not None
    poor = first_target in POOR_TARGETS
    kind = _weighted(rng, [(k, poor_w if poor else other_w) for k, poor_w, other_w in COMPOSITIONS])
    h = _Household(rng=rng, ward=ward, ethnicity=_weighted(rng, HEAD_ETHNICITIES), poor=poor)
    _build_roster(rng, kind, h)
    merit = rng.random() < 0.06
    _fill_ids_and_cards(rng, h, ids, merit=merit, first_target=first_target)
    severe = any(m.disability != Member.Disability.NONE for m in h.members)
    elderly_alone = kind == "single_elderly"
    social_protection = rng.random() < (0.35 if elderly_alone else 0.3 if severe else 0.05)
    return PlannedHousehold(
        ward=ward,
        quarter=quarter,
        code=code,
        address=_address(rng, ward, quarter),
        phone=_phone(rng) if rng.random() < (0.78 if poor else 0.9) else "",
        members=h.members,
        is_merit_family=merit,
        is_social_protection=social_protection,
    )


# --- Assessments ---------------------------------------------------------------------------


def _roster_deprivations(members: Members, day: datetime.date) -> list[str]:
    derived = derive_indicators([m.roster() for m in members], on=day)
    return sorted(key for key, d in derived.items() if d.deprived)


def _insure_everyone(rng: random.Random, members: Members) -> None:
    for member in members:
        if member.age >= 6:
            if not member.health_insurance_number:
                member.health_insurance_number = f"GD460{rng.randrange(10**10):010d}"
            member.health_insurance_expiry = datetime.date(2018, 12, 31)


def _income_band(target: str, standard: PovertyStandard, ward: Ward) -> tuple[int, int]:
    lines = standard.thresholds[ward.area]
    step = 10_000
    return {
        N1: (_round_to(lines.poverty_line * 0.45), lines.poverty_line),
        N2: (lines.poverty_line + step, lines.near_poverty_line),
        NEAR_POOR: (lines.poverty_line + step, lines.near_poverty_line),
        AVERAGE: (lines.near_poverty_line + step, lines.average_living_line),
        NOT_POOR: (lines.average_living_line + step, _round_to(lines.average_living_line * 1.5)),
    }[target]


def _income(rng: random.Random, band: tuple[int, int], previous: int | None) -> int:
    low, high = band
    if previous is not None:
        grown = _round_to(previous * rng.uniform(0.98, 1.12))
        if low <= grown <= high:
            return grown
    return rng.randint(low // 10_000, high // 10_000) * 10_000


def _survey_deprivations(
    rng: random.Random, target: str, roster_count: int, base: list[str], has_phone: bool
) -> list[str]:
    """Pick the officer-recorded indicators so that the total fits the target category."""
    if target == N2:
        count = max(3 - roster_count, 0) + _weighted(rng, [(0, 4), (1, 3), (2, 2)])
    elif target == NEAR_POOR:
        room = 2 - roster_count
        count = _weighted(rng, [(c, w) for c, w in ((0, 3), (1, 4), (2, 3)) if c <= room])
    elif target == N1:
        count = _weighted(rng, [(0, 2), (1, 3), (2, 3), (3, 2), (4, 1)])
    else:
        count = _weighted(rng, [(0, 5), (1, 3), (2, 1)])
    # Telecom deprivation only where no phone number was recorded.
    pool = [k for k in SURVEY_INDICATOR_WEIGHTS if not has_phone or k != "telecom"]
    chosen = [k for k in base if k in pool][:count]
    while len(chosen) < min(count, len(pool)):
        options = [(k, SURVEY_INDICATOR_WEIGHTS[k]) for k in pool if k not in chosen]
        chosen.append(_weighted(rng, options))
    return chosen


def _causes_and_needs(
    rng: random.Random, planned: PlannedHousehold, deprivations: Sequence[str], persuasion: bool
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    members = planned.members
    candidates: list[str] = []
    if not has_working_age_labour(members):
        candidates.append("lack-labour")
    if any(m.work_ability == Member.WorkAbility.UNABLE and m.age < 60 for m in members):
        candidates.append("illness")
    if sum(1 for m in members if m.age < 16 or m.age >= 60) >= 3:
        candidates.append("dependants")
    if persuasion:
        candidates.append(rng.choice(["unwilling", "social-vice"]))
    if planned.ward.kind == Ward.Kind.COMMUNE:
        candidates += ["lack-land", "lack-capital"]
    elif planned.ward.code in COASTAL_WARDS:
        candidates += ["lack-means", "disaster", "lack-capital"]
    candidates += ["lack-capital", "lack-skills", "no-job"]
    unique = list(dict.fromkeys(candidates))
    causes = unique[: rng.randint(1, 3)] if rng.random() < 0.7 else rng.sample(unique, 2)
    needs = [n for c in causes for n in CAUSE_NEEDS.get(c, [])]
    needs += [INDICATOR_NEEDS[k] for k in deprivations if k in INDICATOR_NEEDS]
    needs = list(dict.fromkeys(needs)) or ["other"]
    return tuple(causes), tuple(needs[: rng.randint(1, 3)])


def _situation_notes(planned: PlannedHousehold, target: str, survey: Sequence[str]) -> list[str]:
    """Notes an officer might add to an unchanged poor or near-poor household."""
    if target not in (*POOR_TARGETS, NEAR_POOR):
        return []
    members = planned.members
    notes = []
    if len(members) == 1 and members[0].age >= 60:
        notes.append("Chủ hộ già yếu, sống một mình.")
    if sum(1 for m in members if m.age < 16) >= 3:
        notes.append("Đông con, con còn nhỏ.")
    if "housing_quality" in survey:
        notes.append("Nhà ở tạm bợ, cần hỗ trợ sửa chữa.")
    if target in POOR_TARGETS and has_working_age_labour(members):
        notes.append("Đã được vay vốn, đang sản xuất.")
    return notes


def _plan_assessments(
    rng: random.Random,
    planned: PlannedHousehold,
    trajectory: tuple[str | None, str | None],
    standard: PovertyStandard,
) -> None:
    rounds = [
        (year, target) for year, target in zip(ROUND_YEARS, trajectory, strict=True) if target
    ]
    # A near-poor household cannot have three roster deprivations: give the cards it lacks.
    for year, target in rounds:
        day = datetime.date(year, 9, 1)
        if target == NEAR_POOR and len(_roster_deprivations(planned.members, day)) > 2:
            _insure_everyone(rng, planned.members)
    movement = _movement_kind(trajectory)
    base = _survey_deprivations(rng, trajectory[0] or N1, 0, [], bool(planned.phone))
    previous_income: int | None = None
    for year, target in rounds:
        day = datetime.date(year, 9, 1)
        roster = _roster_deprivations(planned.members, day)
        survey = _survey_deprivations(rng, target, len(roster), base, bool(planned.phone))
        income = _income(rng, _income_band(target, standard, planned.ward), previous_income)
        previous_income = income
        result = classify(
            area=planned.ward.area.value,
            income_per_capita=income,
            deprivations=sorted({*roster, *survey}),
            standard=standard,
        )
        reached = (result.status.value, result.poor_group.value if result.poor_group else "")
        if reached != EXPECTED[target]:
            raise RuntimeError(f"{planned.code} {year}: aimed at {target}, engine gave {reached}")

        assessment = PlannedAssessment(
            year=year, target=target, income=income, deprivations=tuple(survey)
        )
        if target in POOR_TARGETS or target == NEAR_POOR:
            persuasion = False
            if target in POOR_TARGETS:
                if not has_working_age_labour(planned.members):
                    household_type = Assessment.HouseholdType.SOCIAL_ASSISTANCE
                else:
                    persuasion = rng.random() < 0.08
                    household_type = (
                        Assessment.HouseholdType.NEEDS_PERSUASION
                        if persuasion
                        else Assessment.HouseholdType.LACKS_MEANS
                    )
                assessment.household_type = household_type
                assessment.expected_to_escape = year == 2017 and rng.random() < 0.2
            all_deprivations = sorted({*roster, *survey})
            assessment.causes, assessment.needs = _causes_and_needs(
                rng, planned, all_deprivations, persuasion
            )
        changed = year == ROUND_YEARS[-1] and movement != "stay"
        if changed:
            notes = NOTES[{"escape_to_average": "escape"}.get(movement, movement)]
        else:
            notes = _situation_notes(planned, target, survey)
        if notes and rng.random() < (0.6 if changed else 0.15):
            assessment.notes = rng.choice(notes)
        planned.assessments.append(assessment)
        base = survey
