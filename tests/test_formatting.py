from __future__ import annotations

import datetime
import unicodedata
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from giamngheo.formatting import fold_text, format_vnd, parse_vnd


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0, "0 đ"),
        (1, "1 đ"),
        (999, "999 đ"),
        (1_000, "1.000 đ"),
        (700_000, "700.000 đ"),
        (1_300_000, "1.300.000 đ"),
        (1_950_000, "1.950.000 đ"),
        (12_345_678_901, "12.345.678.901 đ"),
        (-5, "-5 đ"),
        (-1_300_000, "-1.300.000 đ"),
    ],
)
def test_format_vnd(amount: int, expected: str) -> None:
    assert format_vnd(amount) == expected


def test_format_vnd_uses_a_plain_space_before_the_currency_sign() -> None:
    assert format_vnd(1_000)[-2:] == "\u0020\u0111"


@pytest.mark.parametrize("amount", [1.5, 1000.0, True, "1000", Decimal("1000"), None])
def test_format_vnd_rejects_non_int_amounts(amount: object) -> None:
    with pytest.raises(TypeError, match="int amount of đồng"):
        format_vnd(amount)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nguyễn Văn  Đức", "nguyen van duc"),
        ("Đức Thắng", "duc thang"),
        ("NGUYỄN Văn", "nguyen van"),
        ("Tiến Lợi", "tien loi"),
        ("Hàm Tiến", "ham tien"),
        ("Phong Nẫm", "phong nam"),
        ("Phú Thủy", "phu thuy"),
        ("Mũi Né", "mui ne"),
        ("Lạc Đạo", "lac dao"),
        ("ĐẶNG THỊ ĐÀO", "dang thi dao"),
        ("Trương Ưng Ơn", "truong ung on"),
        ("  Thiện   Nghiệp\t\n", "thien nghiep"),
        ("Xuân\u00a0An", "xuan an"),
        ("Tổ 5, khu phố 3", "to 5, khu pho 3"),
        ("\u00d0ức Long", "duc long"),  # ETH typed for Đ by legacy keyboards
        ("plain ascii", "plain ascii"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_fold_text(text: str, expected: str) -> None:
    assert fold_text(text) == expected


def test_fold_text_handles_decomposed_input() -> None:
    assert fold_text(unicodedata.normalize("NFD", "Đức Thắng")) == "duc thang"


def test_fold_text_lets_an_unaccented_query_match_an_accented_name() -> None:
    assert "duc thang" in fold_text("Phường Đức Thắng")
    assert fold_text("đức thắng") == fold_text("ĐỨC THẮNG") == fold_text("duc thang")


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1300000", 1_300_000),
        ("1.300.000", 1_300_000),
        (" 1 300 000 ", 1_300_000),
        ("1.300.000 đ", 1_300_000),
        ("900.000VND", 900_000),
        ("0", 0),
        ("-5", -5),
        ("1,5", None),
        ("1.30.000", None),
        ("1.100.00", None),
        ("abc", None),
        ("", None),
    ],
)
def test_parse_vnd_reads_amounts_typed_the_vietnamese_way(text: str, amount: int | None) -> None:
    assert parse_vnd(text) == amount


DAYS_AND_MOMENTS = [
    datetime.date(2017, 1, 2),
    datetime.date(1999, 12, 31),
    datetime.datetime(2017, 1, 2, 23, 30, tzinfo=datetime.UTC),  # 3 January in Vietnam
    datetime.datetime(2017, 6, 30, 17, 5, tzinfo=datetime.UTC),
    None,
    "",
]


@pytest.mark.parametrize("value", DAYS_AND_MOMENTS)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_dmy_filters_read_as_the_date_filter(value: object, language: str) -> None:
    # The household page's fast filters: the same text as `date` with the project's formats
    # (`dmy_hm` is for moments: the date filter refuses hours of a day).
    context = Context({"value": value})
    with_hours = not isinstance(value, datetime.date) or isinstance(value, datetime.datetime)
    with translation.override(language):
        assert render("{% load giamngheo %}{{ value|dmy }}", context) == render(
            '{{ value|date:"d/m/Y" }}', context
        )
        if with_hours:
            assert render("{% load giamngheo %}{{ value|dmy_hm }}", context) == render(
                '{{ value|date:"d/m/Y H:i" }}', context
            )


def render(source: str, context: Context) -> str:
    return Template(source).render(context)
