"""Words that are also place names, and so never count as a place on their own.

GeoNames has a town called Of, Police, Mobile, Reading, March, Hope and Deal, alternate
names such as More (Jerusalem) and Here (Zawiya), and villages named after most Arabic
words of good omen (أمل، نور، سلام). Three lists keep them out:
- data/common_words.txt: every word that tweets write in lower case at least 3 times and at
  least half as often as capitalised (made by `common_words` over the CrisisLexT26 tweets:
  English, Spanish, Italian, Portuguese, Tagalog...), so "Homes", "Game" and "Follow" at
  the start of a sentence are not Homs, Hama and Fallujah;
- a hand list of English words, months, weekdays and person names;
- a hand list of Arabic function words, common nouns and names.
A word here still matches inside a longer name (Bar Elias, دير الزور) and when the user
gazetteer names it.

`FACILITY_NOUNS` are the nouns of facilities (hospital, school, mosque, مستشفى، مدرسة،
جامع...) whose names often hold another place's name; the places step does not resolve a
name that is part of one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from importlib import resources

from sitroom.analysis.nameindex import CAPITAL, LOWER, tokenize
from sitroom.analysis.transliteration import arabic_key, is_arabic, latin_key


def _words(text: str) -> list[str]:
    """The whitespace-separated words of a literal block (keeps word lists readable)."""
    return text.split()


_LATIN = _words(
    """
metro of the and for from with about into over under after before then than this that these
there here where when what which who whom whose why how all any some many much more most
such only same other also just very still even ever never now today tonight tomorrow
yesterday news live update breaking video photo photos pic via rt police mobile reading
nice bar may march april june july august september october november december january
february monday tuesday wednesday thursday friday saturday sunday hope deal sale split
male date bath orange paradise liberty union independence university college central north
south east west northern southern eastern western city town village island lake river
mount fort port new old beach center centre valley springs spring camp hospital help aid
relief rescue love faith grace joy church school market street road media office home
house hall park garden gardens station airport bridge bay hill hills heights point rock
sand stone wood woods forest green red white black blue gold silver victory peace freedom
justice unity salvation providence harmony concord progress friendship patience prosperity
goodwill welcome bonus marines army navy guard best good great happy lucky fair royal
grand long short little big high low mohammed muhammad mohamed ahmad ahmed ali omar umar
hassan hasan hussein husain khaled khalid mustafa mostafa assad bashar abdullah ibrahim
yusuf youssef yousef salim salem karim amir hamza mahmoud said saeed samir adam david
james john paul mary maria jose juan carlos george jackson franklin clinton obama trump
putin francis kim lee god allah jesus christ saint san santa santo syrian syrians iraqi
iraqis russian russians american americans turkish turk turks kurdish kurd kurds arab
arabs arabic iranian iranians lebanese jordanian palestinian palestinians israeli british
french european africans islamic islamist muslim muslims christian christians sunni shia
shiite alawite druze yazidi
"""
)

_ARABIC = _words(
    """
في من على الى إلى عن مع هذا هذه ذلك تلك التي الذي الذين هناك هنا حيث عند بعد قبل ثم كل بعض
غير بين حتى لكن او أو ان إن أن كان كانت يكون قد لقد لا لم لن ما ماذا متى كيف اليوم غدا أمس
الان الآن منذ خلال حول ضد بلا بدون أمان امان سلام السلام امل أمل نور النور الحرية حرية
النصر نصر الفتح الخير خير العز الامل الأمل الرحمة رحمة الصمود الشهداء شهداء الشهيد شهيد
الثورة ثورة الشعب شعب مدينة المدينة قرية القرية حي الحي شارع الشارع منطقة المنطقة بلدة
البلدة مخيم المخيم مشفى مستشفى المستشفى مدرسة المدرسة جامع الجامع مسجد المسجد سوق السوق
ريف الريف الجيش جيش النظام نظام قوات القوات الطيران طيران قصف القصف غارة غارات برميل
براميل الله والله بالله يا رب ربي محمد احمد أحمد علي عمر حسن حسين خالد مصطفى ابراهيم يوسف
جديد الجديدة الجديد القديمة القديم الكبير الكبرى الصغير الصغرى الشرقي الغربي الشمالي
الجنوبي الشرقية الغربية الشمالية الجنوبية شرق غرب شمال جنوب العربية عرب العرب أطفال اطفال
الأطفال نساء رجال ماء الماء خبز الخبز دواء مساعدة مساعدات الإنقاذ انقاذ أهل اهل الأهالي
المدنيين مدنيين الناس ناس بيت البيت بيوت دار الدار خبر الخبر أخبار اخبار الأخبار الاخبار
قبو القبو أقبية الأقبية ملجأ الملجأ خرج خرجت يخرج الخروج دخل دخلت
"""
)


def common_words(texts: Iterable[str], min_lower: int = 3) -> list[str]:
    """Latin words written in lower case `min_lower` times or more, and at least half as
    often as capitalised: how data/common_words.txt was made from the CrisisLexT26 tweets."""
    lower: Counter[str] = Counter()
    capital: Counter[str] = Counter()
    for text in texts:
        for token in tokenize(text):
            if token.shape == LOWER:
                lower[token.key] += 1
            elif token.shape == CAPITAL:
                capital[token.key] += 1
    return sorted(
        word
        for word, count in lower.items()
        if word.isascii()
        and word.isalpha()
        and len(word) >= 3
        and count >= min_lower
        and count >= 0.5 * capital[word]
    )


def _shipped_common_words() -> list[str]:
    text = (resources.files("sitroom.analysis") / "data" / "common_words.txt").read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


COMMON_WORDS: frozenset[str] = frozenset(_shipped_common_words())
"""Latin words that tweets mostly write in lower case (data/common_words.txt)."""

STOP_WORDS: frozenset[str] = (
    frozenset(arabic_key(word) if is_arabic(word) else latin_key(word) for word in _LATIN + _ARABIC)
    | COMMON_WORDS
)
"""Folded words that never count as a place on their own."""

# Nouns of facilities that are often named after another place: مستشفى القدس (Al-Quds
# hospital) is in Aleppo, not in Jerusalem. Singular only: "Aleppo's hospitals" and
# مستشفيات حلب are the hospitals of Aleppo.
_FACILITIES_LATIN = _words(
    """
hospital clinic school mosque church university college madrasa madrassa
"""
)
_FACILITIES_ARABIC = _words(
    """
مستشفى مشفى مستوصف مدرسة جامع مسجد جامعة كلية كنيسة
"""
)

FACILITY_NOUNS: frozenset[str] = frozenset(
    [latin_key(word) for word in _FACILITIES_LATIN]
    + [arabic_key(word) for word in _FACILITIES_ARABIC]
)
"""Folded nouns that make a place name beside them part of a facility's name (see `places`)."""

# Exonyms that are also ordinary English words in lower case: these need a capital.
LOWERCASE_UNSAFE: frozenset[str] = frozenset(
    {"jordan", "turkey", "chad", "georgia", "duma", "tyre", "sham"}
)
