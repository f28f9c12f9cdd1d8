"""Places mentioned in a message, resolved to the gazetteer, and the platform's geotag.

A mention is the longest run of words whose folded key names a gazetteer place (Bustan
al-Qasr, East Aleppo, حي الفردوس, وبالرقة -> الرقة with the clitics left out of the span).
Romanisation variants (Deir al-Zour, Rakka, Edlib) are tried next, on capitalised words
not already taken. Each mention resolves to one place: places of the collection's region
(`settings.region`) first, then the user gazetteer, then the most populous.

False positives are the main risk, so a mention must pass these rules:
- Latin words in lower case or ALL CAPS only match the hand-written exonyms (aleppo,
  halab) and user places; other names must be capitalised (Police, Reading, Nice in lower
  case are words);
- a stop-list of words that are also places (Of, Police, Mobile, March, person names,
  Arabic function words and words such as أمان، بلا) never matches on its own;
- outside the region only cities of 15,000 people or more are loaded; a single Arabic word
  outside the region must name a place of 100,000 or more (or an exonym or country);
- single words of fewer than three letters never match;
- a name that is part of a facility's name is not that place: مستشفى القدس (Al-Quds hospital,
  in Aleppo) is not Jerusalem. That is a name right after an Arabic facility noun (مستشفى،
  مشفى، مدرسة، جامع، مسجد... with or without a proclitic), right before an English one
  ("Al-Quds hospital", also across up to two capitalised words: "Quds Field Hospital"; not
  a possessive: "Aleppo's hospitals"), or after one and "of" ("the hospital of al-Quds").
  Plural nouns name no facility ("Aleppo hospitals", مستشفيات حلب). When the gazetteer holds
  the facility itself (a user place "مستشفى القدس"), the longer name matches first and wins.

A geotag (`extra["coordinates"]` = [lon, lat], or `extra["place"]` with name, country_code
and bbox) adds a place with "source": "geotag" and "span": null, named after the nearest
gazetteer place within 30 km when there is one. Text past the first 20,000 characters is
not searched. A US state ranks as a city of 100,000 people when a name is ambiguous.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from sitroom.analysis.base import AnalysisItem, AnalysisSettings, Annotations
from sitroom.analysis.gazetteer import Place, load_gazetteer
from sitroom.analysis.memo import TextMemo
from sitroom.analysis.nameindex import (
    ARABIC,
    CAPITAL,
    UPPER,
    Match,
    Token,
    name_keys,
    tokenize,
)
from sitroom.analysis.placewords import FACILITY_NOUNS, LOWERCASE_UNSAFE, STOP_WORDS
from sitroom.analysis.transliteration import EXONYMS, fuzzy_key, latin_key
from sitroom.models import JsonObject, JsonValue

MAX_CHARS = 20_000
ARABIC_WORD_MIN_POPULATION = 100_000
ADMIN1_RANK = 100_000
_NO_KEY = "\x00"
_NO_VARIANTS = ((_NO_KEY, 0),)
_new_token = tuple.__new__  # what Token._replace builds, without its Python-level overhead
_NEAR_CACHE = 10_000


class PlacesStep:
    """Toponyms in English and Arabic text plus platform geotags (see the module docstring)."""

    name: ClassVar[str] = "places"
    version: ClassVar[str] = "2"
    keys: ClassVar[tuple[str, ...]] = ("places",)
    reads: ClassVar[tuple[str, ...]] = ()
    per_message: ClassVar[bool] = True

    def __init__(self, settings: AnalysisSettings) -> None:
        """Load (or reuse) the gazetteer for the collection's region and user file."""
        self._gazetteer = load_gazetteer(settings)
        self._places = self._gazetteer.places
        self._region = self._gazetteer.region
        self._lower_ok = (
            frozenset(
                key
                for name, variants in EXONYMS.values()
                for spelling in (name, *variants)
                for key in name_keys(spelling)
            )
            - LOWERCASE_UNSAFE
        )
        self._memo: TextMemo[str, list[JsonValue]] = TextMemo()
        self._near: dict[tuple[float, float], Place | None] = {}

    def annotate(self, items: Sequence[AnalysisItem]) -> list[Annotations]:
        """One `places` annotation per item: text mentions in order, then the geotag."""
        return [{"places": {"value": self.find(item)}} for item in items]

    def find(self, item: AnalysisItem) -> list[JsonValue]:
        """The places of one item, as annotation entries."""
        text = item.text[:MAX_CHARS] if isinstance(item.text, str) else ""
        found = self._memo.get(text, self._in_text, text=text)
        geotag = self._geotag(item.extra)
        return found if geotag is None else [*found, geotag]

    def _in_text(self, text: str) -> list[JsonValue]:
        """The places named in a text (a text seen before is read once)."""
        return [
            self._entry(text, match.start, match.end, match.value)
            for match in self._mentions(tokenize(text), text)
        ]

    def _mentions(self, tokens: Sequence[Token], text: str) -> list[Match[Place]]:
        return [
            match for match in self._candidate_mentions(tokens)
            if not _in_facility_name(tokens, match, text)
        ]

    def _candidate_mentions(self, tokens: Sequence[Token]) -> list[Match[Place]]:
        exact = self._gazetteer.exact.scan(tokens, self._accept)
        taken = {index for match in exact for index in range(match.first, match.last)}
        fuzzy_index = self._gazetteer.fuzzy
        if not any(
            fuzzy_index.starts(fuzzy_key(token.key))
            for index, token in enumerate(tokens)
            if token.shape == CAPITAL and index not in taken and token.key not in STOP_WORDS
        ):
            return exact
        fuzzy_tokens = [_fuzzy_token(token, index in taken) for index, token in enumerate(tokens)]
        fuzzy = fuzzy_index.scan(fuzzy_tokens, self._accept_fuzzy)
        return sorted([*exact, *fuzzy], key=lambda match: match.start)

    def _accept(
        self, tokens: Sequence[Token], first: int, last: int, key: str, ids: list[int]
    ) -> Place | None:
        lead = tokens[first]
        candidates = [self._places[i] for i in ids]
        user = [place for place in candidates if place.kind == "user"]
        if last - first == 1 and (key in STOP_WORDS or len(key) < 3):
            candidates = user
        elif lead.shape == ARABIC:
            if last - first == 1:
                candidates = [p for p in candidates if self._arabic_word_ok(p)]
        elif lead.shape != CAPITAL and key not in self._lower_ok:
            candidates = user
        return self._best(candidates)

    def _accept_fuzzy(
        self, tokens: Sequence[Token], first: int, last: int, key: str, ids: list[int]
    ) -> Place | None:
        if last - first == 1 and len(key) < 5:
            return None
        candidates = [
            place
            for place in (self._places[i] for i in ids)
            if place.kind == "user" or place.country_code in self._region
        ]
        return self._best(candidates)

    def _arabic_word_ok(self, place: Place) -> bool:
        return (
            place.kind != "city"
            or place.country_code in self._region
            or place.geonameid in EXONYMS
            or place.population >= ARABIC_WORD_MIN_POPULATION
        )

    def _best(self, candidates: list[Place]) -> Place | None:
        if not candidates:
            return None
        return max(candidates, key=self._rank)

    def _rank(self, place: Place) -> tuple[bool, bool, int, int]:
        # A state counts as a city of 100,000: Colorado is the state, not Colorado in Brazil,
        # but New York is the city.
        size = min(place.population, ADMIN1_RANK) if place.kind == "admin1" else place.population
        return (place.country_code in self._region, place.kind == "user", size, -place.geonameid)

    def _entry(self, text: str, start: int, end: int, place: Place) -> JsonObject:
        return {
            "text": text[start:end],
            "span": [start, end],
            **self._describe(place),
            "source": "text",
        }

    def _describe(self, place: Place) -> JsonObject:
        exonym = EXONYMS.get(place.geonameid)
        admin: list[JsonValue] = list(self._gazetteer.admin_path(place))
        return {
            "name": exonym[0] if exonym else place.name,
            "geonameid": place.geonameid,
            "lat": round(place.lat, 4),
            "lon": round(place.lon, 4),
            "admin": admin,
        }

    def _geotag(self, extra: JsonObject) -> JsonObject | None:
        point = _point(extra.get("coordinates"))
        tag = extra.get("place")
        tag = tag if isinstance(tag, dict) else {}
        if point is None:
            point = _bbox_centre(tag.get("bbox"))
        place = self._nearest(point) if point else None
        if place is None:
            place = self._place_named(tag)
        if place is None and point is None:
            return None
        label = tag.get("full_name") or tag.get("name")
        entry: JsonObject = {"text": label if isinstance(label, str) else "", "span": None}
        if place is not None:
            entry.update(self._describe(place))
        else:
            entry.update({"name": entry["text"] or None, "geonameid": None, "admin": []})
        if point is not None:
            entry["lon"], entry["lat"] = round(point[0], 4), round(point[1], 4)
        entry["source"] = "geotag"
        return entry

    def _nearest(self, point: tuple[float, float]) -> Place | None:
        """The gazetteer place nearest a (lon, lat) point (cached: geotags repeat)."""
        if point not in self._near:
            if len(self._near) >= _NEAR_CACHE:
                self._near.clear()
            self._near[point] = self._gazetteer.nearest(point[1], point[0])
        return self._near[point]

    def _place_named(self, tag: dict[str, JsonValue]) -> Place | None:
        name, code = tag.get("name"), tag.get("country_code")
        if not isinstance(name, str):
            return None
        ids = {i for key in name_keys(name) for i in self._gazetteer.exact.get(key)}
        candidates = [self._places[i] for i in ids]
        if isinstance(code, str) and code:
            candidates = [p for p in candidates if p.country_code == code.upper()]
        return self._best(candidates)


_OF = latin_key("of")
_THE = latin_key("the")
_POSSESSIVE = ("'s", "’s", "'S", "’S")
_WORDS_IN_FACILITY_NAME = 2  # capitalised words between a name and its facility noun


def _in_facility_name(tokens: Sequence[Token], match: Match[Place], text: str) -> bool:
    """Whether the matched name is part of a facility's name (see the module docstring)."""
    first, last = match.first, match.last
    if first and tokens[first].joined:
        before = tokens[first - 1]
        # مستشفى القدس، بمستشفى القدس
        if before.shape == ARABIC and any(key in FACILITY_NOUNS for key, _ in before.variants):
            return True
        # "hospital of [the] al-Quds"
        index = first - 1
        if before.key == _THE and index and tokens[index].joined:
            index -= 1
        if (tokens[index].key == _OF and index and tokens[index].joined
                and tokens[index - 1].key in FACILITY_NOUNS
                and tokens[index - 1].shape != ARABIC):
            return True
    if text[match.end - 2:match.end] in _POSSESSIVE:
        return False
    # "<Name> hospital", "<Name> Field Hospital"
    for after in range(last, min(last + _WORDS_IN_FACILITY_NAME + 1, len(tokens))):
        token = tokens[after]
        if not token.joined or token.shape == ARABIC:
            return False
        if token.key in FACILITY_NOUNS:
            return after == last or token.shape in (CAPITAL, UPPER)
        if token.shape not in (CAPITAL, UPPER):
            return False
    return False


def _fuzzy_token(token: Token, taken: bool) -> Token:
    """The token as the fuzzy index sees it: only capitalised, uncommon words start a name."""
    start, end, _key, shape, joined, _variants = token
    if taken or shape == ARABIC:
        return _new_token(Token, (start, end, _NO_KEY, shape, False, _NO_VARIANTS))
    key = fuzzy_key(token.key)
    starts = shape == CAPITAL and token.key not in STOP_WORDS
    return _new_token(Token, (start, end, key, shape, joined, ((key if starts else _NO_KEY, 0),)))


def _point(value: JsonValue) -> tuple[float, float] | None:
    """(lon, lat) from a [lon, lat] pair, or None when it is not one."""
    if not isinstance(value, list) or len(value) != 2:
        return None
    lon, lat = value
    if not _is_number(lon) or not _is_number(lat):
        return None
    lon_f, lat_f = float(lon), float(lat)  # type: ignore[arg-type]
    if not (-180 <= lon_f <= 180 and -90 <= lat_f <= 90):
        return None
    return lon_f, lat_f


def _bbox_centre(value: JsonValue) -> tuple[float, float] | None:
    """(lon, lat) of the centre of a [west, south, east, north] box."""
    if not isinstance(value, list) or len(value) != 4 or not all(map(_is_number, value)):
        return None
    west, south, east, north = (float(v) for v in value)  # type: ignore[arg-type]
    return _point([(west + east) / 2, (south + north) / 2])


def _is_number(value: JsonValue) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
