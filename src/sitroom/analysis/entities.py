"""People and organisations named in a message: a shipped list you can extend, and titles.

Names come from data/names.json plus, when set, the user file `settings.names_path` in the
same layout (its entries are tried first):

    {
      "orgs":   [{"name": "UNHCR", "type": "aid_agency",
                  "aliases": ["UNHCR", "UN refugee agency", "مفوضية اللاجئين"]}],
      "people": [{"name": "Rupert Colville", "role": "UN human rights spokesman",
                  "aliases": ["Rupert Colville", "Colville", "روبرت كولفيل"]}],
      "roles":  [{"name": "UN envoy", "aliases": ["UN envoy", "المبعوث الأممي"]}],
      "titles": {"Dr": "doctor", "spokesman": "spokesman", "الدكتور": "doctor", "Mr": null}
    }

Every section is optional. `type` is free text; the shipped list uses aid_agency, un_body,
rights_group, armed_group, government and media. An alias written in capitals (UN, WHO,
SARC) matches only in capitals, so "who" is not the WHO; other aliases match in any case,
Arabic ones with clitics (وبالأمم المتحدة) and spelling variants folded. A role found
right before a person becomes that person's role; a role alone is a person entry whose name
is the role. A title (`titles`: title -> role or null) followed by one to three capitalised
words (Latin) or one to three words (Arabic, up to a verb or preposition) gives a person not
on the list: "Dr. Ahmad Tarakji", "الدكتور محمد". A title written with a capital needs one in
the text.

Matching is a folded-phrase index over the same tokens as places (see `nameindex`): spaCy's
tokenizer alone runs at about 9,500 tweets/s here, below this step's budget, and its
PhraseMatcher cannot strip Arabic clitics.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import ClassVar

from sitroom.analysis.base import AnalysisItem, AnalysisSettings, Annotations
from sitroom.analysis.memo import TextMemo
from sitroom.analysis.nameindex import ARABIC, LOWER, Match, PhraseIndex, Token, name_keys, tokenize
from sitroom.analysis.placewords import COMMON_WORDS
from sitroom.analysis.transliteration import arabic_key
from sitroom.errors import AnalysisError
from sitroom.models import JsonObject, JsonValue

MAX_CHARS = 20_000
_ARABIC_BREAKS = frozenset(
    arabic_key(word)
    for word in [
        "قال",
        "قالت",
        "يقول",
        "تقول",
        "أكد",
        "اكد",
        "أكدت",
        "أعلن",
        "اعلن",
        "صرح",
        "أضاف",
        "اضاف",
        "إن",
        "ان",
        "أن",
        "في",
        "من",
        "على",
        "إلى",
        "الى",
        "عن",
        "مع",
        "باسم",
        "اليوم",
        "أمس",
        "الذي",
        "التي",
        "هو",
        "هي",
        "لـ",
        "بعد",
        "قبل",
        "خلال",
        "ضد",
    ]
)


@dataclass(frozen=True, slots=True)
class NameEntry:
    """One alias's meaning: an org, a person or a role, and how strictly it must match."""

    kind: str
    name: str
    type: str | None = None
    role: str | None = None
    exact: str | None = None


_Found = tuple[list[JsonValue], list[JsonValue]]


class EntitiesStep:
    """People (with roles) and organisations (with types); see the module docstring."""

    name: ClassVar[str] = "entities"
    version: ClassVar[str] = "1"
    keys: ClassVar[tuple[str, ...]] = ("people", "orgs")
    reads: ClassVar[tuple[str, ...]] = ("places",)
    per_message: ClassVar[bool] = True

    def __init__(self, settings: AnalysisSettings) -> None:
        """Build the name index from the shipped list and the user's file."""
        sources = [read_names(settings.names_path)] if settings.names_path else []
        sources.append(_shipped_names())
        self._index: PhraseIndex[NameEntry] = PhraseIndex()
        self._titles: dict[str, tuple[str | None, bool]] = {}
        for document in sources:
            _add_document(self._index, self._titles, document)
        self._memo: TextMemo[tuple[str, tuple[tuple[int, int], ...]], _Found] = TextMemo()

    def annotate(self, items: Sequence[AnalysisItem]) -> list[Annotations]:
        """`people` and `orgs` for each item, in text order."""
        out: list[Annotations] = []
        for item in items:
            people, orgs = self.find(item)
            out.append({"people": {"value": people}, "orgs": {"value": orgs}})
        return out

    def find(self, item: AnalysisItem) -> tuple[list[JsonValue], list[JsonValue]]:
        """The people and the organisations of one item (a text seen before is read once)."""
        text = item.text[:MAX_CHARS] if isinstance(item.text, str) else ""
        return self._memo.get((text, _place_spans(item)), self._find_key, text=text)

    def _find_key(self, key: tuple[str, tuple[tuple[int, int], ...]]) -> _Found:
        text, place_spans = key
        tokens = tokenize(text)
        matches = self._index.scan(
            tokens, lambda t, a, b, k, entries: _pick(text, t, a, b, entries)
        )
        taken = {i for match in matches for i in range(match.first, match.last)}
        taken |= _place_tokens(place_spans, tokens)
        people: list[JsonValue] = []
        orgs: list[JsonValue] = []
        pending_role: JsonObject | None = None
        for match in _merge(matches, self._titled(tokens, taken, text)):
            entry = match.value
            found: JsonObject = {
                "text": text[match.start : match.end],
                "span": [match.start, match.end],
                "name": entry.name,
            }
            if entry.kind == "org":
                found["type"] = entry.type
                orgs.append(found)
                pending_role = None
                continue
            if (
                entry.kind == "person"
                and pending_role is not None
                and _adjacent(text, pending_role, match)
            ):
                people.remove(pending_role)
                found["role"] = pending_role["name"]
            elif entry.role:
                found["role"] = entry.role
            people.append(found)
            pending_role = found if entry.kind == "role" else None
        return people, orgs

    def _titled(
        self, tokens: Sequence[Token], taken: set[int], text: str
    ) -> list[Match[NameEntry]]:
        """People introduced by a title: "Dr. Ahmad Tarakji", "spokesman Jens Laerke"."""
        found: list[Match[NameEntry]] = []
        for index, token in enumerate(tokens):
            title = self._titles.get(token.key)
            if title is None or index in taken or (title[1] and token.shape == LOWER):
                continue
            names = _name_after(tokens, index + 1, taken)
            if not names:
                continue
            first, last = tokens[names[0]], tokens[names[-1]]
            entry = NameEntry("person", text[first.start : last.end], role=title[0])
            found.append(Match(index, names[-1] + 1, token.start, last.end, entry))
        return found


def _name_after(tokens: Sequence[Token], index: int, taken: set[int]) -> list[int]:
    """Indexes of the name words right after the title at `index - 1` (maybe none)."""
    picked: list[int] = []
    arabic = index < len(tokens) and tokens[index].shape == ARABIC
    limit = 3
    while index < len(tokens) and len(picked) < limit and index not in taken:
        token = tokens[index]
        # The first name word may follow "Dr." or "د." across the dot; the others need a space.
        close = token.joined if picked else token.start - tokens[index - 1].end <= 2
        if not close:
            break
        if arabic:
            if token.shape != ARABIC or any(key in _ARABIC_BREAKS for key, _ in token.variants):
                break
        elif token.shape in (LOWER, ARABIC) or token.key in COMMON_WORDS:
            break
        picked.append(index)
        index += 1
    return picked


def _pick(
    text: str, tokens: Sequence[Token], first: int, last: int, entries: list[NameEntry]
) -> NameEntry | None:
    """The first entry whose capitalisation rule the text meets."""
    surface = _letters(text[tokens[first].start : tokens[last - 1].end])
    for entry in entries:
        if entry.exact is None or entry.exact == surface:
            return entry
    return None


def _merge(
    listed: list[Match[NameEntry]], titled: list[Match[NameEntry]]
) -> list[Match[NameEntry]]:
    return sorted([*listed, *titled], key=lambda match: match.start)


def _adjacent(text: str, role: JsonObject, match: Match[NameEntry]) -> bool:
    span = role["span"]
    assert isinstance(span, list) and isinstance(span[1], int)
    return text[span[1] : match.start].strip(" ,:") == ""


def _place_spans(item: AnalysisItem) -> tuple[tuple[int, int], ...]:
    """Spans of the place mentions the places step found (Sheikh Maqsoud is a place)."""
    places = item.annotations.get("places", {}).get("value")
    if not isinstance(places, list) or not places:
        return ()
    spans = [p.get("span") for p in places if isinstance(p, dict)]
    return tuple(
        (s[0], s[1])
        for s in spans
        if isinstance(s, list) and len(s) == 2 and isinstance(s[0], int) and isinstance(s[1], int)
    )


def _place_tokens(ranges: Sequence[tuple[int, int]], tokens: Sequence[Token]) -> set[int]:
    """Tokens inside place mentions."""
    if not ranges:
        return set()
    return {i for i, t in enumerate(tokens) if any(a <= t.start < b for a, b in ranges)}


def _letters(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def _add_document(
    index: PhraseIndex[NameEntry],
    titles: dict[str, tuple[str | None, bool]],
    document: dict[str, object],
) -> None:
    for section, kind in (("orgs", "org"), ("people", "person"), ("roles", "role")):
        for entry, aliases in _entries(document, section, kind):
            for alias in aliases:
                letters = _letters(alias)
                strict = letters if len(letters) >= 2 and letters.isupper() else None
                entry_for_alias = NameEntry(entry.kind, entry.name, entry.type, entry.role, strict)
                for key in name_keys(alias):
                    index.add(key, entry_for_alias)
    raw_titles = document.get("titles", {})
    if isinstance(raw_titles, dict):
        for title, role in raw_titles.items():
            for key in name_keys(title):
                previous = titles.get(key)
                capital = title[:1].isupper() and (previous is None or previous[1])
                titles[key] = (role if isinstance(role, str) else None, capital)


def _entries(
    document: dict[str, object], section: str, kind: str
) -> list[tuple[NameEntry, list[str]]]:
    rows = document.get(section, [])
    if not isinstance(rows, list):
        raise AnalysisError(f"names: '{section}' must be a list")
    out: list[tuple[NameEntry, list[str]]] = []
    for number, row in enumerate(rows):
        name = row.get("name") if isinstance(row, dict) else None
        aliases = row.get("aliases", [name]) if isinstance(row, dict) else None
        if (
            not isinstance(name, str)
            or not isinstance(aliases, list)
            or not all(isinstance(alias, str) for alias in aliases)
        ):
            raise AnalysisError(
                f"names: {section}[{number}] needs a string 'name' and a list of string 'aliases'"
            )
        assert isinstance(row, dict)
        kind_type = row.get("type") if isinstance(row.get("type"), str) else None
        role = row.get("role") if isinstance(row.get("role"), str) else None
        if kind == "role":
            role = name
        entry = NameEntry(
            kind, name, type=kind_type or ("other" if kind == "org" else None), role=role
        )
        out.append((entry, [name, *aliases] if kind != "role" else [*aliases, name]))
    return out


def read_names(path: Path) -> dict[str, object]:
    """A names file (layout in the module docstring); AnalysisError when it is malformed."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AnalysisError(f"names file {path}: cannot read it as JSON ({exc})") from exc
    if not isinstance(document, dict):
        raise AnalysisError(f"names file {path}: the top level must be an object")
    try:
        _add_document(PhraseIndex(), {}, document)
    except AnalysisError as exc:
        raise AnalysisError(f"names file {path}: {exc}") from exc
    return document


def _shipped_names() -> dict[str, object]:
    text = (resources.files("sitroom.analysis") / "data" / "names.json").read_text("utf-8")
    document: dict[str, object] = json.loads(text)
    return document
