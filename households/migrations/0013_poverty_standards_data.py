"""The national poverty standards as data (issue 12): 2016–2020, 2022–2025, 2026, 2027–2030.

2016–2020 is exactly the standard the engine knew in code (Decision 59/2015/QĐ-TTg, REFERENCE.md
§1.2–1.4), texts in the Vietnamese the catalogue gave them.

Everything after 2020 is UNCONFIRMED (REFERENCE.md §7, added 2026-12): read in secondary sources
(news and legal-summary sites) only, never in the primary text. Each of those standards says so
in `source_note` and has `figures_confirmed` False; correct a figure with a new data migration.
"""

from __future__ import annotations

import datetime

from django.db import migrations

UNCONFIRMED_2022 = (
    "UNCONFIRMED (REFERENCE.md §7): read in secondary sources (news and legal-summary sites), "
    "not in the primary text. Decree 07/2021/NĐ-CP (review procedure: Circular "
    "07/2021/TT-BLĐTBXH): income lines 1,500,000 đ rural / 2,000,000 đ urban per person per "
    "month; poor = income at or below the line and at least 3 of 12 indicators in 6 "
    "dimensions; near-poor = income at or below the line and fewer than 3; households above "
    "the line are neither (no income-only poor, so no N1/N2). No average-living line is given "
    "there: households above the line are 'not poor'. Indicator wording and thresholds are "
    "paraphrased, to be checked against the decree's appendix."
)
UNCONFIRMED_2026 = (
    "UNCONFIRMED (REFERENCE.md §7): read in secondary sources, not in the primary text. "
    "Decree 351/2025/NĐ-CP: 2026 keeps the 2022–2025 standard (lines, rule and the 12 "
    "indicators of Decree 07/2021/NĐ-CP)."
)
UNCONFIRMED_2027 = (
    "UNCONFIRMED (REFERENCE.md §7): read in secondary sources, not in the primary text. "
    "Decree 351/2025/NĐ-CP: 2027–2030 income lines 2,200,000 đ rural / 2,800,000 đ urban per "
    "person per month, same rule (income at or below the line and at least 3 deprivations). "
    "Indicators: to be read from the decree; the 2022–2025 set is kept until then."
)

DIMENSIONS_2016 = [
    ("health", "Y tế", "Health"),
    ("education", "Giáo dục", "Education"),
    ("housing", "Nhà ở", "Housing"),
    ("water_sanitation", "Nước sạch và vệ sinh", "Clean water and sanitation"),
    ("information", "Tiếp cận thông tin", "Access to information"),
]

# (key, dimension, label, English label, threshold, English threshold, roster rule)
INDICATORS_2016 = [
    (
        "health_access",
        "health",
        "Tiếp cận dịch vụ y tế",
        "Access to health services",
        "Có thành viên bị ốm đau nặng (nằm một chỗ, phải có người chăm sóc, hoặc không thể đi "
        "làm, đi học) nhưng không đi khám chữa bệnh.",
        "A member was seriously ill (bed-bound, needing care, or unable to work or study) and "
        "did not get medical treatment.",
        "",
    ),
    (
        "health_insurance",
        "health",
        "Bảo hiểm y tế",
        "Health insurance",
        "Có ít nhất một thành viên từ 6 tuổi trở lên hiện không có thẻ bảo hiểm y tế.",
        "At least one member aged 6 or over has no health-insurance card.",
        "insurance_6_plus",
    ),
    (
        "adult_education",
        "education",
        "Trình độ giáo dục của người lớn",
        "Adult education level",
        "Có ít nhất một thành viên từ 15 tuổi trở lên, sinh từ năm 1986 trở lại đây, chưa tốt "
        "nghiệp trung học cơ sở và hiện không đi học.",
        "At least one member aged 15 or over, born in 1986 or later, has not finished "
        "lower-secondary school and is not in school.",
        "adult_education_born_1986",
    ),
    (
        "child_school_attendance",
        "education",
        "Tình trạng đi học của trẻ em",
        "School attendance of children",
        "Có ít nhất một trẻ em trong độ tuổi đi học (từ 5 đến dưới 15 tuổi) hiện không đi học.",
        "At least one child of school age (5 to under 15) is not attending school.",
        "school_5_to_14",
    ),
    (
        "housing_quality",
        "housing",
        "Chất lượng nhà ở",
        "Housing quality",
        "Hộ ở nhà không bền chắc (ít nhất 2 trong 3 kết cấu chính tường, cột, mái làm bằng vật "
        "liệu không bền chắc).",
        "The dwelling is not durable (at least 2 of wall, pillars and roof are made of "
        "non-durable material).",
        "",
    ),
    (
        "housing_area",
        "housing",
        "Diện tích nhà ở bình quân đầu người",
        "Housing area per person",
        "Diện tích nhà ở bình quân đầu người dưới 8 m².",
        "Floor area per person is below 8 m².",
        "",
    ),
    (
        "water_source",
        "water_sanitation",
        "Nguồn nước sinh hoạt",
        "Domestic water source",
        "Hộ không được tiếp cận nguồn nước hợp vệ sinh.",
        "The household has no access to a hygienic water source.",
        "",
    ),
    (
        "sanitation",
        "water_sanitation",
        "Hố xí/nhà tiêu hợp vệ sinh",
        "Hygienic latrine",
        "Hộ không sử dụng hố xí/nhà tiêu hợp vệ sinh.",
        "The household does not use a hygienic latrine.",
        "",
    ),
    (
        "telecom",
        "information",
        "Sử dụng dịch vụ viễn thông",
        "Use of telecommunication services",
        "Không có thành viên nào sử dụng thuê bao điện thoại hoặc internet.",
        "No member uses a phone subscription or the internet.",
        "",
    ),
    (
        "information_assets",
        "information",
        "Tài sản phục vụ tiếp cận thông tin",
        "Assets for access to information",
        "Hộ không có tivi, radio, máy tính và không nghe được hệ thống loa đài truyền thanh "
        "xã/thôn.",
        "The household has no TV, radio or computer and cannot hear the commune or village "
        "loudspeaker system.",
        "",
    ),
]

# Decree 07/2021/NĐ-CP: six services, twelve indicators (UNCONFIRMED wording, see above).
DIMENSIONS_2022 = [
    ("employment", "Việc làm", "Employment"),
    ("health", "Y tế", "Health"),
    ("education", "Giáo dục", "Education"),
    ("housing", "Nhà ở", "Housing"),
    ("water_sanitation", "Nước sinh hoạt và vệ sinh", "Domestic water and sanitation"),
    ("information", "Thông tin", "Information"),
]

INDICATORS_2022 = [
    (
        "employment",
        "employment",
        "Việc làm",
        "Employment",
        "Hộ có ít nhất một người trong độ tuổi lao động không có việc làm, hoặc làm công ăn "
        "lương mà không có hợp đồng lao động.",
        "At least one member of working age has no job, or works for a wage without a labour "
        "contract.",
        "",
    ),
    (
        "dependants",
        "employment",
        "Người phụ thuộc trong hộ gia đình",
        "Dependants in the household",
        "Người phụ thuộc chiếm trên 50% số nhân khẩu của hộ.",
        "More than half of the household's members are dependants.",
        "",
    ),
    (
        "nutrition",
        "health",
        "Dinh dưỡng",
        "Nutrition",
        "Hộ có ít nhất một trẻ em dưới 16 tuổi bị suy dinh dưỡng (chiều cao hoặc cân nặng "
        "theo tuổi).",
        "At least one child under 16 is undernourished (height or weight for age).",
        "",
    ),
    (
        "health_insurance",
        "health",
        "Bảo hiểm y tế",
        "Health insurance",
        "Hộ có ít nhất một người từ 6 tuổi trở lên hiện không có thẻ bảo hiểm y tế.",
        "At least one member aged 6 or over has no health-insurance card.",
        "insurance_6_plus",
    ),
    (
        "adult_education",
        "education",
        "Trình độ giáo dục của người lớn",
        "Adult education level",
        "Hộ có ít nhất một người từ 16 đến 30 tuổi không tham gia khóa đào tạo nào và không "
        "có bằng cấp, chứng chỉ giáo dục đào tạo phù hợp với độ tuổi.",
        "At least one member aged 16 to 30 is in no training and has no diploma or "
        "certificate for their age.",
        "",
    ),
    (
        "child_school_attendance",
        "education",
        "Tình trạng đi học của trẻ em",
        "School attendance of children",
        "Hộ có ít nhất một trẻ em từ 3 đến dưới 16 tuổi không đi học (theo danh sách thành "
        "viên; học không đúng bậc, cấp học so với độ tuổi chưa được xét).",
        "At least one child aged 3 to under 16 is not attending school (from the member list; "
        "a child in the wrong grade for its age is not yet counted).",
        "school_3_to_15",
    ),
    (
        "housing_quality",
        "housing",
        "Chất lượng nhà ở",
        "Housing quality",
        "Hộ đang ở nhà thiếu kiên cố hoặc nhà đơn sơ.",
        "The household lives in a non-durable or makeshift dwelling.",
        "",
    ),
    (
        "housing_area",
        "housing",
        "Diện tích nhà ở bình quân đầu người",
        "Housing area per person",
        "Diện tích nhà ở bình quân đầu người dưới 8 m².",
        "Floor area per person is below 8 m².",
        "",
    ),
    (
        "water_source",
        "water_sanitation",
        "Nguồn nước sinh hoạt",
        "Domestic water source",
        "Hộ không được tiếp cận nguồn nước sinh hoạt an toàn.",
        "The household has no access to a safe domestic water source.",
        "",
    ),
    (
        "sanitation",
        "water_sanitation",
        "Nhà tiêu hợp vệ sinh",
        "Hygienic latrine",
        "Hộ không sử dụng nhà tiêu hợp vệ sinh.",
        "The household does not use a hygienic latrine.",
        "",
    ),
    (
        "telecom",
        "information",
        "Sử dụng dịch vụ viễn thông",
        "Use of telecommunication services",
        "Không có thành viên nào của hộ sử dụng dịch vụ internet.",
        "No member of the household uses an internet service.",
        "",
    ),
    (
        "information_assets",
        "information",
        "Phương tiện phục vụ tiếp cận thông tin",
        "Means of access to information",
        "Hộ không có phương tiện nào phục vụ tiếp cận thông tin (tivi, radio, máy tính, điện "
        "thoại thông minh…).",
        "The household has none of the means of access to information (TV, radio, computer, "
        "smartphone …).",
        "",
    ),
]

STANDARDS = [
    {
        "code": "2016-2020",
        "name": "Chuẩn nghèo tiếp cận đa chiều giai đoạn 2016–2020",
        "name_en": "Multidimensional poverty standard 2016–2020",
        "legal_basis": "Điều 2 Quyết định số 59/2015/QĐ-TTg ngày 19/11/2015",
        "legal_basis_en": "Decision 59/2015/QĐ-TTg of 19/11/2015, Article 2",
        # Applies from 01/01/2016; Decree 07/2021/NĐ-CP kept it for 2021 (REFERENCE.md §1.1).
        "valid_from": datetime.date(2016, 1, 1),
        "valid_to": datetime.date(2021, 12, 31),
        "rule": "income_or_deprivations",
        "min_deprivations": 3,
        "figures_confirmed": True,
        "source_note": (
            "Decision 59/2015/QĐ-TTg Art. 1–2 (REFERENCE.md §1.2–1.5). UNCONFIRMED: the "
            "average-living line's boundary (§1.3) and the indicators' deprivation thresholds, "
            "the widely cited wording of the Decision 1614/2015 annex (§1.4)."
        ),
        # (area, poverty line, near-poverty line, average-living line), đồng/person/month.
        "lines": [
            ("urban", 900_000, 1_300_000, 1_950_000),
            ("rural", 700_000, 1_000_000, 1_500_000),
        ],
        "dimensions": DIMENSIONS_2016,
        "indicators": INDICATORS_2016,
    },
    {
        "code": "2022-2025",
        "name": "Chuẩn nghèo đa chiều giai đoạn 2022–2025",
        "name_en": "Multidimensional poverty standard 2022–2025",
        "legal_basis": "Nghị định số 07/2021/NĐ-CP ngày 27/01/2021",
        "legal_basis_en": "Decree 07/2021/NĐ-CP of 27/01/2021",
        "valid_from": datetime.date(2022, 1, 1),
        "valid_to": datetime.date(2025, 12, 31),
        "rule": "income_and_deprivations",
        "min_deprivations": 3,
        "figures_confirmed": False,
        "source_note": UNCONFIRMED_2022,
        "lines": [("urban", 2_000_000, None, None), ("rural", 1_500_000, None, None)],
        "dimensions": DIMENSIONS_2022,
        "indicators": INDICATORS_2022,
    },
    {
        "code": "2026",
        "name": "Chuẩn nghèo đa chiều năm 2026 (giữ chuẩn 2022–2025)",
        "name_en": "Multidimensional poverty standard for 2026 (the 2022–2025 standard kept)",
        "legal_basis": "Nghị định số 351/2025/NĐ-CP",
        "legal_basis_en": "Decree 351/2025/NĐ-CP",
        "valid_from": datetime.date(2026, 1, 1),
        "valid_to": datetime.date(2026, 12, 31),
        "rule": "income_and_deprivations",
        "min_deprivations": 3,
        "figures_confirmed": False,
        "source_note": UNCONFIRMED_2026,
        "lines": [("urban", 2_000_000, None, None), ("rural", 1_500_000, None, None)],
        "dimensions": DIMENSIONS_2022,
        "indicators": INDICATORS_2022,
    },
    {
        "code": "2027-2030",
        "name": "Chuẩn nghèo đa chiều giai đoạn 2027–2030",
        "name_en": "Multidimensional poverty standard 2027–2030",
        "legal_basis": "Nghị định số 351/2025/NĐ-CP",
        "legal_basis_en": "Decree 351/2025/NĐ-CP",
        "valid_from": datetime.date(2027, 1, 1),
        "valid_to": datetime.date(2030, 12, 31),
        "rule": "income_and_deprivations",
        "min_deprivations": 3,
        "figures_confirmed": False,
        "source_note": UNCONFIRMED_2027,
        "lines": [("urban", 2_800_000, None, None), ("rural", 2_200_000, None, None)],
        "dimensions": DIMENSIONS_2022,
        "indicators": INDICATORS_2022,
    },
]


def add_standards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Standard = apps.get_model("households", "Standard")
    StandardLine = apps.get_model("households", "StandardLine")
    StandardDimension = apps.get_model("households", "StandardDimension")
    StandardIndicator = apps.get_model("households", "StandardIndicator")
    for data in STANDARDS:
        fields = {
            k: v for k, v in data.items() if k not in ("lines", "dimensions", "indicators")
        }
        standard = Standard.objects.create(**fields)
        for area, poverty, near, average in data["lines"]:
            StandardLine.objects.create(
                standard=standard,
                area=area,
                poverty_line=poverty,
                near_poverty_line=near,
                average_living_line=average,
            )
        dimensions = {}
        for order, (key, label, label_en) in enumerate(data["dimensions"], start=1):
            dimensions[key] = StandardDimension.objects.create(
                standard=standard, key=key, label=label, label_en=label_en, order=order
            )
        for order, row in enumerate(data["indicators"], start=1):
            key, dimension, label, label_en, threshold, threshold_en, derivation = row
            StandardIndicator.objects.create(
                standard=standard,
                dimension=dimensions[dimension],
                key=key,
                label=label,
                label_en=label_en,
                threshold_text=threshold,
                threshold_text_en=threshold_en,
                derivation=derivation,
                order=order,
            )


def remove_standards(apps, schema_editor):  # type: ignore[no-untyped-def]
    # One DELETE a table, without the deletion collector (see 0002's `_delete`).
    codes = [data["code"] for data in STANDARDS]
    for name in ("StandardIndicator", "StandardDimension", "StandardLine"):
        model = apps.get_model("households", name)
        model.objects.filter(standard__code__in=codes)._raw_delete(schema_editor.connection.alias)
    standards = apps.get_model("households", "Standard").objects.filter(code__in=codes)
    standards._raw_delete(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0012_poverty_standards_and_2022_indicators"),
    ]

    operations = [migrations.RunPython(add_standards, remove_standards)]
