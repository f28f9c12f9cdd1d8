"""Turn what a person types into a safe FTS5 expression: their words are always quoted data.

Supported, as people expect from search boxes: words (all must match), "quoted phrases",
`OR` between terms, `-word` or `-"phrase"` to exclude. Nothing the user types reaches FTS5
syntax unquoted: every term is normalised and wrapped in double quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sitroom.errors import QueryError
from sitroom.textnorm import normalize_for_search

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD_CHARS = re.compile(r"\w", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class _Term:
    text: str
    negated: bool


def _terms(query: str) -> list[_Term | None]:
    """Split into terms; None marks an OR."""
    out: list[_Term | None] = []
    for match in _TOKEN.finditer(query):
        neg, phrase, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None:
            if bare == "OR":
                out.append(None)
                continue
            negated = bare.startswith("-") and len(bare) > 1
            text = bare[1:] if negated else bare
            out.append(_Term(text, negated))
        else:
            out.append(_Term(phrase, bool(neg)))
    return out


def _quote(text: str) -> str | None:
    normalised = _CONTROL.sub(" ", normalize_for_search(text))
    if not _WORD_CHARS.search(normalised):
        return None
    return '"' + normalised.replace('"', '""') + '"'


def to_fts_expression(query: str) -> str:
    """The FTS5 MATCH expression for a user's query; raises QueryError if nothing is searchable."""
    groups: list[list[str]] = [[]]
    excluded: list[str] = []
    pending_or = False
    for term in _terms(query):
        if term is None:
            pending_or = bool(groups[-1])
            continue
        quoted = _quote(term.text)
        if quoted is None:
            continue
        if term.negated:
            excluded.append(quoted)
        elif pending_or:
            groups[-1].append(quoted)
        else:
            groups.append([quoted])
        pending_or = False
    positive = [g for g in groups if g]
    if not positive:
        raise QueryError(f"nothing to search for in {query!r}: give at least one word to find")
    expr = " AND ".join("(" + " OR ".join(g) + ")" for g in positive)
    for quoted in excluded:
        expr = f"({expr}) NOT {quoted}"
    return expr
