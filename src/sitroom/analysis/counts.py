"""Counts of people in a message: how many killed, injured, missing, displaced, trapped...

Kinds: killed, injured, casualties (killed and injured together: "casualties", "ضحايا"),
missing, displaced (also refugees, people who fled), trapped (also besieged: "محاصرين"),
threatened, evacuated, detained (also abducted), arrested, homeless, affected.

A count is a number (see `numbers`) tied to a kind word after it ("82 civilians killed",
"6,000 men and boys are missing", "40 قتيلا", "عشرات القتلى"), or to a verb or toll phrase before
it ("killed at least 82", "مقتل 40 شخصا", "death toll rose to 82", "ارتفعت حصيلة القتلى إلى 40").
Qualifiers: "at least", "more than", "أكثر من", "ما لا يقل عن" -> at_least; "about", "close to",
"نحو", "حوالي" -> about; "up to", "as many as", "ما يصل إلى" -> at_most; otherwise exact. Vague
numbers ("dozens", "عشرات" = 24, "hundreds" = 200) are "about". `unit` is "families" when the
counted noun is families or households ("300 families", "عائلة"), else "people".

Years, times, dates, phone numbers, ids, money, ages ("a 5-year-old", "aged 5"), percentages and
street numbers are not counts: digits glued to other signs or numbers, long digit runs, bare
years without a counted noun, and numbers next to unit, currency, age or address words are
skipped, and a count needs a kind word in the first place.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import ClassVar

from sitroom.analysis.base import AnalysisItem, AnalysisSettings, Annotations
from sitroom.analysis.memo import TextMemo
from sitroom.analysis.numbers import (
    FoldedText,
    NumberRead,
    fold_with_offsets,
    read_number,
    tokenize,
)
from sitroom.models import JsonObject


def _words(text: str) -> frozenset[str]:
    """The set of space-separated words in `text` (word lists read better as one string)."""
    return frozenset(text.split())


KINDS = ("killed", "injured", "casualties", "missing", "displaced", "trapped", "threatened",
         "evacuated", "detained", "arrested", "homeless", "affected")


def _table(spec: dict[str, str]) -> dict[str, str]:
    return {word: kind for kind, words in spec.items() for word in words.split()}


_KIND_AFTER = _table({
    "killed": "killed dead died deaths fatalities bodies perished murdered slain executed "
              "massacred قتيل قتيلا قتلي شهيد شهيدا شهداء وفاه وفيات جثه جثث قتلوا استشهدوا "
              "مصرعهم حتفهم مصرعه حتفه قضوا",
    "injured": "injured wounded hurt injuries جريح جريحا جرحي مصاب مصابا مصابين مصابون اصابه "
               "اصابات بجروح اصيبوا",
    "casualties": "casualties ضحيه ضحايا",
    "missing": "missing unaccounted disappeared مفقود مفقودا مفقودين مفقودون مفقوده",
    "displaced": "displaced fled refugees uprooted idps نازح نازحا نازحين نازحون مهجر مهجرا "
                 "مهجرين لاجئ لاجئا لاجئين نزحوا نازحه مهجره",
    "trapped": "trapped besieged stranded عالق عالقا عالقين عالقون محاصر محاصرا محاصرين محاصرون",
    "threatened": "threatened endangered مهدد مهددا مهددين مهددون",
    "evacuated": "evacuated evacuees",
    "detained": "detained detainees abducted kidnapped hostages معتقل معتقلا معتقلين معتقلون "
                "محتجز محتجزا محتجزين مختطف مختطفا مختطفين",
    "arrested": "arrested",
    "homeless": "homeless مشرد مشردا مشردين مشردون مشرده",
    "affected": "affected متضرر متضررا متضررين متضررون متضرره",
})
_KIND_BEFORE = _table({
    "killed": "killed killing kills kill قتل مقتل قتلت يقتل استشهاد استشهد مصرع وفاه",
    "injured": "injured injuring injures hurts hurting wounded wounding wounds "
               "اصابه اصيب اصيبت جرح",
    "missing": "فقدان فقد",
    "displaced": "displaced displacing displaces نزوح نزح تهجير هجر",
    "homeless": "تشريد شرد",
    "evacuated": "evacuated evacuating evacuates rescued اجلاء اخلاء",
    "arrested": "arrested arresting arrests اعتقال اعتقل اعتقلت",
    "detained": "detained detaining detains abducted abducting احتجاز احتجز اختطاف خطف",
    "trapped": "trapping besieging محاصره حصار",
    "threatened": "threatening threatens يهدد تهدد",
})
_TOLL_KIND = _table({
    "killed": "dead deaths killed fatalities قتلي شهداء القتلي الشهداء الوفيات وفيات",
    "injured": "injured wounded injuries جرحي مصابين اصابات الجرحي المصابين الاصابات",
    "casualties": "casualties victims ضحايا الضحايا",
    "missing": "missing مفقودين المفقودين",
    "displaced": "displaced نازحين النازحين",
})
# Arabic dual nouns count two on their own: "سقوط قتيلين" (two killed).
_DUALS = {"قتيلين": "killed", "قتيلان": "killed", "شهيدين": "killed", "شهيدان": "killed",
          "جريحين": "injured", "جريحان": "injured"}
_TOLL_HEAD = _words("toll عدد حصيله number")
_UNIT_AFTER = _words(
    "years year yr yrs months month days day hours hour hrs minutes mins min seconds secs weeks "
    "week km kms kilometres kilometers miles mile metres meters metre meter kg kilos tons tonnes "
    "percent per cent dollars dollar usd euros euro eur pounds gbp lira liras pound am pm times "
    "storey storeys floors degrees mm cm acres hectares homes houses buildings cars vehicles "
    "animals sheep cattle head dogs cats rounds shells rockets missiles bombs strikes raids "
    "عام اعوام سنه سنوات عاما سنين شهر اشهر شهرا يوم ايام يوما ساعه ساعات دقيقه دقائق كم "
    "كيلومتر كيلومترا متر مترا درجه بالمئه بالمائه طن دولار دولارا يورو ليره جنيه ريال درهم "
    "دينار منزل منازل منزلا مبني مباني سياره صاروخ صواريخ غاره غارات برميل براميل قذيفه قذائف"
)
_TOLL_FILL = _words(
    "has have is was now rose risen rises climbed climbs jumped reached reaches hit stands "
    "stood at to of increased passed exceeded topped tops surpassed the : ارتفعت ارتفع بلغت بلغ "
    "وصلت وصل الي حتي الان تجاوزت تجاوز تخطت الي"
)
_HUMAN = _words(
    "people persons person civilians civilian children child kids men women boys girls residents "
    "inhabitants villagers soldiers troops fighters rebels militants policemen police officers "
    "workers patients students babies infants victims individuals others families family "
    "households members pilgrims passengers migrants citizens journalists volunteers rescuers "
    "firefighters miners protesters demonstrators worshippers tourists staff employees crew "
    "مدني مدنيا مدنيين مدنيون شخص شخصا اشخاص طفل طفلا اطفال امراه نساء رجل رجلا رجال عائله "
    "عائلات اسره اسر مواطن مواطنا مواطنين مواطنون سكان ساكن عنصرا عناصر جنديا جنود مقاتلا "
    "مقاتلين شابا شبان اخرين اخرون فردا افراد عاملا عمال طالبا طلاب"
)
_CLITIC_WORDS = _words("و ب ل ف")
_FAMILIES = _words("families households عائله عائلات اسره اسر")
_FILLER = _words(
    "are were is was have has had been being be reported reportedly now still feared believed "
    "confirmed presumed already left remain remained remains who that of them more من على "
    "today so far"
)
_BLOCK_BEFORE = _words(
    "aged age ages no number street st building house apt apartment floor block route highway "
    "flat room unit flight bus platform gate page chapter version rule article "
    "عمر عمره عمرها العمر البالغ شارع بنايه بناء مبني رقم الطابق منزل الساعه"
)
_SIGNS_BEFORE = frozenset("#@/$€£¥:\\+-_.")
_SIGNS_AFTER = frozenset("%٪-_°")
_SIGNS_BEFORE_DIGIT = frozenset("/:")
_NEGATION = _words("no not zero none لا لم")

_QUALIFIER_WORDS = (
    (r"at least|more than|over|upwards of|in excess of|no fewer than|no less than|not less than|"
     r"a minimum of|exceeded|topped|tops|passed|surpassed|اكثر من|ما لا يقل عن|لا يقل عن|"
     r"ما يزيد عن|"
     r"ما يزيد علي|يزيد عن|ازيد من|تجاوز|تجاوزت|تخطي|تخطت", "at_least"),
    (r"about|around|approximately|approx\.?|roughly|some|nearly|almost|close to|an estimated|"
     r"estimated|~|circa|نحو|حوالي|قرابه|ما يقارب|ما يقرب من|زهاء|ما يناهز|يناهز", "about"),
    (r"up to|as many as|at most|no more than|fewer than|less than|under|ما يصل الي|يصل الي|"
     r"حتي|اقل من", "at_most"),
)
_QUALIFIER_BEFORE = [
    (re.compile(rf"(?:^|[\s\W])((?:[وب])?(?:{words}))\s*$"), qual)
    for words, qual in _QUALIFIER_WORDS
]
_QUALIFIER_AFTER = re.compile(
    r"\s*(?:(at least|or more|and more|على الاقل|علي الاقل|او اكثر|واكثر)|(\+)|(تقريبا|or so))"
)


def _base(word: str) -> list[str]:
    """`word` and its forms without Arabic clitics: و/ف, then ب/ل/ك, then the article."""
    forms = [word]
    if len(word) > 3 and word[0] in "وف":
        word = word[1:]
        forms.append(word)
    if word.startswith("لل") and len(word) > 4:  # ل + ال: "للمدنيين"
        forms.append(word[2:])
        return forms
    if len(word) > 3 and word[0] in "بلك":
        word = word[1:]
        forms.append(word)
    if word.startswith("ال") and len(word) > 4:
        forms.append(word[2:])
    return forms


def _find(table: dict[str, str], word: str) -> str | None:
    for form in _base(word):
        kind = table.get(form)
        if kind is not None:
            return kind
    return None


def _is_in(words: frozenset[str], word: str) -> bool:
    return any(form in words for form in _base(word))


_WORD = re.compile(r"[^\W\d_]+")
_AR_PREFIXES = (
    *(conj + prep + article for conj in ("", "و", "ف") for prep in ("", "ب", "ل", "ك")
      for article in ("", "ال")),
    "لل", "ولل", "فلل",
)
# Every form a kind word can take in a message: a text with none of them holds no count.
_TRIGGERS = frozenset(
    prefix + word
    for word in (*_KIND_AFTER, *_KIND_BEFORE, *_TOLL_KIND, *_DUALS, "toll")
    for prefix in (_AR_PREFIXES if not word.isascii() else ("",))
)


class _Context:
    """One message being read: its folded text, tokens, and the counts found so far."""

    def __init__(self, text: str, folded: FoldedText) -> None:
        self.text = text
        self.folded = folded
        self.tokens = tokenize(self.folded.text)
        self.found: list[JsonObject] = []

    def word(self, i: int) -> str:
        """The text of token `i`, or "" outside the message."""
        return self.tokens[i].text if 0 <= i < len(self.tokens) else ""


def _plausible(ctx: _Context, num: NumberRead) -> bool:
    """Whether a number's shape and neighbours allow it to be a count of people."""
    tokens, folded = ctx.tokens, ctx.folded.text
    first, last = tokens[num.start], tokens[num.end - 1]
    if first.start > 0:
        before = folded[first.start - 1]
        if before in _SIGNS_BEFORE or (
            before.isalnum() and ctx.word(num.start - 1) not in _CLITIC_WORDS
        ):
            return False
    if last.end < len(folded):
        after = folded[last.end]
        after_digit = folded[last.end + 1:last.end + 2].isdigit()
        if after in _SIGNS_AFTER or (after in _SIGNS_BEFORE_DIGIT and after_digit):
            return False
        if after.isalpha() and after.isascii():
            return False
    prev, nxt = tokens[num.start - 1] if num.start else None, ctx.word(num.end)
    if prev is not None and _is_in(_BLOCK_BEFORE, prev.text):
        return False
    glued = (prev is not None and prev.kind == "num") or ctx.word(num.end)[:1].isdigit()
    if first.kind == "num" and glued:  # runs of digit groups: phone numbers, ids
        return False
    if first.kind == "num" and not num.vague and num.end == num.start + 1:
        raw = first.text
        if (raw[0] == "0" and len(raw) > 1) or len(raw) >= 8:
            return False
        if len(raw) == 4 and 1900 <= num.value <= 2100 and not (
            _is_in(_HUMAN, nxt) or _find(_KIND_AFTER, nxt)
        ):
            return False
    return num.value > 0


def _qualifier(ctx: _Context, num: NumberRead) -> tuple[str | None, int, int]:
    """Qualifier of a number, the folded start of the phrase, and the folded end after it."""
    folded = ctx.folded.text
    start, end = ctx.tokens[num.start].start, ctx.tokens[num.end - 1].end
    window = folded[max(0, start - 24):start]
    for pattern, qual in _QUALIFIER_BEFORE:
        m = pattern.search(window)
        if m:
            return qual, start - (len(window) - m.start(1)), end
    m = _QUALIFIER_AFTER.match(folded, end)
    if m:
        qual = "at_least" if m.group(1) or m.group(2) else "about"
        return qual, start, m.end()
    return None, start, end


def _kind_after(ctx: _Context, num: NumberRead) -> tuple[str, int, bool] | None:
    """Kind word after a number (through counted nouns and fillers): kind, token end, families."""
    unknown = 0
    human_after_unknown = True
    families = seen_human = False
    for j in range(num.end, min(num.end + 8, len(ctx.tokens))):
        tok = ctx.tokens[j]
        if tok.kind != "word":
            return None
        kind = _find(_KIND_AFTER, tok.text)
        if kind is not None and not human_after_unknown:
            return None
        if kind is not None:  # "6k displaced families": the counted noun may follow the kind
            if not seen_human and _is_in(_FAMILIES, ctx.word(j + 1)):
                return kind, j + 2, True
            return kind, j + 1, families
        if _is_in(_HUMAN, tok.text):
            families = families or (not seen_human and _is_in(_FAMILIES, tok.text))
            seen_human = human_after_unknown = True
        elif tok.text == "and" and _is_in(_HUMAN, ctx.word(j + 1)):
            continue
        elif tok.text not in _FILLER:
            unknown += 1
            human_after_unknown = False
            if unknown > 2 or (j == num.end and unknown and not _is_in(_HUMAN, ctx.word(j + 1))):
                return None
    return None


def _counted_end(ctx: _Context, j: int) -> tuple[int, bool]:
    """Token end of the counted nouns right after a number, and whether they are families."""
    families = j < len(ctx.tokens) and _is_in(_FAMILIES, ctx.tokens[j].text)
    while j < len(ctx.tokens) and _is_in(_HUMAN, ctx.tokens[j].text):
        j += 1
    return j, families


def _kind_before(ctx: _Context, first_token: int) -> tuple[str, int] | None:
    """Kind from a verb or a toll phrase ending just before token `first_token`."""
    verb = _find(_KIND_BEFORE, ctx.word(first_token - 1))
    if verb is not None:
        return verb, first_token - 1
    j = first_token - 1
    while j >= 0 and first_token - j <= 6 and ctx.tokens[j].text in _TOLL_FILL:
        j -= 1
    if j < 0:
        return None
    word = ctx.tokens[j].text
    if word == "toll":  # "death toll", "casualty toll", or just "the toll"
        head = ctx.word(j - 1)
        toll = "casualties" if head in ("casualty", "casualties") else "killed"
        return toll, j - 1 if head in ("death", "casualty", "casualties") else j
    kind = _find(_TOLL_KIND, word)
    if kind is None:
        return None
    head_at = j - 2 if ctx.word(j - 1) == "of" else j - 1
    if head_at >= 0 and _is_in(_TOLL_HEAD, ctx.word(head_at)):
        return kind, head_at
    return None


def _token_at(ctx: _Context, folded_start: int) -> int:
    """Index of the first token starting at or after `folded_start`."""
    return bisect.bisect_left(ctx.tokens, folded_start, key=lambda tok: tok.start)


def _emit(ctx: _Context, num: NumberRead) -> None:
    """Record the count a number makes, if a kind word before or after it says what it counts."""
    if not _plausible(ctx, num) or ctx.word(num.start - 1) in _NEGATION:
        return
    qual, q_start, q_end = _qualifier(ctx, num)
    first_token = _token_at(ctx, q_start) if q_start < ctx.tokens[num.start].start else num.start
    start, end = q_start, q_end
    before = _kind_before(ctx, first_token)
    families = False
    if before is not None:
        kind = before[0]
        start = ctx.tokens[before[1]].start
        if _is_in(_UNIT_AFTER, ctx.word(num.end)):  # "killed 5 years ago"
            return
        counted_end, families = _counted_end(ctx, num.end)
        end = max(end, ctx.tokens[counted_end - 1].end)
    else:
        after = _kind_after(ctx, num)
        if after is None:
            return
        kind, after_end, families = after
        end = max(end, ctx.tokens[after_end - 1].end)
    s, e = ctx.folded.span(start, end)
    ctx.found.append({
        "kind": kind, "value": num.value,
        "qualifier": qual or ("about" if num.vague else "exact"),
        "unit": "families" if families else "people", "span": [s, e], "text": ctx.text[s:e],
    })


def _emit_dual(ctx: _Context, i: int) -> None:
    """Count an Arabic dual noun ("قتيلين") that no number precedes as two."""
    tok = ctx.tokens[i]
    kind = _find(_DUALS, tok.text) if tok.kind == "word" and not tok.text.isascii() else None
    if kind is None or (i and ctx.tokens[i - 1].kind == "num"):
        return
    s, e = ctx.folded.span(tok.start, tok.end)
    ctx.found.append({"kind": kind, "value": 2, "qualifier": "exact", "unit": "people",
                      "span": [s, e], "text": ctx.text[s:e]})


def find_counts(text: str) -> list[JsonObject]:
    """Every count of people in `text`, in reading order (see the module docstring)."""
    folded = fold_with_offsets(text)
    if _TRIGGERS.isdisjoint(_WORD.findall(folded.text)):
        return []
    ctx = _Context(text, folded)
    i = 0
    while i < len(ctx.tokens):
        num = read_number(ctx.tokens, i)
        if num is None:
            _emit_dual(ctx, i)
            i += 1
            continue
        _emit(ctx, num)
        i = num.end
    return ctx.found


class CountsStep:
    """Writes `counts`: numbers of killed, injured, missing, displaced... people in a message."""

    name: ClassVar[str] = "counts"
    version: ClassVar[str] = "1"
    keys: ClassVar[tuple[str, ...]] = ("counts",)
    reads: ClassVar[tuple[str, ...]] = ()
    per_message: ClassVar[bool] = True

    def __init__(self, settings: AnalysisSettings) -> None:
        self.settings = settings
        self._memo: TextMemo[str, list[JsonObject]] = TextMemo()

    def annotate(self, items: Sequence[AnalysisItem]) -> list[Annotations]:
        """One `counts` annotation per item; an empty list when the text holds no count."""
        memo = self._memo.get
        return [{"counts": {"value": list(memo(text, find_counts, text=text))}}
                for text in (item.text or "" for item in items)]


__all__ = ["KINDS", "CountsStep", "find_counts"]
