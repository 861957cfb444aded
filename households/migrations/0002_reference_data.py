"""Reference data every database needs: Phan Thiết city (2016–2017) and its 18 units.

Units: 14 wards (phường, urban poverty lines) and 4 communes (xã, rural lines), REFERENCE.md §5.
Quarter and hamlet names are numbered ("Khu phố 1", "Thôn 1"): each ward corrects its own list
in the admin. Causes of poverty and support needs follow REFERENCE.md §3.6 (UNCONFIRMED lists,
editable in the admin).
"""

from django.db import migrations

DISTRICT = ("phan-thiet", "Thành phố Phan Thiết", "Bình Thuận")

# (code, name, folded name, kind, number of quarters / hamlets)
UNITS = [
    ("binh-hung", "Bình Hưng", "binh hung", "ward", 5),
    ("duc-long", "Đức Long", "duc long", "ward", 6),
    ("duc-nghia", "Đức Nghĩa", "duc nghia", "ward", 4),
    ("duc-thang", "Đức Thắng", "duc thang", "ward", 5),
    ("ham-tien", "Hàm Tiến", "ham tien", "ward", 6),
    ("hung-long", "Hưng Long", "hung long", "ward", 4),
    ("lac-dao", "Lạc Đạo", "lac dao", "ward", 5),
    ("mui-ne", "Mũi Né", "mui ne", "ward", 8),
    ("phu-hai", "Phú Hài", "phu hai", "ward", 6),
    ("phu-tai", "Phú Tài", "phu tai", "ward", 5),
    ("phu-thuy", "Phú Thủy", "phu thuy", "ward", 7),
    ("phu-trinh", "Phú Trinh", "phu trinh", "ward", 6),
    ("thanh-hai", "Thanh Hải", "thanh hai", "ward", 5),
    ("xuan-an", "Xuân An", "xuan an", "ward", 6),
    ("phong-nam", "Phong Nẫm", "phong nam", "commune", 5),
    ("thien-nghiep", "Thiện Nghiệp", "thien nghiep", "commune", 4),
    ("tien-loi", "Tiến Lợi", "tien loi", "commune", 4),
    ("tien-thanh", "Tiến Thành", "tien thanh", "commune", 4),
]

# (code, Vietnamese, English)
CAUSES = [
    ("lack-capital", "Thiếu vốn sản xuất, kinh doanh", "Lack of capital"),
    ("lack-land", "Thiếu đất sản xuất", "Lack of farm land"),
    ("lack-means", "Thiếu phương tiện, công cụ sản xuất", "Lack of production means or tools"),
    ("lack-labour", "Thiếu lao động", "Lack of labour"),
    ("no-job", "Có lao động nhưng không có việc làm", "Labourers without jobs"),
    ("lack-skills", "Không biết cách làm ăn, không có tay nghề", "Lack of know-how or skills"),
    ("illness", "Có người ốm đau nặng, tai nạn", "Serious illness or accident"),
    ("dependants", "Đông người ăn theo", "Many dependants"),
    ("social-vice", "Có người mắc tệ nạn xã hội", "Member with a social vice"),
    ("unwilling", "Chây lười lao động", "Unwilling to work"),
    ("disaster", "Thiên tai, rủi ro", "Natural disaster or risk"),
    ("other", "Nguyên nhân khác", "Other"),
]
NEEDS = [
    ("credit", "Vay vốn ưu đãi", "Preferential credit"),
    ("land", "Hỗ trợ đất sản xuất", "Production land"),
    ("tools", "Hỗ trợ phương tiện sản xuất, con giống", "Production tools or livestock"),
    ("job", "Giới thiệu việc làm", "Job placement"),
    ("vocational", "Học nghề", "Vocational training"),
    ("guidance", "Hướng dẫn cách làm ăn, khuyến nông – ngư", "Farming or business guidance"),
    ("work-abroad", "Đi làm việc ở nước ngoài theo hợp đồng", "Overseas labour"),
    ("allowance", "Trợ cấp xã hội", "Social allowance"),
    ("health-insurance", "Hỗ trợ thẻ bảo hiểm y tế", "Health-insurance card"),
    ("education", "Miễn, giảm học phí, hỗ trợ chi phí học tập", "Tuition or study support"),
    ("housing", "Hỗ trợ nhà ở", "Housing support"),
    ("water", "Hỗ trợ nước sạch, nhà tiêu hợp vệ sinh", "Clean water or latrine"),
    ("information", "Hỗ trợ tiếp cận thông tin (ti vi, điện thoại)", "Information access"),
    ("legal-aid", "Trợ giúp pháp lý", "Legal aid"),
    ("other", "Hỗ trợ khác", "Other"),
]


def load(apps, schema_editor):
    District = apps.get_model("households", "District")
    Ward = apps.get_model("households", "Ward")
    Quarter = apps.get_model("households", "Quarter")
    code, name, province = DISTRICT
    district, _ = District.objects.get_or_create(
        code=code, defaults={"name": name, "province": province}
    )
    for order, (code, name, folded, kind, quarters) in enumerate(UNITS, start=1):
        ward, _ = Ward.objects.get_or_create(
            code=code,
            defaults={
                "district": district,
                "name": name,
                "name_folded": folded,
                "kind": kind,
                "display_order": order,
            },
        )
        prefix, quarter_kind = ("Khu phố", "quarter") if kind == "ward" else ("Thôn", "hamlet")
        for number in range(1, quarters + 1):
            Quarter.objects.get_or_create(
                ward=ward,
                name=f"{prefix} {number}",
                defaults={"kind": quarter_kind, "display_order": number},
            )
    for model_name, rows in (("PovertyCause", CAUSES), ("SupportNeed", NEEDS)):
        model = apps.get_model("households", model_name)
        for order, (code, name, name_en) in enumerate(rows, start=1):
            model.objects.get_or_create(
                code=code, defaults={"name": name, "name_en": name_en, "display_order": order}
            )


def unload(apps, schema_editor):
    causes = apps.get_model("households", "PovertyCause")
    needs = apps.get_model("households", "SupportNeed")
    _delete(schema_editor, causes.objects.filter(code__in=[c for c, _, _ in CAUSES]))
    _delete(schema_editor, needs.objects.filter(code__in=[c for c, _, _ in NEEDS]))
    codes = [row[0] for row in UNITS]
    quarters = apps.get_model("households", "Quarter")
    _delete(schema_editor, quarters.objects.filter(ward__code__in=codes))
    _delete(schema_editor, apps.get_model("households", "Ward").objects.filter(code__in=codes))
    districts = apps.get_model("households", "District")
    _delete(schema_editor, districts.objects.filter(code=DISTRICT[0]))


def _delete(schema_editor, queryset):
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
    dependencies = [("households", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
