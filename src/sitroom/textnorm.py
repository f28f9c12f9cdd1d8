"""Text normalisation for matching: one form for indexed text and for queries (Arabic first)."""

from __future__ import annotations

import re
import unicodedata

# Harakat and Quranic marks (fathatan..sukun, superscript alef, small high marks) and tatweel.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTERS = (
    ("\u0622", "\u0627"),  # alef with madda -> alef
    ("\u0623", "\u0627"),  # alef with hamza above -> alef
    ("\u0625", "\u0627"),  # alef with hamza below -> alef
    ("\u0671", "\u0627"),  # alef wasla -> alef
    ("\u0629", "\u0647"),  # taa marbuta -> haa
    ("\u0649", "\u064a"),  # alef maqsura -> yaa
    ("\u06cc", "\u064a"),  # Farsi yeh -> yaa
    ("\u06a9", "\u0643"),  # keheh -> kaf
)
# Bidirectional controls carry no meaning for search and can hide text.
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")


def normalize_for_search(text: str) -> str:
    """Fold text to the form the full-text index stores and queries are matched in.

    NFKC, case-folded, Arabic diacritics and tatweel removed, alef variants, taa marbuta
    and alef maqsura unified, bidirectional control characters dropped.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = _BIDI_CONTROLS.sub("", folded)
    folded = _ARABIC_MARKS.sub("", folded)
    # str.replace per letter is several times faster than str.translate with a dict here
    for letter, replacement in _ARABIC_LETTERS:
        if letter in folded:
            folded = folded.replace(letter, replacement)
    return folded
