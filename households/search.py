"""Accent-insensitive search that behaves the same on SQLite and PostgreSQL.

Names are stored twice: as typed, and folded (lower case, no diacritics, đ → d) in a
`*_folded` column. A search term is folded the same way, so "nguyen van" finds "Nguyễn Văn"
and "duc thang" finds "Đức Thắng" without database extensions.

On PostgreSQL the folded name columns of households and members carry a trigram index
(pg_trgm, households migration 0010), which serves `LIKE '%word%'`: each word is asked that
way first, and the word-start rule is checked on the rows the index found. SQLite has no such
index and reads the same conditions row by row, with the same result.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q

from giamngheo.formatting import fold_text


def _starts_a_word(field: str, word: str) -> Q:
    # `contains` is what a trigram index serves (LIKE '%word%'); the word start is the recheck.
    # Folded columns hold single-spaced words, so " word" marks a word boundary on any database.
    return Q(**{f"{field}__contains": word}) & (
        Q(**{f"{field}__startswith": word}) | Q(**{f"{field}__contains": f" {word}"})
    )


def folded_words_q(term: str, field: str) -> Q | None:
    """Every word of `term` begins a word of the folded `field`; None when the term is blank."""
    words = fold_text(term).split()
    if not words:
        return None
    condition = Q()
    for word in words:
        condition &= _starts_a_word(field, word)
    return condition


def folded_search_q(
    term: str,
    *,
    folded_fields: Sequence[str],
    exact_fields: Sequence[str] = (),
    literal_fields: Sequence[str] = (),
) -> Q | None:
    """Every word of `term` must begin a word of the same folded field ("nguyen van an" finds
    "Nguyễn Văn An" and "Nguyễn Văn Anh", not "Trần Văn Bảy"); or the whole term equals one
    of `exact_fields` (codes; any case) or of `literal_fields` (digits such as ID numbers,
    compared as typed so that their plain index serves it). None when the term is blank."""
    if not fold_text(term).split():
        return None
    condition = Q()
    for field in folded_fields:
        words = folded_words_q(term, field)
        if words is not None:
            condition |= words
    whole = term.strip()
    for field in exact_fields:
        condition |= Q(**{f"{field}__iexact": whole})
    for field in literal_fields:
        condition |= Q(**{field: whole})
    return condition
