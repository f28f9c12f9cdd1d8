"""A few crisis messages that exercise every analysis step: English and Arabic, a retweet,
a quote, counts, a link, an empty text and emoji only."""

from __future__ import annotations

SAMPLE_TEXTS = [
    "We are trapped under the rubble in Aleppo, please help us",
    "RT @medic: 6,000 people are missing after the shelling of East Aleppo",
    "نحن محاصرون في حي الفردوس في حلب، الرجاء المساعدة",
    '"The corridor is closed," said UN spokesman Jens Laerke in Geneva.',
    "",
    "😢🙏",
    "قصف مستشفى القدس في حلب، 12 قتيلا و30 جريحا",
    "Close to a hundred casualties in Douma tonight #Syria http://t.co/x",
]
