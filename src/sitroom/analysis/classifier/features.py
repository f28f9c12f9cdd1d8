"""Tweet text preparation: one cleaned form for n-grams, one for sentence embeddings.

Crisis messages carry a lot that names the crisis rather than the kind of message: retweet
prefixes, handles, links, event hashtags, exact figures. A classifier trained on other crises
learns those as shortcuts and then misses on a new one, so both forms fold them into
placeholders and keep the words that travel (camel-case hashtags are split into words).
"""

from __future__ import annotations

import html
import re

from sitroom.textnorm import normalize_for_search

# Longer inputs (a pasted article, 100 KB of junk) are cut: the first few thousand characters
# decide the category, and the cost of every later stage grows with length.
MAX_CHARS = 2000

_RT_PREFIX = re.compile(r"^(?:\s*(?:RT|MT)\s*@\w+\s*:?\s*)+", re.IGNORECASE)
_VIA = re.compile(r"[\"“]\s*@\w+\s*:\s*")
# Links, including ones the platform truncated ("http://t.co…", "htt…").
_URL = re.compile(r"(?:https?://|www\.)\S*|\bh(?:t(?:t(?:ps?(?::/{0,2})?)?)?)?…", re.IGNORECASE)
# The sign first, then a look back past it: the same matches as `(?<!\w)@\w+` and
# `(?<![\w&])#(\w+)`, but the regex engine can jump from one sign to the next.
_MENTION = re.compile(r"@(?<!\w@)\w+")
_HASHTAG = re.compile(r"#(?<![\w&]#)(\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])|_")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_REPEAT = re.compile(r"(\w)\1{2,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")

URL_TOKEN = "xurl"
USER_TOKEN = "xuser"
NUMBER_TOKEN = "xnum"
RETWEET_TOKEN = "xrt"


def _split_hashtag(match: re.Match[str]) -> str:
    """`#PrayForBoston` → `PrayForBoston Pray For Boston`: keep the tag, add its words."""
    tag = match.group(1)
    words = _CAMEL.sub(" ", tag).strip()
    return tag if words == tag else f"{tag} {words}"


def _base_clean(text: str) -> tuple[str, bool]:
    """Cut, unescape and strip controls; report and drop a leading retweet prefix."""
    text = html.unescape(text[:MAX_CHARS])
    if not text.isprintable():  # every control `_CONTROL` removes is unprintable
        text = _CONTROL.sub(" ", text)
    if "@" not in text:  # a retweet prefix names an account
        return text, False
    stripped = _RT_PREFIX.sub("", text, count=1)
    return stripped, stripped != text


def _may_have_url(body: str) -> bool:
    """Whether `_URL` can match: it needs "://", "www." (any case) or "…"."""
    return "://" in body or "w." in body or "W." in body or "…" in body


def prepare_ngram_text(text: str) -> str:
    """The folded form the n-gram model reads (lower case, Arabic-normalised, placeholders)."""
    # Each substitution is skipped when the character its pattern needs is absent.
    body, retweet = _base_clean(text)
    if "@" in body:
        body = _VIA.sub(f" {USER_TOKEN} ", body)
    if _may_have_url(body):
        body = _URL.sub(f" {URL_TOKEN} ", body)
    if "@" in body:
        body = _MENTION.sub(f" {USER_TOKEN} ", body)
    if "#" in body:
        body = _HASHTAG.sub(_split_hashtag, body)
    body = _NUMBER.sub(f" {NUMBER_TOKEN} ", body)
    body = _REPEAT.sub(r"\1\1", normalize_for_search(body))
    body = " ".join(body.split())  # what `_SPACE.sub(" ", body).strip()` gives, faster
    return f"{RETWEET_TOKEN} {body}" if retweet else body


def prepare_embedding_text(text: str) -> str:
    """The light form the sentence encoder reads: no prefixes, links or handles; case kept."""
    body, _ = _base_clean(text)
    if "@" in body:
        body = _VIA.sub(" ", body)
    if _may_have_url(body):
        body = _URL.sub(" ", body)
    if "@" in body:
        body = _MENTION.sub(" ", body)
    if "#" in body:
        body = _HASHTAG.sub(lambda m: _CAMEL.sub(" ", m.group(1)), body)
    body = _REPEAT.sub(r"\1\1", body)
    return " ".join(body.split())
