"""Search: partial diarienummer and words, with Swedish case-folding, on both databases.

The text lives in a full-text index the database keeps in step with the `cases` table itself
(migration 0015), so no write path (engine, import, a hand-written UPDATE) can leave it stale:

- SQLite: the FTS5 table `cases_search` (contentless; `unicode61` folds Å/Ä/Ö, É … and keeps the
  diacritics, so "år" is not "ar"), filled by triggers on `cases`;
- PostgreSQL: a GIN index on a `tsvector` expression over `cases` (`simple` configuration, which
  lower-cases by the database's character type: a UTF-8 one such as C.UTF-8 or sv_SE.UTF-8).

A query is split on white space into terms. A term with a digit in it ("479", "479/2024",
"RUN/479", "run/479/2024") is a diarienummer fragment: its parts must follow one another in the
case's diarienummer or another diarienummer, the last part matching from its start ("47" finds
RUN/47/2024 and RUN/479/2024; "47/2024" finds only RUN/47/2024). Any other term is words, each
of which must begin a word of the title, purpose, follow-up comment or owner. All terms must match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, column, false, func, select, table, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import TextClause

#: The tsvector the PostgreSQL index `ix_cases_search` is built on; a query must use the same
#: expression for the planner to use the index (migration 0015 holds the same text).
#: Migration 0022 stores it as the generated column `cases.search_vector` (GIN-indexed, with the
#: notes' text among the words), which a query reads instead of recomputing it per row.
PG_VECTOR = "cases.search_vector"
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Terms:
    """A query split into diarienummer fragments (each a sequence of parts) and words."""

    numbers: tuple[tuple[str, ...], ...]
    words: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.numbers or self.words)


def parse_query(q: str) -> Terms:
    numbers: list[tuple[str, ...]] = []
    words: list[str] = []
    for term in q.split():
        parts = tuple(p.lower() for p in _WORD.findall(term))
        if not parts:
            continue
        if any(ch.isdigit() for ch in term):
            numbers.append(parts)
        else:
            words.extend(parts)
    return Terms(tuple(numbers), tuple(words))


def fts5_query(terms: Terms) -> str:
    """The FTS5 MATCH expression for `terms` (every token quoted: no operator injection)."""
    clauses: list[str] = []
    for parts in terms.numbers:
        phrase = " + ".join(f'"{p}"' for p in parts) + "*"
        clauses.append(f"dnr : ({phrase})")
    if terms.words:
        clauses.append("body : (" + " AND ".join(f'"{w}"*' for w in terms.words) + ")")
    return " AND ".join(clauses)


def tsquery(terms: Terms) -> str:
    """The PostgreSQL `to_tsquery` text for `terms` (lexemes quoted)."""
    clauses: list[str] = []
    for parts in terms.numbers:
        lexemes = [f"'{p}':A" for p in parts[:-1]] + [f"'{parts[-1]}':*A"]
        clauses.append("(" + " <-> ".join(lexemes) + ")")
    clauses.extend(f"'{w}':*B" for w in terms.words)
    return " & ".join(clauses)


#: The case columns a word term searches (migration 0022's body, beside the notes' text).
WORD_COLUMNS = ("title", "purpose", "follow_up_comment", "owner")


def words_match(terms: Terms, texts: list[str | None]) -> bool:
    """Whether every word of `terms` begins a word of `texts` (the index's rule, in Python:
    a marked case's match is checked again against only the text the searcher may see)."""
    tokens = {t.lower() for text in texts if text for t in _WORD.findall(text)}
    return all(any(t.startswith(w) for t in tokens) for w in terms.words)


#: Above this many matches, SQLite is told to walk `cases` in the list's order and test each row
#: against the matches (stopping at the page), instead of fetching every match and sorting them.
BROAD = 2000


def search_condition(
    q: str, conn: Connection, id_column: ColumnElement[int]
) -> ColumnElement[bool]:
    """A WHERE condition on `id_column` (the cases' id) for the cases matching `q`; nothing
    matches a query with nothing searchable in it (only punctuation)."""
    terms = parse_query(q)
    if not terms:
        return false()
    if conn.dialect.name == "postgresql":
        clause: TextClause = text(f"{PG_VECTOR} @@ to_tsquery('simple'::regconfig, :search_q)")
        return clause.bindparams(search_q=tsquery(terms))  # type: ignore[return-value]
    match = text("cases_search MATCH :search_q").bindparams(search_q=fts5_query(terms))
    matching: Select[Any] = select(column("rowid")).select_from(table("cases_search")).where(match)
    counted = select(func.count()).select_from(matching.limit(BROAD + 1).subquery())
    if int(conn.execute(counted).scalar_one()) > BROAD:
        # `id + 0` keeps the planner from driving the query by the matches' rowids.
        return (id_column + 0).in_(matching.scalar_subquery())
    return id_column.in_(matching.scalar_subquery())
