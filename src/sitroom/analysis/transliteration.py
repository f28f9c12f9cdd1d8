"""Spelling variants of Arabic place names, in Arabic and Latin script.

The same town reaches us as Raqqa, Rakka, ar-Raqqah, al-Raqqa, الرقة and بالرقة. Matching
compares keys, never raw strings:

- `latin_key` folds one Latin word: case, diacritics (Ḩamāh -> hamah), apostrophes and
  ʿayn/hamza marks (Ma'arrat, Ma‘arrat -> maarrat), a trailing possessive 's.
- `arabic_key` folds one Arabic word (textnorm's search form: harakat, alef and taa marbuta
  variants) and drops the article ال, so الرقة and رقة share a key.
- `arabic_clitic_variants` lists what an Arabic word may be once the proclitics و ف ب ل ك
  (and their combinations وب، فل، لل...) are cut off; the caller tries them in order.
- `fuzzy_key` is the lossy key for Arabic names romanised in different ways: articles fused
  by sun-letter assimilation (Ezzor), doubled letters, every vowel run (ou/u, e/a, ei/ay),
  q/k/g/c, kh/h, gh/g, dh/z, th/s, sh/ch and a final -h. It is only ever used for places of
  the Arabic-speaking world, the user gazetteer and exonyms, and only on capitalised text.
- `EXONYMS` is a small hand-written table for the big places of the region: the English name
  shown to users and the spellings GeoNames lacks (Halab, Haleb, Kobani, عين العرب, ...).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from sitroom.textnorm import normalize_for_search


def _words(text: str) -> list[str]:
    """The whitespace-separated words of a literal block (keeps word lists readable)."""
    return text.split()


# Latin transliterations of the Arabic article, written before a hyphen (ar-Raqqah) or,
# for names in gazetteers, before a space (Ar Raqqah).
LATIN_ARTICLES = frozenset(
    _words(
        """
al el il ul ad adh ag an ar as ash at ath az ed en er es esh et ez
"""
    )
)
# Forms of the article that are dropped before a space even in running text: "al Raqqa".
SPACE_ARTICLES = frozenset({"al", "el"})

_APOSTROPHES = "'’‘ʼʻʿʾ`´"
_LATIN_SPECIAL = str.maketrans(
    {"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "æ": "ae", "œ": "oe", "þ": "th"}
    | {mark: None for mark in _APOSTROPHES}
)
_ARABIC_ARTICLE = "\u0627\u0644"  # ال
_ARABIC_LL = "\u0644\u0644"  # لل: li- + al- with the alef elided
_CONJUNCTIONS = "\u0648\u0641"  # و ف
_PREPOSITIONS = "\u0628\u0644\u0643"  # ب ل ك

_FUSED_ARTICLE = re.compile(r"^[ae](sh|th|dh|[tdrzsnl])(?=\1)")
_DIGRAPHS = (("kh", "h"), ("gh", "k"), ("dh", "z"), ("th", "s"), ("sh", "x"), ("ch", "x"))
_FUZZY_LETTERS = str.maketrans({"q": "k", "g": "k", "c": "k", "y": "a", "w": "a"})
_VOWEL_RUN = re.compile(r"[aeiou]+")
_DOUBLE = re.compile(r"(.)\1+")


def latin_key(word: str) -> str:
    """Fold one Latin-script word for exact matching (Ḩamāh -> hamah, Syria's -> syria)."""
    if word.isascii():
        folded = word.lower()
        if "'" in folded or "`" in folded:
            folded = _strip_possessive(folded).replace("'", "").replace("`", "")
        return folded
    decomposed = unicodedata.normalize("NFKD", word)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _strip_possessive(bare.casefold().replace("’", "'")).translate(_LATIN_SPECIAL)


def _strip_possessive(word: str) -> str:
    return word[:-2] if word.endswith("'s") and len(word) > 3 else word


def arabic_key(word: str) -> str:
    """Fold one Arabic word and drop its article: الرقّة -> رقه, حلب -> حلب."""
    folded = normalize_for_search(word)
    if folded.startswith(_ARABIC_ARTICLE) and len(folded) >= 4:
        return folded[2:]
    return folded


def arabic_clitic_variants(folded: str) -> list[tuple[str, int]]:
    """What a folded Arabic word may be without its proclitics, least stripped first.

    Each variant is `(key, cut)`: the key (article dropped, as `arabic_key` gives it) and how
    many letters of the folded word the proclitics took. وبالرقه -> (وبالرقه, 0), (بالرقه, 1),
    (رقه, 2); للرقه -> (للرقه, 0), (رقه, 1). Stems shorter than two letters are not offered.
    """
    stems: list[tuple[str, int]] = [(folded, 0)]
    if folded[:1] and folded[0] in _CONJUNCTIONS:
        stems.append((folded[1:], 1))
    for stem, cut in list(stems):
        if stem.startswith(_ARABIC_LL):
            # li- + al- written لل: only the first lam is the clitic, the second the article's.
            stems.append((stem[2:], cut + 1))
        elif stem[:1] and stem[0] in _PREPOSITIONS:
            stems.append((stem[1:], cut + 1))
    variants: list[tuple[str, int]] = []
    seen: set[str] = set()
    for stem, cut in stems:
        key = stem[2:] if stem.startswith(_ARABIC_ARTICLE) and len(stem) >= 4 else stem
        if len(key) >= 2 and key not in seen:
            seen.add(key)
            variants.append((key, cut))
    return variants


@lru_cache(maxsize=65536)
def fuzzy_key(word: str) -> str:
    """The lossy romanisation key of one Latin word (already folded by `latin_key`).

    Raqqa, Rakka, Raqqah -> raka; Deir, Dayr, Dair -> dar; Zour, Zor -> zar;
    Ezzor -> zar; Hims, Homs -> hams; Ghouta, Ghuta -> kata.
    """
    word = _FUSED_ARTICLE.sub("", word)
    for digraph, letter in _DIGRAPHS:
        if digraph in word:
            word = word.replace(digraph, letter)
    word = _DOUBLE.sub(r"\1", word.translate(_FUZZY_LETTERS))
    word = _VOWEL_RUN.sub("a", word)
    if len(word) > 2 and word.endswith("ah"):
        word = word[:-1]
    return _DOUBLE.sub(r"\1", word)


def is_arabic(word: str) -> bool:
    """Whether a word is written in Arabic script (judged by its first letter)."""
    return "\u0600" <= word[:1] <= "\u06ff" or "\u0750" <= word[:1] <= "\u077f"


# geonameid -> (English name shown to users, extra spellings GeoNames lacks or mangles).
# Latin spellings here are also safe to match in lower case ("aleppo", "halab").
EXONYMS: dict[int, tuple[str, tuple[str, ...]]] = {
    170063: ("Aleppo", ("Halab", "Haleb", "Alep", "Halep", "حلب", "حلب الشهباء")),
    170654: ("Damascus", ("Dimashq", "Damas", "دمشق", "الشام")),
    169577: ("Homs", ("Hims", "Hums", "حمص")),
    170017: ("Hama", ("Hamah", "Hamat", "حماة", "حماه")),
    169389: ("Idlib", ("Idleb", "Edlib", "Edleb", "إدلب", "ادلب")),
    172955: ("Raqqa", ("Raqqah", "Rakka", "Al-Raqqa", "Ar-Raqqah", "الرقة")),
    170794: (
        "Deir ez-Zor",
        ("Deir al-Zour", "Deir Ezzor", "Dayr az-Zawr", "Deir Azzour", "دير الزور"),
    ),
    170905: ("Daraa", ("Deraa", "Dara'a", "Dar'a", "درعا")),
    173576: ("Latakia", ("Lattakia", "Ladhiqiyah", "Lattaquie", "اللاذقية")),
    163345: ("Tartus", ("Tartous", "Tartoos", "طرطوس")),
    173811: ("Hasakah", ("Hasaka", "Hassakeh", "Al-Hasakah", "الحسكة")),
    173377: ("Qamishli", ("Qamishlo", "Kamishli", "القامشلي")),
    172256: ("Kobani", ("Kobane", "Ayn al-Arab", "Ain al-Arab", "كوباني", "عين العرب")),
    167357: ("Manbij", ("Menbij", "منبج")),
    170592: ("Douma", ("Duma", "دوما")),
    170892: ("Darayya", ("Daraya", "داريا")),
    174018: ("al-Bab", ("Al Bab", "الباب")),
    174186: ("Afrin", ("Efrin", "عفرين")),
    172082: ("Azaz", ("A'zaz", "Aazaz", "إعزاز", "اعزاز")),
    168325: ("Khan Shaykhun", ("Khan Sheikhoun", "Khan Shaykhoun", "خان شيخون")),
    167611: ("Maarat al-Numan", ("Maarrat al-Numan", "Maaret al-Numan", "معرة النعمان")),
    163808: ("Palmyra", ("Tadmur", "Tadmor", "تدمر")),
    166716: ("Yarmouk", ("Yarmouk camp", "al-Yarmouk", "مخيم اليرموك", "اليرموك")),
    167558: ("Madaya", ("مضايا",)),
    99072: ("Mosul", ("Mossoul", "Mawsil", "الموصل")),
    98182: ("Baghdad", ("Bagdad", "بغداد")),
    99454: ("Fallujah", ("Falluja", "الفلوجة")),
    98717: ("Ramadi", ("Ar-Ramadi", "الرمادي")),
    95446: ("Erbil", ("Arbil", "Irbil", "Hewler", "أربيل")),
    94787: ("Kirkuk", ("كركوك",)),
    99532: ("Basra", ("Basrah", "البصرة")),
    281133: ("Gaza", ("Gaza City", "Ghazza", "غزة", "غزه")),
    281102: ("Rafah", ("رفح",)),
    281124: ("Khan Younis", ("Khan Yunis", "Khan Yunus", "خان يونس")),
    276781: ("Beirut", ("Beyrouth", "بيروت")),
    250441: ("Amman", ()),
    71137: ("Sanaa", ("Sana'a", "صنعاء")),
    415189: ("Aden", ("عدن",)),
    163843: ("Syria", ("Syrian Arab Republic", "سوريا", "سورية", "سوريه")),
    99237: ("Iraq", ("العراق",)),
    272103: ("Lebanon", ("لبنان",)),
    248816: ("Jordan", ("الأردن", "الاردن")),
    6254930: ("Palestine", ("Palestinian Territories", "فلسطين")),
    298795: ("Turkey", ("Türkiye", "تركيا")),
    69543: ("Yemen", ("اليمن",)),
}
