"""Property tests of the Excel import (issue 10): whatever the bytes, the import answers with
problems for the officer, never an exception, and the page never a 500."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from households.models import Household, Member, User
from reports.imports import ImportResult, import_households
from tests.reports.test_import import row, xlsx
from tests.reports.xlsx_crafting import crafted, header_rows, sheet

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::UserWarning:openpyxl")]

PROPERTY = settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- Strategies --------------------------------------------------------------------------------

letters = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZXFD", min_size=1, max_size=4)
numbers = st.one_of(
    st.integers(min_value=-5, max_value=30),
    st.integers(min_value=0, max_value=10**12),
    st.sampled_from([1_048_576, 20_000, 20_001, 300_000_000]),
)
reference = st.one_of(
    st.builds(lambda c, r: f"{c}{r}", letters, numbers),
    st.text(alphabet="A1:$-x ", max_size=8),
)
value_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=12,
)
cell_type = st.sampled_from(["", ' t="s"', ' t="n"', ' t="b"', ' t="str"', ' t="e"', ' t="d"',
                             ' t="inlineStr"', ' t="zz"'])  # fmt: skip


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


@st.composite
def cells(draw: Any) -> str:
    kind = draw(cell_type)
    value = _xml_text(draw(value_text))
    inner = f"<is><t>{value}</t></is>" if kind == ' t="inlineStr"' else f"<v>{value}</v>"
    return f'<c r="{draw(reference)}"{kind}>{inner}</c>'


@st.composite
def rows(draw: Any) -> str:
    number = draw(st.one_of(st.none(), numbers))
    attribute = "" if number is None else f' r="{number}"'
    return f"<row{attribute}>{''.join(draw(st.lists(cells(), max_size=4)))}</row>"


garbage = st.sampled_from(
    ["<", ">", "</row>", "<row>", "<c>", "&", "&lol;", "<!DOCTYPE x>", "]]>", "<?xml?>", "\x00"]
)


@st.composite
def worksheets(draw: Any) -> bytes:
    body = "".join(draw(st.lists(rows(), max_size=8)))
    if draw(st.booleans()):
        body = header_rows() + body  # get past the header so the cells are read
    dimension = draw(st.one_of(st.none(), reference))
    content = sheet(body, dimension=dimension)
    if draw(st.booleans()):  # splice in something that breaks the XML
        at = draw(st.integers(min_value=0, max_value=len(content)))
        content = content[:at] + draw(garbage).encode() + content[at:]
    return content


@st.composite
def shared_string_tables(draw: Any) -> bytes | None:
    if draw(st.booleans()):
        return None
    items = "".join(f"<si><t>{_xml_text(t)}</t></si>" for t in draw(st.lists(value_text)))
    count = draw(numbers)
    return (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'uniqueCount="{count}">{items}</sst>'
    ).encode()


crafted_workbooks = st.builds(
    lambda worksheet, strings: crafted(worksheet, shared_strings=strings),
    worksheets(),
    shared_string_tables(),
)


@st.composite
def damaged_exports(draw: Any) -> bytes:
    """A real exported workbook with bytes changed, cut or inserted."""
    content = bytearray(draw(st.sampled_from(VALID_FILES)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        action = draw(st.sampled_from(["flip", "cut", "insert"]))
        at = draw(st.integers(min_value=0, max_value=max(len(content) - 1, 0)))
        if action == "flip" and content:
            content[at] ^= draw(st.integers(min_value=1, max_value=255))
        elif action == "cut":
            del content[at : at + draw(st.integers(min_value=1, max_value=2000))]
        else:
            content[at:at] = draw(st.binary(min_size=1, max_size=64))
    return bytes(content)


@st.composite
def rezipped_exports(draw: Any) -> bytes:
    """A real exported workbook whose XML parts are edited before zipping it again (so the
    change reaches the XML parser instead of failing the zip's checksum)."""
    source = zipfile.ZipFile(io.BytesIO(draw(st.sampled_from(VALID_FILES))))
    names = source.namelist()
    target = draw(st.sampled_from(names))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            data = source.read(name)
            if name == target:
                at = draw(st.integers(min_value=0, max_value=len(data)))
                cut = draw(st.integers(min_value=0, max_value=200))
                data = data[:at] + draw(garbage | st.just("")).encode() + data[at + cut :]
            archive.writestr(name, data)
    return buffer.getvalue()


any_upload = st.one_of(
    st.binary(max_size=2000), crafted_workbooks, damaged_exports(), rezipped_exports()
)


# A real file of two households, made once (its quarter name is read from the database).
VALID_FILES: list[bytes] = []


@pytest.fixture(autouse=True)
def _valid_files_fixture(db: None) -> None:
    if not VALID_FILES:
        VALID_FILES.append(xlsx([row(), row(code="DT-0101", full_name="Lê Văn Giang")]))


def assert_answered(result: ImportResult) -> None:
    assert isinstance(result, ImportResult)
    assert result.is_valid or all(p.message.strip() for p in result.problems)
    if not result.is_valid:
        assert result.saved is False


# --- Properties --------------------------------------------------------------------------------


@PROPERTY
@given(content=any_upload)
def test_the_import_answers_every_file_with_problems_not_an_exception(
    content: bytes, ducthang_officer: User
) -> None:
    before = (Household.objects.count(), Member.objects.count())

    result = import_households(
        io.BytesIO(content), user=ducthang_officer, ward=ducthang_officer.ward, commit=False
    )

    assert_answered(result)
    assert (Household.objects.count(), Member.objects.count()) == before


@PROPERTY
@given(content=st.one_of(crafted_workbooks, damaged_exports(), rezipped_exports()))
def test_an_invalid_file_saves_nothing_even_when_committing(
    content: bytes, ducthang_officer: User
) -> None:
    before = (Household.objects.count(), Member.objects.count())

    result = import_households(
        io.BytesIO(content), user=ducthang_officer, ward=ducthang_officer.ward, commit=True
    )

    assert_answered(result)
    if not result.saved:
        assert (Household.objects.count(), Member.objects.count()) == before


@settings(PROPERTY, max_examples=60)
@given(content=any_upload)
def test_the_import_page_never_answers_500(
    content: bytes, client: Client, ducthang_officer: User
) -> None:
    client.force_login(ducthang_officer)

    response = client.post(
        reverse("reports:import"), {"file": SimpleUploadedFile("ho.xlsx", content)}
    )

    assert response.status_code == 200
    if "result" not in response.context:  # an empty file: the form says so
        assert response.context["form"].errors["file"]
    elif not response.context["result"].is_valid:
        assert_answered(response.context["result"])
        assert "không có gì được lưu" in response.content.decode().lower()
    assert Household.objects.count() == 0
