"""Arabic and Latin normalisation used for indexing and queries."""

from __future__ import annotations

from sitroom.textnorm import normalize_for_search


def test_alef_variants_fold_to_bare_alef() -> None:
    assert normalize_for_search("أإآٱ") == "اااا"


def test_taa_marbuta_and_alef_maqsura() -> None:
    assert normalize_for_search("مدينة") == "مدينه"
    assert normalize_for_search("مستشفى") == "مستشفي"


def test_diacritics_and_tatweel_removed() -> None:
    assert normalize_for_search("حَلَبُ") == "حلب"
    assert normalize_for_search("حـــلب") == "حلب"


def test_bidi_controls_dropped_and_case_folded() -> None:
    assert normalize_for_search("\u202eALEPPO\u202c") == "aleppo"
