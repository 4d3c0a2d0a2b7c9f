"""How the search box's text is read on SQLite: as PostgreSQL's websearch_to_tsquery reads it,
written as an FTS5 expression in which every word is a quoted string."""

import pytest

from statements.search import parse


@pytest.mark.parametrize(
    ("text", "expression"),
    [
        ("ice", '("ice")'),
        ("ice raids", '("ice" AND "raids")'),
        ('"mayor of chicago"', '("mayor of chicago")'),
        ("raids -police", '(("raids") NOT ("police"))'),
        ("cat dog or fish", '("cat" AND "dog") OR ("fish")'),
        ("the mayor of chicago", '("mayor" AND "chicago")'),  # stop words, as PostgreSQL
        ('"unclosed phrase', '("unclosed phrase")'),
        ("--ice", '("ice")'),  # two minuses cancel, as in PostgreSQL
        ("mayor's", '("mayor")'),
        ("e-mail", '("e mail")'),  # a hyphenated word is its parts, in order
        ('NEAR("a" b) OR quote:ice*', '("near" AND "b") OR ("quote ice")'),
    ],
)
def test_queries_become_safe_fts5_expressions(text, expression):
    assert parse(text).fts5() == expression


def test_a_clause_of_left_out_words_only_has_no_single_expression():
    query = parse("-police")

    assert query.fts5() is None  # FTS5's NOT needs a left side: the queryset excludes instead
    assert [t.words for t in query.clauses[0].negatives] == [("police",)]


@pytest.mark.parametrize("text", ["", "the", "or", '"', "-", "?!", "or or the"])
def test_nothing_to_look_for_is_an_empty_query(text):
    assert parse(text).is_empty


def test_no_text_makes_a_double_quote_reach_the_expression():
    expression = parse('a"b "c""d" \'e\' "f').fts5()

    assert expression.count('"') % 2 == 0
    assert "'" not in expression
