"""Accent-insensitive search that behaves the same on SQLite and PostgreSQL.

Names are stored twice: as typed, and folded (lower case, no diacritics, đ → d) in a
`*_folded` column. A search term is folded the same way, so "nguyen van" finds "Nguyễn Văn"
and "duc thang" finds "Đức Thắng" without database extensions.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q

from giamngheo.formatting import fold_text


def _starts_a_word(field: str, word: str) -> Q:
    # Folded columns hold single-spaced words, so " word" marks a word boundary on any database.
    return Q(**{f"{field}__startswith": word}) | Q(**{f"{field}__contains": f" {word}"})


def folded_search_q(
    term: str, *, folded_fields: Sequence[str], exact_fields: Sequence[str] = ()
) -> Q | None:
    """Every word of `term` must begin a word of the same folded field ("nguyen van an" finds
    "Nguyễn Văn An" and "Nguyễn Văn Anh", not "Trần Văn Bảy"); or the whole term equals one
    of `exact_fields` (codes, ID numbers). None when the term is blank."""
    words = fold_text(term).split()
    if not words:
        return None
    condition = Q()
    for field in folded_fields:
        all_words = Q()
        for word in words:
            all_words &= _starts_a_word(field, word)
        condition |= all_words
    for field in exact_fields:
        condition |= Q(**{f"{field}__iexact": term.strip()})
    return condition
