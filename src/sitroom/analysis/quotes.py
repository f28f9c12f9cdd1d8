"""Quotes in news text: who said what, in which role, and where the quoted words are.

English: '"...," said Rupert Colville, spokesman for the UN human rights office',
'"...", Colville said', 'Colville said: "..."', 'UN spokesman Rupert Colville said "..."',
'according to the UN, ...', '..., the ministry said.', 'Colville said (that) ...'. Arabic: قال /
صرح / أكد / أضاف / أوضح / أشار / ذكر / أعلن / حذر + speaker (+ "، role،") + «...» or "..." or
"إن ..."; «...»، قال X; بحسب / وفقا لـ X. A quote says `speaker`, `role` (the appositive or the
title before the name, None when absent), `text` and `span` (of the quoted words, marks
excluded; of the reported clause for indirect speech). "he said" takes the last named speaker
before it; a pronoun with no one before it yields no quote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from sitroom.analysis.base import AnalysisItem, AnalysisSettings, Annotations
from sitroom.analysis.memo import TextMemo
from sitroom.models import JsonObject


def _words(text: str) -> frozenset[str]:
    """The set of space-separated words in `text` (word lists read better as one string)."""
    return frozenset(text.split())


MAX_CHARS = 20_000  # long articles are read up to here; the rule cost grows with length

_ROLE_NOUNS = (
    r"spokes(?:man|woman|person)|director|minister|head|chief|official|president|coordinator|"
    r"commissioner|representative|envoy|secretary(?:-general)?|commander|doctor|activist|resident|"
    r"journalist|correspondent|researcher|member|leader|mayor|governor|ambassador|chair(?:man)?|"
    r"manager|officer|advis[eo]r|analyst|professor|witness|volunteer|nurse|surgeon|paramedic|"
    r"worker|founder|monitor|observer|rescuer|agency|ministry|office|organi[sz]ation|group|"
    r"observatory|committee|council|network|police|army|military|source|government|team"
)
_UP = r"[A-ZÀ-ÖØ-ÞĀ-Ž]"
_CAP = rf"{_UP}[\w'’.-]*"
_LINK = r"(?:of|for|the|and|on|de|da|van|von|bin|ibn|abu|al|el)"
_NAME = rf"(?:[Tt]he\s+)?{_CAP}(?:\s+(?:{_LINK}\s+){{0,2}}(?:{_CAP}|al-\w+|el-\w+)){{0,5}}"
_ROLE_SPEAKER = (rf"(?:\b(?:[Tt]he|[Aa]n?|[Oo]ne)\s+(?:[\w'’-]+\s+){{0,5}}?|"
                 rf"(?:{_UP}[\w'’.-]*\s+){{1,3}})(?:{_ROLE_NOUNS})s?\b")
_SPEAKER = rf"(?P<speaker>{_ROLE_SPEAKER}|{_NAME}|he|she|they)"
_ROLE = (rf"(?P<role>(?:the\s+|a\s+|an\s+|its\s+)?(?:[\w'’().-]+\s+){{0,6}}?(?:{_ROLE_NOUNS})"
         r"(?:\s+(?:for|of|at|in|with|to|on)\s+[^,.;:\"“”«»\n]{2,70})?)")
_VERB = (r"(?:said|says|told|tells|added|adds|stated|states|warned|warns|explained|noted|notes|"
         r"announced|tweeted|wrote|writes|declared|confirmed|confirms|claimed|urged|insisted|"
         r"stressed|asked|continued|recalled)")
_QUOTE = r"(?:\"(?P<q1>[^\"\n]{3,2000}?)\"|“(?P<q2>[^”\n]{3,2000}?)”|«(?P<q3>[^»\n]{3,2000}?)»)"

_EN_TEMPLATES = [
    rf"{_QUOTE}\s*[,:]?\s*{_VERB}\s+{_SPEAKER}(?:\s*,\s*{_ROLE})?",
    rf"{_QUOTE}\s*[,:]?\s*{_SPEAKER}(?:\s*,\s*{_ROLE}\s*,)?\s+{_VERB}",
    rf"{_SPEAKER}(?:\s*,\s*{_ROLE}\s*,)?\s+{_VERB}(?:\s+[\w-]+){{0,3}}?\s*[:,]?\s*{_QUOTE}",
]
_SENTENCE_START = r"(?:^|(?<=[.!?\n]\s)|(?<=[.!?\n]))\s*"
_CLAUSE = r"(?:[^.!?\n\"“«]|(?<=\w)\.(?=\w))"  # "7.4" and "U.S" do not end a clause
_EN_INDIRECT = [
    rf"\b[Aa]ccording to {_SPEAKER}(?:\s*,\s*{_ROLE})?\s*,\s*(?P<text>{_CLAUSE}{{5,400}})",
    rf"{_SENTENCE_START}(?P<text>{_CLAUSE}{{5,400}}?),?\s+according to "
    rf"{_SPEAKER}(?:\s*,\s*{_ROLE})?",
    rf"{_SPEAKER}(?:\s*,\s*{_ROLE}\s*,)?\s+(?:said|says|told [\w ]{{2,30}}?|warned|added|stated)"
    rf"\s+(?:that\s+)?(?P<text>{_CLAUSE}{{5,400}})",
    rf"{_SENTENCE_START}(?P<text>{_CLAUSE}{{5,400}}?),\s+{_SPEAKER}\s+(?:said|says)"
    r"\s*[.!?]?(?:$|\s)",
    rf"{_SENTENCE_START}(?P<text>{_CLAUSE}{{5,400}}?),\s+(?:said|says)\s+{_SPEAKER}"
    rf"(?:\s*,\s*{_ROLE})?\s*[.!?]?(?:$|\s)",
]

_AR_VERB = (r"(?<!\w)[وف]?(?:قال|قالت|صرح|صرحت|[أا]كد|[أا]كدت|[أا]ضاف|[أا]ضافت|[أا]وضح|[أا]وضحت|"
            r"[أا]شار|[أا]شارت|ذكر|ذكرت|[أا]علن|[أا]علنت|حذر|حذرت|تابع|تابعت|يقول|تقول|كتب|كتبت|"
            r"غرد|غردت)(?!\w)")
_AR_SPEAKER = r"(?P<speaker>[^،,:«»\"“”.\n]{2,80}?)"
_AR_ROLE = r"(?P<role>[^،,:«»\"“”.\n]{2,120}?)"
_AR_THAT = r"(?:(?<!\w)(?:[إا]ن|[أا]ن)(?:ه|ها|هم)?\s+)"
_AR_TEMPLATES = [
    rf"{_AR_VERB}\s+{_AR_SPEAKER}\s*(?:[،,]\s*{_AR_ROLE}\s*[،,])?\s*{_AR_THAT}?[:：]?\s*{_QUOTE}",
    rf"{_QUOTE}\s*[،,.]?\s*{_AR_VERB}\s+{_AR_SPEAKER}(?:\s*[،,]\s*{_AR_ROLE})?\s*(?:[.،,\n]|$)",
]
_AR_INDIRECT = [
    rf"{_AR_VERB}\s+{_AR_SPEAKER}\s*(?:[،,]\s*{_AR_ROLE}\s*)?[،,]?\s*{_AR_THAT}"
    rf"(?P<text>[^.!?؟\n«\"“]{{5,400}})",
    rf"(?:^|(?<=[.!?؟\n]))\s*(?P<text>[^.!?؟\n«\"“،,]{{5,300}}?)\s*[،,]?\s*"
    rf"(?:وفقا\s*ل|وفقاً\s*ل|بحسب|حسب)\s*{_AR_SPEAKER}\s*(?:[.،,\n]|$)",
]
# "قال المرصد في بيان ..." / "... لوكالة ...": where the speaker's name ends.
_AR_SPEAKER_TAIL = re.compile(
    r"\s+(?:في|خلال|ل)\s*(?:تصريح|بيان|مؤتمر|حديث|مقابل|لقاء|وكال|قنا|صحيف)\S*.*$"
    r"|\s+ل(?:وكال|قنا|صحيف)\S*.*$"
)
_CLAUSE_HEAD = re.compile(r"\s*(?:RT\s+@\w+:?\s*)?(?:#?(?:breaking|update|urgent|عاجل)\w*:?\s*)*",
                          re.I)
_CLAUSE_TAIL = re.compile(r"\s*(?:https?://|\||- @|via @|…).*$", re.S)
_ARTICLE = re.compile(r"^(?:the|a|an|its)\s+", re.I)
_PRONOUNS = _words("he she they")
_NOT_NAMES = _words(
    "The This That These Those It We I You A An He She They But And Or So Then Now When If As "
    "Meanwhile However Also Yesterday Today"
)
_QUOTE_MARKS = ('"', "“", "«")
_EN_VERBS = ("said", "says", "told", "according", "warned", "added", "stated", "tells", "wrote",
             "declared")
_AR_VERBS = ("قال", "صرح", "كد", "ضاف", "وضح", "شار", "ذكر", "علن", "حذر", "بحسب", "وفقا", "حسب",
             "تابع", "يقول", "تقول", "كتب", "غرد")
_PREFILTER = re.compile(
    r"[\"“«]|\b(?:" + "|".join(_EN_VERBS) + r")\b|" + "|".join(_AR_VERBS), re.I
)
_TITLE_BEFORE = re.compile(rf"((?:[\w'’-]+\s+){{0,5}}?(?:{_ROLE_NOUNS}))\s+$")

_COMPILED = [(re.compile(p), "direct") for p in (*_EN_TEMPLATES, *_AR_TEMPLATES)] + [
    (re.compile(p), "indirect") for p in (*_EN_INDIRECT, *_AR_INDIRECT)
]
# What each pattern of _COMPILED cannot match without: for every group, one of its strings
# (case as written: only _PREFILTER ignores case). A pattern whose needs a text lacks is not
# run on it (the rules are slow, and most texts with a quote mark quote nobody).
_VERB_WORDS = tuple(_VERB[3:-1].split("|"))
_AR_VERB_STEMS = ("قال", "صرح", "كد", "ضاف", "وضح", "شار", "ذكر", "علن", "حذر", "تابع", "يقول",
                  "تقول", "كتب", "غرد")
_NEEDS: list[tuple[tuple[str, ...], ...]] = [
    *[(_QUOTE_MARKS, _VERB_WORDS)] * len(_EN_TEMPLATES),
    *[(_QUOTE_MARKS, _AR_VERB_STEMS)] * len(_AR_TEMPLATES),
    (("ccording to",),),
    (("according to",),),
    (("said", "says", "told", "warned", "added", "stated"),),
    (("said", "says"),),
    (("said", "says"),),
    (_AR_VERB_STEMS,),
    (("وفقا", "بحسب", "حسب"),),
]


def _quoted(m: re.Match[str]) -> tuple[str, int, int] | None:
    for name in ("q1", "q2", "q3", "text"):
        if name in m.re.groupindex and m.group(name) is not None:
            s, e = m.span(name)
            text = m.string[s:e]
            if name == "text":  # a reported clause: drop a retweet prefix and a trailing link
                text = _CLAUSE_TAIL.sub("", text)
                lead_match = _CLAUSE_HEAD.match(text)
                s += lead_match.end() if lead_match else 0
                text = text[lead_match.end():] if lead_match else text
                if len(text.split()) < 3:
                    return None
            lead = len(text) - len(text.lstrip())
            text = text.strip().rstrip(",،")  # "...," said X: the comma belongs to the sentence
            return text, s + lead, s + lead + len(text)
    return None


def _speaker(m: re.Match[str], text: str, last: str | None) -> tuple[str, str | None] | None:
    """Speaker and role of a match; pronouns take the last named speaker, or fail."""
    speaker = (m.group("speaker") or "").strip(" \t,،.;:")
    speaker = _AR_SPEAKER_TAIL.sub("", speaker).strip()
    if speaker[:4].lower() == "the " and speaker[4:5].isupper():  # "the UN" names the UN
        speaker = speaker[4:]
    role = m.group("role") if "role" in m.re.groupindex else None
    role = _ARTICLE.sub("", role.strip(" ,،")) if role else None
    if not speaker or len(speaker.split()) > 8:
        return None
    if speaker.lower() in _PRONOUNS:
        return (last, None) if last else None
    first = speaker.split()[0]
    if first in _NOT_NAMES and not re.match(_ROLE_SPEAKER, speaker):
        return None
    if role is None and speaker[:1].isupper():
        title = _TITLE_BEFORE.search(text, max(0, m.start("speaker") - 80), m.start("speaker"))
        if title:
            role = title.group(1).strip()
    return speaker, role


def _may_quote(text: str) -> bool:
    """`_PREFILTER.search(text)`, answered without the regex for most texts.

    Quote marks and the Arabic verbs (no case, no word boundary) are plain substrings. The
    English verbs need the regex only when the case-folded text holds one of them: every
    character the case-insensitive regex takes for a letter of theirs folds to that letter,
    except the Turkish dotted and dotless i, which send the text to the regex too.
    """
    if any(mark in text for mark in _QUOTE_MARKS):
        return True
    if not text.isascii() and any(verb in text for verb in _AR_VERBS):
        return True
    folded = text.casefold()
    if "ı" in folded or "\u0307" in folded or any(verb in folded for verb in _EN_VERBS):
        return _PREFILTER.search(text) is not None
    return False


def find_quotes(text: str) -> list[JsonObject]:
    """Every quote in `text` (see the module docstring), in reading order."""
    text = text[:MAX_CHARS]
    if not _may_quote(text):
        return []
    found: list[tuple[int, int, JsonObject]] = []
    for (pattern, _kind), needs in zip(_COMPILED, _NEEDS, strict=True):
        if not all(any(part in text for part in group) for group in needs):
            continue
        for m in pattern.finditer(text):
            quoted = _quoted(m)
            if quoted is None or any(s < quoted[2] and quoted[1] < e for s, e, _ in found):
                continue
            before = [q for s, _e, q in found if s < m.start() and q.get("speaker")]
            last = str(before[-1]["speaker"]) if before else None
            who = _speaker(m, text, last)
            if who is None:
                continue
            words, start, end = quoted
            found.append((start, end, {"speaker": who[0], "role": who[1], "text": words,
                                       "span": [start, end]}))
    return [quote for _s, _e, quote in sorted(found, key=lambda entry: entry[0])]


class QuotesStep:
    """Writes `quotes`: speaker, role, quoted text and its span, for news text."""

    name: ClassVar[str] = "quotes"
    version: ClassVar[str] = "1"
    keys: ClassVar[tuple[str, ...]] = ("quotes",)
    reads: ClassVar[tuple[str, ...]] = ()
    per_message: ClassVar[bool] = True

    def __init__(self, settings: AnalysisSettings) -> None:
        self.settings = settings
        self._memo: TextMemo[str, list[JsonObject]] = TextMemo()

    def annotate(self, items: Sequence[AnalysisItem]) -> list[Annotations]:
        """One `quotes` annotation per item; an empty list when nobody is quoted."""
        memo = self._memo.get
        return [{"quotes": {"value": list(memo(text, find_quotes, text=text))}}
                for text in (item.text or "" for item in items)]
