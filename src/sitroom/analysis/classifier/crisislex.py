"""Mapping CrisisLexT26 "Information Type" labels onto the default humanitarian taxonomy.

CrisisLexT26 has seven information types; the default taxonomy has ten. Six map one to one.
"Affected individuals" is split with keyword rules, because it lumps together what the
default taxonomy keeps apart: a tweet labelled "Affected individuals" that asks for rescue or
supplies becomes `requests_or_urgent_needs`; else one that mentions missing, trapped or found
people becomes `missing_or_found_people`; else one that mentions evacuation, displacement or
shelters becomes `displaced_people_and_evacuations`; the rest stay `injured_or_dead_people`.
A "Donations and volunteering" tweet that states a concrete need ("patients need food and
water", "please send boats") also becomes `requests_or_urgent_needs`. These are weak labels:
the rules look at wording only (English, with a few Spanish, Italian, Portuguese and Tagalog
forms, the languages of the crises in the set). The hand-written seed examples in
`data/seed_examples.jsonl` add clean English and Arabic examples of the three categories
CrisisLexT26 lacks.
"""

from __future__ import annotations

import re

DIRECT = {
    "Affected individuals": "injured_or_dead_people",
    "Infrastructure and utilities": "infrastructure_and_utility_damage",
    "Donations and volunteering": "rescue_volunteering_or_donation_effort",
    "Caution and advice": "caution_and_advice",
    "Sympathy and support": "sympathy_and_support",
    "Other Useful Information": "other_relevant_information",
    "Not applicable": "not_humanitarian",
    "Not labeled": "not_humanitarian",
}

_NEEDS = r"(?:help|rescue|a boat|boats?|food|water|drinking water|medicines?|blankets|evacuation)"
REQUEST = re.compile(
    r"\bplease (?:help|rescue|send (?:help|rescue|boats?))\b"
    r"|\bneeds? (?:to be )?rescued?\b"
    rf"|\bin (?:urgent |dire )?need of {_NEEDS}\b"
    rf"|\b(?:we|they|i) (?:urgently |badly |desperately |still )?need {_NEEDS}\b"
    rf"|\bneed(?:s|ed)? {_NEEDS}(?: and {_NEEDS})?\b"
    r"|\bhelp us\b|\bSOS\b|\bnecesitamos\b|\bkailangan (?:ng )?(?:tulong|rescue)\b",
    re.IGNORECASE,
)
MISSING = re.compile(
    r"\bmissing\b|\bunaccounted\b|\bfound (?:alive|dead|safe)\b|\btrapped\b|\bstranded\b"
    r"|\bsearch(?:ing)? for (?:survivors|victims|the missing|bodies)|\brescued alive\b"
    r"|desaparecid|dispers[oi]\b|nawawala",
    re.IGNORECASE,
)
DISPLACED = re.compile(
    r"\bevacu|\bdisplaced\b|\bhomeless\b|\bshelters?\b|\bfled\b|\bflee(?:ing)?\b"
    r"|\brefugees?\b|desalojad|sfollat|desabrigad|damnificad|lumikas|\bevakw",
    re.IGNORECASE,
)


def map_crisislex_label(label: str, text: str) -> str | None:
    """The default-taxonomy label for a CrisisLexT26 information type (None: unknown label)."""
    target = DIRECT.get(label.strip())
    if target == "injured_or_dead_people":
        if REQUEST.search(text):
            return "requests_or_urgent_needs"
        if MISSING.search(text):
            return "missing_or_found_people"
        if DISPLACED.search(text):
            return "displaced_people_and_evacuations"
    elif target == "rescue_volunteering_or_donation_effort" and REQUEST.search(text):
        return "requests_or_urgent_needs"
    return target


def crisislex_informative(value: str) -> bool | None:
    """CrisisLexT26 informativeness: only "Related and informative" counts as informative."""
    folded = value.strip().lower()
    if not folded:
        return None
    return folded == "related and informative"
