"""Phiếu A and the Phiếu B1 tables of the 2016–2020 standard as data (issue 12, item 2).

Every figure is UNCONFIRMED (REFERENCE.md §3.3–3.4): the annexes of Circular 17/2016/TT-BLĐTBXH
could not be read. Phan Thiết's communes use the rural table of the North Central & Central
Coast region (PL3b.3, NT3), its wards the urban table (PL3b.0). Only part of the B1 items is
known (household size, dependants, highest degree, non-farm job, pensioners), so both tables
are stored `complete=False`: the score is an estimate until the housing, utilities, asset and
land items are added by a later data migration. The "none" answers (0 points) of the job and
pension items are implied by the table, which scores only what a household has.

No table is stored for 2022 on: the 140 (rural) / 175 (urban) points said to equate to the
1.5 / 2.0 million lines (Circular 07/2021/TT-BLĐTBXH, UNCONFIRMED) come without an item table.
"""

from __future__ import annotations

from django.db import migrations

B1_SOURCE = (
    "UNCONFIRMED (REFERENCE.md §3.4). Thresholds: B1 ≤ 120 rural / 140 urban → income at or "
    "below the poverty line; ≤ 150 / 175 → between the lines; B2 = 10 points per deprivation "
    "(widely cited, the annex not read). Items: a partial third-party scan, 'Bảng điểm tính thu "
    "nhập hộ gia đình (mẫu số 03)', https://text.123doc.org/document/4881428-03-bang-diem-tinh-"
    "thu-nhap-hgd-mau-so-03.htm , column order read as given; the housing, utilities, asset and "
    "land items could not be aligned and are missing. Region: REFERENCE.md §3.4 (Bình Thuận in "
    "Bắc Trung Bộ và duyên hải miền Trung)."
)
A_SOURCE = (
    "UNCONFIRMED (REFERENCE.md §3.3): the criteria of Phụ lục 2a as outlined in secondary "
    "sources (salaried public employees, pensions, cars, large boats, durable houses); the exact "
    "wording, the asset-count group and their thresholds are not known. A study of the 2015 "
    "poverty census (Nguyen V. C. and Lo T. D., 'Testing Proxy Means Tests in the Field: "
    "Evidence from Vietnam', MPRA paper 80002, 2016, https://mpra.ub.uni-muenchen.de/80002/) "
    "describes that year's Questionnaire A as nine items of which three or more screen a "
    "household out; not used here, as it predates Circular 17/2016."
)

# (key, label, English label, [(option key, label, English label, rural NT3, urban)])
ITEMS = [
    (
        "household_size",
        "Số nhân khẩu của hộ",
        "Household size",
        [
            ("1", "1 người", "1 person", 70, 80),
            ("2", "2 người", "2 persons", 50, 55),
            ("3", "3 người", "3 persons", 40, 40),
            ("4", "4 người", "4 persons", 30, 25),
            ("5", "5 người", "5 persons", 15, 20),
            ("6", "6 người", "6 persons", 10, 10),
            ("7_plus", "Trên 6 người", "More than 6 persons", 0, 0),
        ],
    ),
    (
        "dependants",
        "Số người phụ thuộc (trẻ em dưới 15 tuổi, người trên 60 tuổi, người khuyết tật hoặc ốm "
        "nặng không có khả năng lao động)",
        "Dependants (children under 15, people over 60, disabled or seriously ill people unable "
        "to work)",
        [
            ("none", "Không có", "None", 15, 15),
            ("one", "1 người", "One", 10, 5),
            ("two_plus", "Từ 2 người trở lên", "Two or more", 0, 0),
        ],
    ),
    (
        "highest_degree",
        "Bằng cấp cao nhất của thành viên hộ",
        "Highest degree in the household",
        [
            ("college", "Cao đẳng trở lên", "College or higher", 15, 15),
            (
                "vocational",
                "Trung cấp nghề hoặc trung học chuyên nghiệp",
                "Vocational or secondary-professional",
                5,
                0,
            ),
            (
                "upper_secondary",
                "Trung học phổ thông trở xuống",
                "Upper-secondary or lower",
                0,
                0,
            ),
        ],
    ),
    (
        "non_farm_job",
        "Thành viên có việc làm phi nông nghiệp từ 3 tháng trở lên trong 12 tháng qua",
        "A member had a non-farm job for 3 months or more in the past 12",
        [
            ("none", "Không có", "None", 0, 0),
            ("other", "Việc làm phi nông nghiệp khác", "Other non-farm job", 20, 5),
            (
                "public",
                "Công chức, viên chức hoặc làm việc trong doanh nghiệp nhà nước",
                "Civil servant or state-owned enterprise employee",
                25,
                10,
            ),
        ],
    ),
    (
        "pensioners",
        "Số thành viên hưởng lương hưu",
        "Members receiving a pension",
        [
            ("none", "Không có", "None", 0, 0),
            ("one", "1 người", "One", 25, 5),
            ("two_plus", "Từ 2 người trở lên", "Two or more", 45, 15),
        ],
    ),
]

CARDS = [
    # (area, region, name, English name, poor max, near-poor max, column)
    (
        "rural",
        "PL3b.3 NT3",
        "Phiếu B1 khu vực nông thôn vùng Bắc Trung Bộ và duyên hải miền Trung (NT3)",
        "Phiếu B1, rural North Central & Central Coast (NT3)",
        120,
        150,
        3,
    ),
    ("urban", "PL3b.0", "Phiếu B1 khu vực thành thị", "Phiếu B1, urban", 140, 175, 4),
]

CRITERIA = [
    (
        "public_salary",
        "Có thành viên là cán bộ, công chức, viên chức hưởng lương thường xuyên",
        "A member is a salaried public employee",
    ),
    ("pension", "Có thành viên hưởng lương hưu", "A member receives a pension"),
    ("car", "Hộ có ô tô", "The household owns a car"),
    ("large_boat", "Hộ có tàu, thuyền lớn", "The household owns a large boat"),
    ("durable_house", "Hộ có nhà ở kiên cố", "The household lives in a durable house"),
]


def add_tables(apps, schema_editor):  # type: ignore[no-untyped-def]
    Standard = apps.get_model("households", "Standard")
    ScoreCard = apps.get_model("households", "ScoreCard")
    ScoreItem = apps.get_model("households", "ScoreItem")
    ScoreOption = apps.get_model("households", "ScoreOption")
    ScreeningCriterion = apps.get_model("households", "ScreeningCriterion")
    standard = Standard.objects.filter(code="2016-2020").first()
    if standard is None:
        return
    for area, region, name, name_en, poor_max, near_poor_max, column in CARDS:
        card = ScoreCard.objects.create(
            standard=standard,
            area=area,
            region=region,
            name=name,
            name_en=name_en,
            poor_max_score=poor_max,
            near_poor_max_score=near_poor_max,
            deprivation_points=10,
            complete=False,
            source_note=B1_SOURCE,
        )
        for order, (key, label, label_en, options) in enumerate(ITEMS, start=1):
            item = ScoreItem.objects.create(
                card=card, key=key, label=label, label_en=label_en, order=order
            )
            ScoreOption.objects.bulk_create(
                ScoreOption(
                    item=item,
                    key=option[0],
                    label=option[1],
                    label_en=option[2],
                    points=option[column],
                    order=index,
                )
                for index, option in enumerate(options, start=1)
            )
    ScreeningCriterion.objects.bulk_create(
        ScreeningCriterion(
            standard=standard,
            key=key,
            label=label,
            label_en=label_en,
            order=order,
            source_note=A_SOURCE,
        )
        for order, (key, label, label_en) in enumerate(CRITERIA, start=1)
    )


def remove_tables(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Plain deletes, children first: the ORM's cascade on these historical models trips over
    # the model classes of the migration state ("Must be ScoreCard instance").
    standard = "SELECT id FROM households_standard WHERE code = %s"
    cards = f"SELECT id FROM households_scorecard WHERE standard_id IN ({standard})"
    items = f"SELECT id FROM households_scoreitem WHERE card_id IN ({cards})"
    for sql in (
        f"DELETE FROM households_scoreoption WHERE item_id IN ({items})",
        f"DELETE FROM households_scoreitem WHERE card_id IN ({cards})",
        f"DELETE FROM households_scorecard WHERE standard_id IN ({standard})",
        f"DELETE FROM households_screeningcriterion WHERE standard_id IN ({standard})",
    ):
        schema_editor.execute(sql, ["2016-2020"])


class Migration(migrations.Migration):
    dependencies = [("households", "0016_phieu_a_b_tables")]

    operations = [migrations.RunPython(add_tables, remove_tables)]
