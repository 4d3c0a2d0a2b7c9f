"""Full-text search of statements, alike on PostgreSQL and SQLite.

What is searched: the quote (weighs most), the summary, the speaker's name (the official and the
agency) and the place's name. What a query means is PostgreSQL's web-search syntax: words are
all required, "quoted words" form a phrase, -word leaves out what holds the word, `or` offers
alternatives (`cat dog or fish` is (cat and dog) or fish); English stemming and stop words.

PostgreSQL keeps `statements_statement.search_vector` current with triggers and searches it
through its GIN index. SQLite keeps an FTS5 table (`statements_statement_fts`, rowid = the
statement's id, Porter stemming) current with triggers, and `Query.fts5()` translates the
query into an FTS5 expression in which every word is a quoted string, so no input can make
the expression malformed.

This module reads no model: the migration and the queryset both use it.
"""

import re
from dataclasses import dataclass

# PostgreSQL's `english` stop words (tsearch_data/english.stop): left out of words outside
# quotes, as PostgreSQL leaves them out, so "mayor of chicago" finds the same on both.
_STOP_WORDS = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom this
    that these those am is are was were be been being have has had having do does did doing a an
    the and but if or because as until while of at by for with about against between into through
    during before after above below to from up down in out on off over under again further then
    once here there when where why how all any both each few more most other some such no nor not
    only own same so than too very s t can will just don should now"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
# Terms beyond this many are ignored: a query of 200 characters holds fewer anyway.
MAX_TERMS = 24

TOKEN = re.compile(r"[^\W_]+")
# A phrase in double quotes (an unclosed one runs to the end), or a run of other characters.
PIECE = re.compile(r'(-*)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or the words of a phrase in order
    negated: bool = False

    def fts5(self) -> str:
        """The term as an FTS5 string: "word" or "several words" (a phrase)."""
        return '"' + " ".join(self.words) + '"'


@dataclass(frozen=True)
class Clause:
    """Terms that must all hold: the positive ones present, the negated ones absent."""

    terms: tuple[Term, ...]

    @property
    def positives(self) -> list[Term]:
        return [t for t in self.terms if not t.negated]

    @property
    def negatives(self) -> list[Term]:
        return [t for t in self.terms if t.negated]


@dataclass(frozen=True)
class Query:
    """A parsed search: any one of the clauses matches."""

    clauses: tuple[Clause, ...]

    @property
    def is_empty(self) -> bool:
        """Nothing to search for (only stop words or punctuation): matches no statement, as on
        PostgreSQL."""
        return not self.clauses

    def fts5(self) -> str | None:
        """One FTS5 expression for the whole query; None when a clause is made of negated
        terms only (FTS5's NOT needs something on its left: see `exclusions`)."""
        parts = []
        for clause in self.clauses:
            if not clause.positives:
                return None
            parts.append(clause_fts5(clause))
        return " OR ".join(f"({part})" for part in parts)


def clause_fts5(clause: Clause) -> str:
    """ "a" AND "b" NOT ("c" OR "d") for a clause that has a positive term."""
    expression = " AND ".join(t.fts5() for t in clause.positives)
    if clause.negatives:
        expression = f"({expression}) NOT ({' OR '.join(t.fts5() for t in clause.negatives)})"
    return expression


def parse(text: str) -> Query:
    """Read `text` as PostgreSQL's websearch_to_tsquery reads it. Never raises."""
    clauses: list[list[Term]] = [[]]
    count = 0
    for match in PIECE.finditer(text):
        dashes, phrase, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None:
            if bare.lower() == "or":
                if clauses[-1]:
                    clauses.append([])
                continue
            stripped = bare.lstrip("-")
            dashes = bare[: len(bare) - len(stripped)]
            words = tuple(w for w in tokens(stripped) if w not in STOP_WORDS)
        else:
            words = tokens(phrase)
        if not words or count >= MAX_TERMS:
            continue
        count += 1
        clauses[-1].append(Term(words, negated=len(dashes) % 2 == 1))
    return Query(tuple(Clause(tuple(terms)) for terms in clauses if terms))


def tokens(text: str) -> tuple[str, ...]:
    return tuple(word.lower() for word in TOKEN.findall(text))


# -- SQLite: the FTS5 table and the triggers that keep it current -----------------------------
FTS_TABLE = "statements_statement_fts"
# Column weights for bm25, in the table's column order: as PostgreSQL's A, B, C, D.
FTS_WEIGHTS = (1.0, 0.4, 0.2, 0.1)

SQLITE_CREATE_TABLE = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
    quote, summary, speaker, place, tokenize = 'porter unicode61 remove_diacritics 2'
)"""

# The searchable text of the statements chosen by {where} (s. is the statement).
SQLITE_FILL = f"""
INSERT INTO {FTS_TABLE} (rowid, quote, summary, speaker, place)
SELECT s.id, s.quote, s.summary, trim(coalesce(o.name, '') || ' ' || coalesce(a.name, '')),
       coalesce(j.name, '')
FROM statements_statement s
LEFT JOIN cities_official o ON o.id = s.official_id
LEFT JOIN cities_agency a ON a.id = s.agency_id
LEFT JOIN cities_jurisdiction j ON j.id = s.jurisdiction_id
WHERE {{where}};"""

# (name, table, event, what it does). A name change of a speaker or a place refreshes the text
# of that one's statements.
SQLITE_TRIGGERS = [
    (
        "statements_statement_fts_insert",
        "AFTER INSERT ON statements_statement",
        SQLITE_FILL.format(where="s.id = NEW.id"),
    ),
    (
        "statements_statement_fts_update",
        "AFTER UPDATE OF quote, summary, official_id, agency_id, jurisdiction_id "
        "ON statements_statement",
        f"DELETE FROM {FTS_TABLE} WHERE rowid = OLD.id;"
        + SQLITE_FILL.format(where="s.id = NEW.id"),
    ),
    (
        "statements_statement_fts_delete",
        "AFTER DELETE ON statements_statement",
        f"DELETE FROM {FTS_TABLE} WHERE rowid = OLD.id;",
    ),
    *[
        (
            f"statements_statement_fts_{table}_name",
            f"AFTER UPDATE OF name ON cities_{table}",
            f"DELETE FROM {FTS_TABLE} WHERE rowid IN "
            f"(SELECT id FROM statements_statement WHERE {column} = NEW.id);"
            + SQLITE_FILL.format(where=f"s.{column} = NEW.id"),
        )
        for table, column in (
            ("official", "official_id"),
            ("agency", "agency_id"),
            ("jurisdiction", "jurisdiction_id"),
        )
    ],
]


def sqlite_fill(cursor) -> None:
    """Create the FTS5 table if need be and fill it afresh from the statements."""
    cursor.execute(SQLITE_CREATE_TABLE)
    cursor.execute(f"DELETE FROM {FTS_TABLE}")
    cursor.execute(SQLITE_FILL.format(where="1"))


def sqlite_uninstall(cursor) -> None:
    sqlite_drop_triggers(cursor)
    cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def sqlite_drop_triggers(cursor) -> None:
    for name, _event, _body in SQLITE_TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def _installed(cursor) -> tuple[bool, bool]:
    """(the FTS5 table exists, every trigger exists)."""
    cursor.execute("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'trigger')")
    names = {name for _type, name in cursor.fetchall()}
    return FTS_TABLE in names, all(name in names for name, _e, _b in SQLITE_TRIGGERS)


# The triggers live outside migrations. A migration that rebuilds a table on SQLite (most
# changes of a column or a constraint) renames a copy into place, and SQLite refuses the rename
# while a trigger elsewhere names the table; the rebuild would drop the table's own triggers
# anyway. So `migrate` drops them first (pre_migrate) and puts them back at the end
# (post_migrate), refilling the FTS5 table when migrations ran in between.
_stale: set[str] = set()  # databases whose triggers had gone missing before migrate
_set_aside: set[str] = set()  # databases whose triggers migrate dropped


def sqlite_before_migrate(sender, *, using: str = "default", **kwargs) -> None:
    connection = _sqlite(using)
    if connection is None:
        return
    with connection.cursor() as cursor:
        table, triggers = _installed(cursor)
        if table:
            if not triggers:
                _stale.add(using)
            sqlite_drop_triggers(cursor)
            _set_aside.add(using)


def sqlite_after_migrate(sender, *, using: str = "default", plan=None, **kwargs) -> None:
    """Put the triggers back; refill the FTS5 table when migrations ran or a trigger had gone
    missing. Nothing when the table is not installed (0009 not applied)."""
    connection = _sqlite(using)
    if connection is None:
        return
    with connection.cursor() as cursor:
        table, triggers = _installed(cursor)
        if not table:
            return
        missing_unseen = not triggers and using not in _set_aside
        if plan or using in _stale or missing_unseen:
            sqlite_fill(cursor)
        _stale.discard(using)
        _set_aside.discard(using)
        if not triggers:
            sqlite_drop_triggers(cursor)
            for name, event, body in SQLITE_TRIGGERS:
                cursor.execute(f"CREATE TRIGGER {name} {event} BEGIN {body} END")


def _sqlite(using: str):
    from django.db import connections

    connection = connections[using]
    return connection if connection.vendor == "sqlite" else None


# -- PostgreSQL: the search vector with the speaker's and the place's names --------------------
POSTGRES_INSTALL = """
CREATE OR REPLACE FUNCTION statements_statement_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english', coalesce(NEW.quote, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'B') ||
    setweight(to_tsvector('english',
      coalesce((SELECT name FROM cities_official WHERE id = NEW.official_id), '') || ' ' ||
      coalesce((SELECT name FROM cities_agency WHERE id = NEW.agency_id), '')), 'C') ||
    setweight(to_tsvector('english',
      coalesce((SELECT name FROM cities_jurisdiction WHERE id = NEW.jurisdiction_id), '')), 'D');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS statements_statement_search_vector_update ON statements_statement;
CREATE TRIGGER statements_statement_search_vector_update
BEFORE INSERT OR UPDATE OF quote, summary, official_id, agency_id, jurisdiction_id
ON statements_statement
FOR EACH ROW EXECUTE FUNCTION statements_statement_search_vector();

-- A speaker's or a place's new name reaches the text of its statements (the update above
-- recomputes the vector).
CREATE OR REPLACE FUNCTION statements_statement_search_names() RETURNS trigger AS $$
BEGIN
  IF TG_ARGV[0] = 'official' THEN
    UPDATE statements_statement SET quote = quote WHERE official_id = NEW.id;
  ELSIF TG_ARGV[0] = 'agency' THEN
    UPDATE statements_statement SET quote = quote WHERE agency_id = NEW.id;
  ELSE
    UPDATE statements_statement SET quote = quote WHERE jurisdiction_id = NEW.id;
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER statements_statement_search_official_name
AFTER UPDATE OF name ON cities_official FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
EXECUTE FUNCTION statements_statement_search_names('official');
CREATE TRIGGER statements_statement_search_agency_name
AFTER UPDATE OF name ON cities_agency FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
EXECUTE FUNCTION statements_statement_search_names('agency');
CREATE TRIGGER statements_statement_search_jurisdiction_name
AFTER UPDATE OF name ON cities_jurisdiction FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
EXECUTE FUNCTION statements_statement_search_names('jurisdiction');

UPDATE statements_statement SET quote = quote;
"""

POSTGRES_UNINSTALL = """
DROP TRIGGER IF EXISTS statements_statement_search_official_name ON cities_official;
DROP TRIGGER IF EXISTS statements_statement_search_agency_name ON cities_agency;
DROP TRIGGER IF EXISTS statements_statement_search_jurisdiction_name ON cities_jurisdiction;
DROP FUNCTION IF EXISTS statements_statement_search_names();

CREATE OR REPLACE FUNCTION statements_statement_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english', coalesce(NEW.quote, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'B');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS statements_statement_search_vector_update ON statements_statement;
CREATE TRIGGER statements_statement_search_vector_update
BEFORE INSERT OR UPDATE OF quote, summary ON statements_statement
FOR EACH ROW EXECUTE FUNCTION statements_statement_search_vector();

UPDATE statements_statement SET quote = quote;
"""
