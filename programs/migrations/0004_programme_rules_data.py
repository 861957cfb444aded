"""Each programme's rule as a dated row, and the rules of issue 9 corrected (REFERENCE.md §4, §7).

1. Copy: every programme gets one rule valid from 01/01/2016 (the first day of the 2016–2020
   poverty standard, Decision 59/2015/QĐ-TTg, which the catalogue was entered for) with the
   statuses, ages, pupils-only flag and usual amount it has now — whatever the city edited
   since the reference data was loaded.
2. Corrections. They are written INTO those 2016 rules, not as new rules from a later date,
   because none of them is a change of policy: each decision below was in force before 2016
   and throughout 2016–2017, and the catalogue simply misread it. A delivery of 2016 or 2017
   must be judged by what the law said then, which is the corrected rule. Each corrected rule's
   note names its source and what the catalogue said before; a later *change* of policy is a
   new rule (`programs.services.programme_rule_add`).
   - Housing (Decision 33/2015/QĐ-TTg, 10/8/2015): rural poor households only (`ho-tro-nha-o`,
     and its 25 million đồng loan `vay-nha-o`).
   - Clean water and sanitation loans (Decision 62/2004/QĐ-TTg, amended by Decision
     18/2014/QĐ-TTg): any household of a rural commune, poor or not.
   - Near-poor pupils: a new programme, the 50% tuition reduction of Decree 86/2015/NĐ-CP
     (UNCONFIRMED in REFERENCE.md), beside the poor's exemption.
   - Monthly social allowances and emergency relief (Decree 136/2013/NĐ-CP): any household.
   - Electricity (Decision 28/2014/QĐ-TTg): poor households and social-policy households.
   - "Newly escaped" credit (Decision 28/2015/QĐ-TTg): already "escaped" only; its note says
     that this now means `households.standing`'s escaped (left the poor or near-poor list within
     three years), nothing else.
3. The programme's own fields mirror the corrected rule.

Reverse: the rules and the new programme are deleted and the corrected programmes get back the
fields of 0002_reference_data.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import migrations

START = datetime.date(2016, 1, 1)
POOR, NEAR_POOR, ESCAPED = "poor", "near_poor", "escaped"

CORRECTIONS: dict[str, dict[str, Any]] = {
    "ho-tro-nha-o": {
        "eligible_statuses": [POOR],
        "area": "rural",
        "legal_basis": "Quyết định 33/2015/QĐ-TTg; Kế hoạch 221/KH-UBND mục IV.3",
        "note": (
            "Quyết định 33/2015/QĐ-TTg (10/8/2015) hỗ trợ nhà ở cho hộ nghèo ở khu vực nông "
            "thôn có tên trong danh sách hộ nghèo theo chuẩn 2011–2015. Danh sách 2011–2015 "
            "không có trong hệ thống: quy tắc chỉ kiểm tra hộ nghèo của xã (nông thôn) theo "
            "danh sách đang có hiệu lực; đối chiếu danh sách 2011–2015 bằng tay trước khi hỗ "
            "trợ. Trước đây danh mục ghi nhầm: hộ nghèo và hộ cận nghèo, mọi khu vực. Nguồn: "
            "https://vanbanphapluat.co/decision-no-33-2015-qd-ttg-assistance-policy-for-housing"
            "-to-poor-households-2011-2015 (REFERENCE.md §4, §7)."
        ),
    },
    "vay-nha-o": {
        "eligible_statuses": [POOR],
        "area": "rural",
        "legal_basis": "Quyết định 33/2015/QĐ-TTg",
        "note": (
            "Khoản vay 25.000.000 đ, lãi suất 3%/năm, 15 năm của Quyết định 33/2015/QĐ-TTg: chỉ "
            "hộ nghèo ở khu vực nông thôn có tên trong danh sách hộ nghèo 2011–2015 (danh sách "
            "này không có trong hệ thống: đối chiếu bằng tay). Trước đây danh mục ghi: mọi hộ "
            "nghèo, kể cả thành thị. Nguồn: https://vanbanphapluat.co/decision-no-33-2015-qd-"
            "ttg-assistance-policy-for-housing-to-poor-households-2011-2015 (REFERENCE.md §4)."
        ),
    },
    "vay-nuoc-sach": {
        "any_household": True,
        "eligible_statuses": [],
        "area": "rural",
        "legal_basis": "Quyết định 62/2004/QĐ-TTg; Quyết định 18/2014/QĐ-TTg",
        "note": (
            "Tín dụng nước sạch và vệ sinh môi trường nông thôn: hộ gia đình cư trú tại khu vực "
            "nông thôn, không phụ thuộc hộ nghèo hay cận nghèo. Trước đây danh mục ghi: hộ nghèo "
            "và hộ cận nghèo, mọi khu vực (REFERENCE.md §7)."
        ),
    },
    "tro-cap-xa-hoi": {
        "any_household": True,
        "eligible_statuses": [],
        "legal_basis": "Nghị định 136/2013/NĐ-CP",
        "note": (
            "Trợ cấp xã hội hằng tháng cho đối tượng bảo trợ xã hội (người cao tuổi, người "
            "khuyết tật, trẻ em mồ côi…): không gắn với việc hộ nghèo hay cận nghèo (một số "
            "nhóm, như người cao tuổi thuộc hộ nghèo không có người phụng dưỡng, do Nghị định "
            "quy định riêng và được xét theo hồ sơ). Trước đây danh mục ghi: hộ nghèo và hộ cận "
            "nghèo (REFERENCE.md §7)."
        ),
    },
    "cuu-tro-dot-xuat": {
        "any_household": True,
        "eligible_statuses": [],
        "legal_basis": "Nghị định 136/2013/NĐ-CP (trợ giúp đột xuất)",
        "note": (
            "Trợ giúp đột xuất khi thiên tai, hoả hoạn, rủi ro: mọi hộ bị thiệt hại, không phụ "
            "thuộc hộ nghèo. Trước đây danh mục ghi: hộ nghèo, cận nghèo, mới thoát nghèo "
            "(REFERENCE.md §7)."
        ),
    },
    "ho-tro-tien-dien": {
        "eligible_statuses": [POOR],
        "also_social_protection": True,
        "legal_basis": "Quyết định 28/2014/QĐ-TTg",
        "note": (
            "Hộ nghèo và hộ chính sách xã hội (hộ có người hưởng trợ cấp xã hội hằng tháng); "
            "điều kiện lượng điện tiêu thụ không quá 50 kWh/tháng của hộ chính sách xã hội "
            "không có trong hệ thống: đối chiếu bằng tay. Trước đây danh mục ghi: chỉ hộ nghèo. "
            "Nguồn: http://cand.com.vn/doi-song/Ho-ngheo-duoc-ho-tro-tien-dien-theo-quy-336152/ "
            "(REFERENCE.md §4)."
        ),
    },
    "vay-ho-moi-thoat-ngheo": {
        "eligible_statuses": [ESCAPED],
        "legal_basis": "Quyết định 28/2015/QĐ-TTg",
        "note": (
            "Hộ mới thoát nghèo: ra khỏi danh sách hộ nghèo, hộ cận nghèo (được công nhận) trong "
            "3 năm gần đây và nay trên chuẩn cận nghèo (households.standing.ESCAPED_YEARS); hộ "
            "nghèo chuyển thành cận nghèo vay theo chương trình hộ cận nghèo. Nguồn: "
            "https://english.luatvietnam.vn/decision-no-28-2015-qd-ttg-dated-july-21-2015-of-the"
            "-prime-minister-on-credit-policy-for-households-escaping-poverty-96536-doc1.html"
        ),
    },
}

# As 0002_reference_data loaded them: what the reverse step puts back.
ORIGINAL: dict[str, dict[str, Any]] = {
    "ho-tro-nha-o": {"eligible_statuses": [POOR, NEAR_POOR]},
    "vay-nha-o": {"eligible_statuses": [POOR]},
    "vay-nuoc-sach": {"eligible_statuses": [POOR, NEAR_POOR]},
    "tro-cap-xa-hoi": {"eligible_statuses": [POOR, NEAR_POOR]},
    "cuu-tro-dot-xuat": {"eligible_statuses": [POOR, NEAR_POOR, ESCAPED]},
    "ho-tro-tien-dien": {"eligible_statuses": [POOR]},
    "vay-ho-moi-thoat-ngheo": {"eligible_statuses": [ESCAPED]},
}

NEAR_POOR_TUITION = {
    "code": "giam-hoc-phi",
    "name": "Giảm 50% học phí cho học sinh thuộc hộ cận nghèo",
    "name_en": "50% tuition reduction (near-poor households)",
    "agency": "gd-dt",
    "legal_basis": "Nghị định 86/2015/NĐ-CP; Thông tư liên tịch 09/2016/TTLT",
    "description": (
        "Trẻ em mầm non và học sinh có cha mẹ thuộc hộ cận nghèo được giảm 50% học phí "
        "(CHƯA XÁC NHẬN). Học sinh khuyết tật thuộc hộ cận nghèo được miễn học phí: ghi nhận "
        "“Miễn học phí” với lý do."
    ),
    "level": "member",
    "eligible_statuses": [NEAR_POOR],
    "pupils_only": True,
    "unit": "item",
}
NEAR_POOR_TUITION_NOTE = (
    "CHƯA XÁC NHẬN (REFERENCE.md §4, §6): mức giảm 50% học phí cho học sinh thuộc hộ cận nghèo "
    "theo Nghị định 86/2015/NĐ-CP được nhiều nguồn nhắc lại nhưng chưa đọc được văn bản gốc. "
    "Nguồn: https://lawnet.vn/thong-tin-phap-luat/en/thong-bao-van-ban-moi/hanoi-vietnam-new-"
    "regulations-on-persons-eligible-for-tuition-exemption-160042.html"
)

RULE_FIELDS = ("eligible_statuses", "min_age", "max_age", "pupils_only")


def forward(apps: Any, schema_editor: Any) -> None:
    Agency = apps.get_model("programs", "Agency")
    Programme = apps.get_model("programs", "Programme")
    ProgrammeRule = apps.get_model("programs", "ProgrammeRule")
    agency = Agency.objects.filter(code=NEAR_POOR_TUITION["agency"]).first()
    if agency is not None and not Programme.objects.filter(code="giam-hoc-phi").exists():
        exemption = Programme.objects.filter(code="mien-hoc-phi").first()
        Programme.objects.create(
            **{**NEAR_POOR_TUITION, "agency": agency},
            display_order=exemption.display_order if exemption else 0,
        )
    for programme in Programme.objects.all():
        if ProgrammeRule.objects.filter(programme=programme).exists():
            continue
        values: dict[str, Any] = {field: getattr(programme, field) for field in RULE_FIELDS}
        values.update(
            amount=programme.default_amount,
            legal_basis=programme.legal_basis or "—",
            note="Theo danh mục chương trình năm 2017 (Kế hoạch 221/KH-UBND).",
        )
        if programme.code == "giam-hoc-phi":
            values["note"] = NEAR_POOR_TUITION_NOTE
        values.update(CORRECTIONS.get(programme.code, {}))
        ProgrammeRule.objects.create(programme=programme, valid_from=START, **values)
        programme.eligible_statuses = values["eligible_statuses"]
        programme.save(update_fields=["eligible_statuses"])


def backward(apps: Any, schema_editor: Any) -> None:
    Programme = apps.get_model("programs", "Programme")
    ProgrammeRule = apps.get_model("programs", "ProgrammeRule")
    _delete(schema_editor, ProgrammeRule.objects.all())
    _delete(schema_editor, Programme.objects.filter(code="giam-hoc-phi"))
    for code, fields in ORIGINAL.items():
        Programme.objects.filter(code=code).update(**fields)


def _delete(schema_editor: Any, queryset: Any) -> None:
    """Delete the rows with one DELETE, without Django's deletion collector.

    In a backwards run Django hands RunPython historical models whose relations to other apps'
    models can be stale, and the collector then fails ("Cannot query "Agency object (9)": Must
    be "Agency" instance."). A row still in use (by a household, an assessment, a benefit, a
    user) makes the database refuse the reverse step: reference data in use are never dropped
    silently.
    """
    model = queryset.model
    pks = list(queryset.values_list("pk", flat=True))
    if not pks:
        return
    quote = schema_editor.quote_name
    placeholders = ", ".join(["%s"] * len(pks))
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(model._meta.db_table)} "
            f"WHERE {quote(model._meta.pk.column)} IN ({placeholders})",
            pks,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0003_programme_rules"),
    ]

    operations = [migrations.RunPython(forward, backward)]
