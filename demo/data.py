"""Constant data for the demo set: targets and movements, places, names, jobs and notes.

The streets are real Phan Thiết streets; every person made from these lists is invented.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable

from django.contrib.auth.hashers import make_password

from households.classification import Status
from households.ethnicities import Ethnicity

DEMO_PASSWORD = "giamngheo-demo"


def password_hash() -> Callable[[], str]:
    """The hash of DEMO_PASSWORD for a seeding's users, one for all: made when the first user
    is created, then reused (the password is public, and PBKDF2 is deliberately slow: about a
    second a hash on a busy machine)."""
    return functools.cache(lambda: make_password(DEMO_PASSWORD))


STANDARD_CODE = "2016-2020"
ROUND_YEARS = (2016, 2017)
# The later periodic reviews, in the units of the 2025 merger (demo.later).
LATER_YEARS = (2025, 2026)
# Ages, labour and household composition are fixed as of the 2017 reference date, so the data
# never depends on the day the command runs.
ROSTER_DATE = datetime.date(2017, 9, 1)
MIN_FOR_EVERY_MOVEMENT = 20

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

# --- The later years (demo.later) -----------------------------------------------
# Indicators the officer records under the 2022 standard (health insurance and schooling are
# derived from the roster; dependants from the roster by the demo); weight = how often.
LATER_SURVEY_WEIGHTS: dict[str, int] = {
    "sanitation": 7,
    "employment": 6,
    "housing_quality": 6,
    "housing_area": 4,
    "adult_education": 4,
    "water_source": 3,
    "nutrition": 3,
    "information_assets": 1,
    "telecom": 1,
}
LATER_ESCAPE_NOTES = [
    "Thoát nghèo nhờ vay vốn Ngân hàng Chính sách xã hội mở rộng buôn bán.",
    "Con đi làm ở khu công nghiệp, gửi tiền về đều đặn.",
    "Được hỗ trợ sinh kế theo Chương trình mục tiêu quốc gia giảm nghèo bền vững.",
]
LATER_FALL_NOTES = [
    "Chủ hộ tai nạn lao động, mất sức lao động.",
    "Thu nhập giảm do tàu cá hư hỏng, không đi biển được.",
]
LATER_NEW_NOTES = [
    "Hộ nghèo phát sinh: có người bệnh nặng, chi phí điều trị lớn.",
    "Hộ nghèo phát sinh do mất việc làm, đông người phụ thuộc.",
]
