"""Reference data of plan 221/KH-UBND (2017): the agencies of section IV and the programme
catalogue of issue 4 (REFERENCE.md §4). Amounts marked CHƯA XÁC NHẬN (unconfirmed) in a
description are defaults for the city to edit, not confirmed figures."""

from __future__ import annotations

from typing import Any

from django.db import migrations

DEPARTMENT, BANK, ORGANISATION, COMMITTEE = "department", "bank", "organisation", "committee"

AGENCIES: list[dict[str, Any]] = [
    {
        "code": "ldtbxh",
        "name": "Phòng Lao động – Thương binh và Xã hội",
        "name_en": "City Department of Labour, Invalids and Social Affairs",
        "kind": DEPARTMENT,
        "responsibilities": (
            "Là cơ quan thường trực tham mưu cho Ban Chỉ đạo thành phố, UBND thành phố tổ chức "
            "thực hiện các giải pháp giảm nghèo hiệu quả; chủ trì, phối hợp với các cơ quan thành "
            "viên Ban chỉ đạo tổ chức kiểm tra, giám sát, đánh giá kết quả thực hiện Chương trình "
            "và tham mưu UBND thành phố giải quyết những khó khăn, vướng mắc trong quá trình thực "
            "hiện; hướng dẫn các UBND các phường, xã đánh giá phân loại hộ nghèo; tổng hợp, báo "
            "cáo kết quả định kỳ, đột xuất, báo cáo cho UBND thành phố và Sở Lao động - "
            "Thương binh và Xã hội theo quy định.\n\n"
            "Chủ trì thực hiện các dự án về đào tạo nghề và giải quyết việc làm, bảo trợ xã hội, "
            "hỗ trợ học phí cho sinh viên ngoài công lập theo Nghị định số 86/2015/NĐ-CP của Chính "
            "phủ; triển khai và thực hiện tốt các chính sách an sinh xã hội trên địa bàn thành phố."
        ),
    },
    {
        "code": "nhcsxh",
        "name": "Chi nhánh Ngân hàng Chính sách xã hội Bình Thuận",
        "name_en": "Bình Thuận branch of the Vietnam Bank for Social Policies",
        "kind": BANK,
        "responsibilities": (
            "Thực hiện tốt công tác giải ngân vốn vay ưu đãi từ các chương trình mục tiêu đúng quy "
            "định, phối hợp với các hội đoàn thể nhận ủy thác thường xuyên kiểm tra, quản lý việc "
            "sử dụng vốn vay đúng mục đích, hiệu quả, hạn chế nợ quá hạn."
        ),
    },
    {
        "code": "qldt",
        "name": "Phòng Quản lý Đô thị",
        "name_en": "City Department of Urban Management",
        "kind": DEPARTMENT,
        "responsibilities": (
            "Phối hợp với UBND các phường, xã để hướng dẫn các thủ tục liên quan đến việc cấp phép "
            "xây dựng và tạo điều kiện thuận lợi cho các hộ nghèo và hộ cận nghèo khi được hỗ trợ "
            "xây dựng nhà ở."
        ),
    },
    {
        "code": "kinh-te",
        "name": "Phòng Kinh tế",
        "name_en": "City Department of Economy",
        "kind": DEPARTMENT,
        "responsibilities": (
            "Chủ trì, phối hợp các đơn vị liên quan triển khai thực hiện hỗ trợ phát triển sản "
            "xuất, chuyển dịch cơ cấu cây trồng, vật nuôi, chuyển giao tiến bộ khoa học - kỹ thuật "
            "giúp hộ nghèo vươn lên thoát nghèo bền vững.\n\n"
            "Phối hợp các ngành liên quan tổ chức các lớp tập huấn, hướng dẫn về công tác khuyến "
            "nông - lâm - ngư - công và mô hình phát triển sản xuất cho người nghèo."
        ),
    },
    {
        "code": "vhtt",
        "name": "Phòng Văn hoá và Thông tin và Đài Truyền thanh Phan Thiết",
        "name_en": "City Department of Culture and Information and Phan Thiết Radio",
        "kind": DEPARTMENT,
        "responsibilities": (
            "Tăng cường công tác thông tin, tuyên truyền về chính sách giảm nghèo nhằm nâng cao "
            "nhận thức về tầm quan trọng, ý nghĩa của chương trình giảm nghèo; tuyên truyền các mô "
            "hình, cách làm hay, sáng tạo, có hiệu quả về giảm nghèo; tuyên truyền về kết quả hoạt "
            "động của chương trình, thông qua đó nâng cao trách nhiệm về công tác giảm nghèo cho "
            "toàn xã hội."
        ),
    },
    {
        "code": "tckh",
        "name": "Phòng Tài chính – Kế hoạch",
        "name_en": "City Department of Finance and Planning",
        "kind": DEPARTMENT,
        "responsibilities": (
            "Tham mưu UBND thành phố cân đối và bố trí nguồn ngân sách, đảm bảo kinh phí kịp thời "
            "cho công tác giảm nghèo, giải quyết việc làm và đào tạo nghề trên địa bàn, phối hợp "
            "các ngành chức năng, kiểm tra, giám sát việc thực hiện chương trình."
        ),
    },
    {
        "code": "y-te",
        "name": "Phòng Y tế",
        "name_en": "City Department of Health",
        "kind": DEPARTMENT,
        "responsibilities": (
            "Phối hợp thực hiện chính sách hỗ trợ về y tế trong hệ thống ngành (các Bệnh viện, "
            "Trung tâm y tế, trạm y tế...) xây dựng kế hoạch thực hiện hàng năm có giải pháp cụ "
            "thể để hỗ trợ và thực hiện tốt công tác khám, điều trị bệnh cho người nghèo."
        ),
    },
    {
        "code": "tu-phap",
        "name": "Phòng Tư pháp",
        "name_en": "City Department of Justice",
        "kind": DEPARTMENT,
        "responsibilities": (
            "Chỉ đạo và tổ chức triển khai thực hiện chính sách trợ giúp pháp lý cho người nghèo, "
            "giúp người nghèo nắm bắt chủ trương, đường lối của Đảng và chính sách pháp luật của "
            "Nhà nước."
        ),
    },
    {
        "code": "gd-dt",
        "name": "Phòng Giáo dục và Đào tạo",
        "name_en": "City Department of Education and Training",
        "kind": DEPARTMENT,
        "responsibilities": (
            "Chỉ đạo thực hiện tốt các chính sách trợ giúp trong giáo dục cho các em học sinh "
            "thuộc hộ nghèo, hộ cận nghèo; xây dựng kế hoạch và đề xuất các giải pháp cụ thể nhằm "
            "tránh nguy cơ học sinh nghèo bỏ học giữa chừng."
        ),
    },
    {
        "code": "mttq",
        "name": "Ủy ban MTTQ Việt Nam và các đoàn thể",
        "name_en": "Vietnam Fatherland Front Committee and mass organisations",
        "kind": ORGANISATION,
        "responsibilities": (
            "Tiếp tục tuyên truyền, tổ chức phát động các phong trào “Vì người nghèo”, tập trung "
            "vận động Quỹ “Vì người nghèo”, kêu gọi sự đóng góp của mọi tổ chức, cá nhân, doanh "
            "nghiệp, tích cực tuyên truyền vận động giúp đỡ cho người nghèo, xây dựng và nhân rộng "
            "các mô hình giảm nghèo có hiệu quả."
        ),
    },
    {
        "code": "ubnd-phuong-xa",
        "name": "UBND các phường, xã",
        "name_en": "Ward and commune People's Committees",
        "kind": COMMITTEE,
        "responsibilities": (
            "Căn cứ kế hoạch này, xây dựng kế hoạch thực hiện chương trình giảm nghèo trên địa "
            "bàn.\n\n"
            "Phân công cụ thể từng thành viên Ban Chỉ đạo giảm nghèo phụ trách địa bàn quản lý, "
            "xác định nguyên nhân, nguyên vọng hộ nghèo, phân loại chính xác các nhóm nghèo, có "
            "giải pháp thực hiện phù hợp từng đối tượng nghèo, dự kiến hộ có khả năng điều kiện "
            "thoát nghèo, đảm bảo cho công tác thoát nghèo bền vững, quan tâm giúp đỡ hộ cận "
            "nghèo, hạn chế tình trạng hộ cận nghèo rơi xuống nghèo; tích cực phối hợp các ngành, "
            "đoàn thể thành phố tổ chức triển khai thực hiện có hiệu quả các mô hình điểm, cách "
            "làm hiệu quả giúp thoát nghèo bền vững trên địa bàn.\n\n"
            "Thường xuyên theo dõi, kiểm tra kịp thời thông tin báo cáo kết quả về UBND thành phố "
            "(qua Phòng Lao động – Thương binh và Xã hội) theo dõi, chỉ đạo. Đồng thời, thực hiện "
            "sơ kết giữa kỳ và tổng kết cuối kỳ để đánh giá tình hình, kết quả thực hiện kế hoạch."
        ),
    },
]

POOR, NEAR_POOR, ESCAPED = "poor", "near_poor", "escaped"
HOUSEHOLD, MEMBER = "household", "member"

PROGRAMMES: list[dict[str, Any]] = [
    {
        "code": "bhyt-ngheo",
        "name": "Thẻ bảo hiểm y tế cho người thuộc hộ nghèo",
        "name_en": "State-paid health-insurance card (poor households)",
        "agency": "ldtbxh",
        "legal_basis": "Luật Bảo hiểm y tế; Nghị định 105/2014/NĐ-CP",
        "description": "Ngân sách nhà nước đóng toàn bộ mức đóng bảo hiểm y tế.",
        "level": MEMBER,
        "eligible_statuses": [POOR],
        "unit": "card",
    },
    {
        "code": "bhyt-can-ngheo",
        "name": "Hỗ trợ mua thẻ bảo hiểm y tế cho người thuộc hộ cận nghèo",
        "name_en": "Supported health-insurance card (near-poor households)",
        "agency": "ldtbxh",
        "legal_basis": "Luật Bảo hiểm y tế; Nghị định 105/2014/NĐ-CP",
        "description": (
            "Nhà nước hỗ trợ tối thiểu 70% mức đóng (mức hỗ trợ năm 2016–2017: CHƯA XÁC NHẬN)."
        ),
        "level": MEMBER,
        "eligible_statuses": [NEAR_POOR],
        "unit": "card",
    },
    {
        "code": "mien-hoc-phi",
        "name": "Miễn học phí",
        "name_en": "Tuition exemption",
        "agency": "gd-dt",
        "legal_basis": "Nghị định 86/2015/NĐ-CP; Thông tư liên tịch 09/2016/TTLT",
        "description": (
            "Trẻ em mầm non và học sinh có cha mẹ thuộc hộ nghèo được miễn học phí. Học sinh "
            "khuyết tật thuộc hộ cận nghèo cũng được miễn; mức giảm 50% cho học sinh khác thuộc "
            "hộ cận nghèo: CHƯA XÁC NHẬN."
        ),
        "level": MEMBER,
        "eligible_statuses": [POOR],
        "pupils_only": True,
        "unit": "item",
    },
    {
        "code": "ho-tro-chi-phi-hoc-tap",
        "name": "Hỗ trợ chi phí học tập",
        "name_en": "Study-cost support",
        "agency": "gd-dt",
        "legal_basis": "Điều 10 Nghị định 86/2015/NĐ-CP",
        "description": (
            "100.000 đ/học sinh/tháng, tối đa 9 tháng/năm học (mức tiền: CHƯA XÁC NHẬN)."
        ),
        "level": MEMBER,
        "eligible_statuses": [POOR],
        "pupils_only": True,
        "unit": "vnd",
        "default_amount": 100_000,
    },
    {
        "code": "vay-ho-ngheo",
        "name": "Cho vay hộ nghèo",
        "name_en": "Social Policy Bank loan for poor households",
        "agency": "nhcsxh",
        "legal_basis": "Nghị định 78/2002/NĐ-CP",
        "description": (
            "Lãi suất 6,6%/năm từ 05/6/2015; không phải thế chấp, vay qua tổ tiết kiệm và vay "
            "vốn. Mức cho vay tối đa năm 2016–2017: CHƯA XÁC NHẬN."
        ),
        "level": HOUSEHOLD,
        "eligible_statuses": [POOR],
        "unit": "loan",
        "is_credit": True,
    },
    {
        "code": "vay-ho-can-ngheo",
        "name": "Cho vay hộ cận nghèo",
        "name_en": "Social Policy Bank loan for near-poor households",
        "agency": "nhcsxh",
        "legal_basis": "Quyết định 15/2013/QĐ-TTg",
        "description": "Lãi suất bằng 120% lãi suất cho vay hộ nghèo (7,92%/năm).",
        "level": HOUSEHOLD,
        "eligible_statuses": [NEAR_POOR],
        "unit": "loan",
        "is_credit": True,
    },
    {
        "code": "vay-ho-moi-thoat-ngheo",
        "name": "Cho vay hộ mới thoát nghèo",
        "name_en": "Social Policy Bank loan for households that recently escaped poverty",
        "agency": "nhcsxh",
        "legal_basis": "Quyết định 28/2015/QĐ-TTg",
        "description": (
            "Vốn sản xuất, kinh doanh trong 3 năm kể từ khi thoát nghèo; mức vay không quá mức "
            "cho vay hộ nghèo."
        ),
        "level": HOUSEHOLD,
        "eligible_statuses": [ESCAPED],
        "unit": "loan",
        "is_credit": True,
    },
    {
        "code": "vay-hssv",
        "name": "Cho vay học sinh, sinh viên",
        "name_en": "Social Policy Bank loan for pupils and students",
        "agency": "nhcsxh",
        "legal_basis": "Quyết định 157/2007/QĐ-TTg",
        "description": "Cho vay để trang trải chi phí học tập của học sinh, sinh viên.",
        "level": MEMBER,
        "eligible_statuses": [POOR, NEAR_POOR],
        "pupils_only": True,
        "unit": "loan",
        "is_credit": True,
    },
    {
        "code": "vay-nuoc-sach",
        "name": "Cho vay nước sạch và vệ sinh môi trường",
        "name_en": "Social Policy Bank loan for clean water and sanitation",
        "agency": "nhcsxh",
        "legal_basis": "Quyết định 62/2004/QĐ-TTg; Quyết định 18/2014/QĐ-TTg",
        "description": "Xây dựng, cải tạo công trình nước sạch và nhà tiêu hợp vệ sinh.",
        "level": HOUSEHOLD,
        "eligible_statuses": [POOR, NEAR_POOR],
        "unit": "loan",
        "is_credit": True,
    },
    {
        "code": "vay-nha-o",
        "name": "Cho vay làm nhà ở hộ nghèo",
        "name_en": "Social Policy Bank housing loan for poor households",
        "agency": "nhcsxh",
        "legal_basis": "Quyết định 33/2015/QĐ-TTg",
        "description": (
            "25.000.000 đ/hộ, lãi suất 3%/năm, thời hạn 15 năm, để xây mới hoặc sửa nhà."
        ),
        "level": HOUSEHOLD,
        "eligible_statuses": [POOR],
        "unit": "loan",
        "default_amount": 25_000_000,
        "is_credit": True,
    },
    {
        "code": "ho-tro-nha-o",
        "name": "Hỗ trợ nhà ở và hướng dẫn thủ tục cấp phép xây dựng",
        "name_en": "Housing support with building-permit help",
        "agency": "qldt",
        "legal_basis": "Quyết định 33/2015/QĐ-TTg; Kế hoạch 221/KH-UBND mục IV.3",
        "description": (
            "Phòng Quản lý Đô thị phối hợp UBND phường, xã hướng dẫn thủ tục cấp phép xây dựng "
            "cho hộ nghèo, hộ cận nghèo được hỗ trợ xây dựng nhà ở."
        ),
        "level": HOUSEHOLD,
        "eligible_statuses": [POOR, NEAR_POOR],
        "unit": "item",
    },
    {
        "code": "ho-tro-san-xuat",
        "name": "Hỗ trợ phát triển sản xuất, khuyến nông – ngư",
        "name_en": "Production support and agricultural and fishery extension",
        "agency": "kinh-te",
        "legal_basis": "Quyết định 1722/QĐ-TTg (Chương trình MTQG giảm nghèo bền vững 2016–2020)",
        "description": (
            "Hỗ trợ giống cây trồng, vật nuôi, chuyển giao kỹ thuật, tập huấn khuyến nông – lâm – "
            "ngư – công và mô hình phát triển sản xuất."
        ),
        "level": HOUSEHOLD,
        "eligible_statuses": [POOR, NEAR_POOR, ESCAPED],
        "unit": "item",
    },
    {
        "code": "day-nghe",
        "name": "Hỗ trợ đào tạo nghề",
        "name_en": "Vocational training",
        "agency": "ldtbxh",
        "legal_basis": "Quyết định 46/2015/QĐ-TTg",
        "description": (
            "Đào tạo trình độ sơ cấp, dưới 3 tháng: tối đa 3.000.000 đ/khoá cho người thuộc hộ "
            "nghèo, 2.500.000 đ/khoá cho người thuộc hộ cận nghèo; thêm 30.000 đ/ngày tiền ăn và "
            "200.000 đ tiền đi lại nếu nơi học cách 15 km trở lên."
        ),
        "level": MEMBER,
        "eligible_statuses": [POOR, NEAR_POOR],
        "min_age": 15,
        "max_age": 60,
        "unit": "course",
        "default_amount": 3_000_000,
    },
    {
        "code": "gioi-thieu-viec-lam",
        "name": "Giới thiệu việc làm, đi làm việc ở nước ngoài theo hợp đồng",
        "name_en": "Job placement, including work abroad under contract",
        "agency": "ldtbxh",
        "legal_basis": "Luật Việc làm 2013; Quyết định 1722/QĐ-TTg",
        "description": (
            "Tư vấn, giới thiệu việc làm và hỗ trợ đi làm việc ở nước ngoài theo hợp đồng."
        ),
        "level": MEMBER,
        "eligible_statuses": [POOR, NEAR_POOR],
        "min_age": 15,
        "max_age": 60,
        "unit": "job",
    },
    {
        "code": "tro-giup-phap-ly",
        "name": "Trợ giúp pháp lý",
        "name_en": "Legal aid",
        "agency": "tu-phap",
        "legal_basis": "Luật Trợ giúp pháp lý 2006",
        "description": (
            "Trợ giúp pháp lý miễn phí cho người thuộc hộ nghèo (phạm vi năm 2016–2017: CHƯA "
            "XÁC NHẬN)."
        ),
        "level": MEMBER,
        "eligible_statuses": [POOR],
        "unit": "visit",
    },
    {
        "code": "kham-chua-benh",
        "name": "Hỗ trợ khám, chữa bệnh",
        "name_en": "Medical examination and treatment",
        "agency": "y-te",
        "legal_basis": "Luật Bảo hiểm y tế; Kế hoạch 221/KH-UBND mục IV.7",
        "description": (
            "Khám, điều trị bệnh cho người nghèo tại bệnh viện, trung tâm y tế, trạm y tế."
        ),
        "level": MEMBER,
        "eligible_statuses": [POOR, NEAR_POOR],
        "unit": "visit",
    },
    {
        "code": "ho-tro-tien-dien",
        "name": "Hỗ trợ tiền điện",
        "name_en": "Electricity support",
        "agency": "ldtbxh",
        "legal_basis": "Quyết định 28/2014/QĐ-TTg",
        "description": (
            "Tương đương 30 kWh/tháng theo giá bậc 1: 46.000 đ/hộ/tháng, chi trả theo quý."
        ),
        "level": HOUSEHOLD,
        "eligible_statuses": [POOR],
        "unit": "vnd",
        "default_amount": 46_000,
    },
    {
        "code": "tro-cap-xa-hoi",
        "name": "Trợ cấp xã hội hằng tháng",
        "name_en": "Monthly social assistance allowance",
        "agency": "ldtbxh",
        "legal_basis": "Nghị định 136/2013/NĐ-CP",
        "description": (
            "Trợ cấp cho người cao tuổi, người khuyết tật và các đối tượng bảo trợ xã hội."
        ),
        "level": MEMBER,
        "eligible_statuses": [POOR, NEAR_POOR],
        "unit": "vnd",
    },
    {
        "code": "quy-vi-nguoi-ngheo",
        "name": "Hỗ trợ từ Quỹ “Vì người nghèo”",
        "name_en": "Support from the “For the Poor” fund",
        "agency": "mttq",
        "legal_basis": "Quỹ “Vì người nghèo” của Ủy ban MTTQ Việt Nam",
        "description": "Hỗ trợ xây nhà đại đoàn kết, sinh kế, quà tặng từ Quỹ “Vì người nghèo”.",
        "level": HOUSEHOLD,
        "eligible_statuses": [POOR, NEAR_POOR],
        "unit": "vnd",
    },
    {
        "code": "cuu-tro-dot-xuat",
        "name": "Cứu trợ đột xuất",
        "name_en": "Emergency relief",
        "agency": "ubnd-phuong-xa",
        "legal_basis": "Nghị định 136/2013/NĐ-CP (trợ giúp đột xuất)",
        "description": "Hỗ trợ lương thực, tiền khi gặp thiên tai, hoả hoạn, rủi ro bất ngờ.",
        "level": HOUSEHOLD,
        "eligible_statuses": [POOR, NEAR_POOR, ESCAPED],
        "unit": "vnd",
    },
]


def load(apps: Any, schema_editor: Any) -> None:
    Agency = apps.get_model("programs", "Agency")
    Programme = apps.get_model("programs", "Programme")
    agencies = {}
    for order, row in enumerate(AGENCIES, start=1):
        agencies[row["code"]], _ = Agency.objects.update_or_create(
            code=row["code"], defaults={**row, "display_order": order}
        )
    for order, row in enumerate(PROGRAMMES, start=1):
        fields = {**row, "agency": agencies[row["agency"]], "display_order": order}
        Programme.objects.update_or_create(code=row["code"], defaults=fields)


def unload(apps: Any, schema_editor: Any) -> None:
    Agency = apps.get_model("programs", "Agency")
    Programme = apps.get_model("programs", "Programme")
    _delete(schema_editor, Programme.objects.filter(code__in=[row["code"] for row in PROGRAMMES]))
    _delete(schema_editor, Agency.objects.filter(code__in=[row["code"] for row in AGENCIES]))


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
        ("programs", "0001_programmes_committee_benefits_targets"),
    ]

    operations = [migrations.RunPython(load, unload)]
