"""The user's query becomes quoted FTS5 terms; nothing they type is FTS syntax."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitroom.errors import QueryError
from sitroom.store.fts_query import to_fts_expression


def test_words_are_quoted_and_anded() -> None:
    assert to_fts_expression("aleppo siege") == '("aleppo") AND ("siege")'


def test_or_groups_terms() -> None:
    assert to_fts_expression("حلب OR aleppo") == '("حلب" OR "aleppo")'


def test_phrase_and_exclusion() -> None:
    expr = to_fts_expression('"last message" -rumour')
    assert expr == '(("last message")) NOT "rumour"'


def test_arabic_query_is_normalised() -> None:
    # alef with hamza and taa marbuta fold to the indexed form
    assert to_fts_expression("أسرة") == '("اسره")'


def test_fts_operators_typed_by_user_are_data() -> None:
    expr = to_fts_expression('NEAR(a b) body:x "un"closed*')
    assert "NEAR(" not in expr.replace('"near(a"', "")
    assert expr.count('"') % 2 == 0


def test_only_excluded_words_is_a_clear_error() -> None:
    with pytest.raises(QueryError):
        to_fts_expression("-aleppo")


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=60))
def test_any_text_is_a_valid_fts_expression_or_a_query_error(text: str) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='unicode61 remove_diacritics 2')")
    db.execute("INSERT INTO t(body) VALUES ('aleppo حلب siege')")
    try:
        expr = to_fts_expression(text)
    except QueryError:
        return
    db.execute("SELECT rowid FROM t WHERE t MATCH ?", (expr,)).fetchall()
