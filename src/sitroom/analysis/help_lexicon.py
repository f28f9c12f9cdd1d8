"""Phrases that call for help, report distress or say goodbye, per language (regex fragments).

Text is matched after `normalize_for_search` (lower case; Arabic alef, taa marbuta and alef
maqsura folded, diacritics dropped), so Arabic fragments are written in folded form: "اجلاء" for
إجلاء, "ماوي" for مأوى. Every fragment is wrapped in word boundaries; Arabic ones also accept the
clitics و ف ب ل ك and the article ال before them. Add a language by adding its entries to
`KINDS` and `CUES`; the step picks lexicons by the message's detected language.

`KINDS[lang][kind]` are the triggers of each help kind; the pseudo-kind "plea" is a bare call
("help us", "ساعدونا") that means rescue only from someone in need, not from a sympathiser.
`CUES[lang]` hold the context the priority reads: first person, urgency, vulnerable people,
an explicit location, a past event, a question about others, news reporting, sympathy, and the
negations and resolutions ("no longer trapped", "were rescued") that cancel a trigger, and
`EXCLUDE[lang]` holds non-urgent uses ("help desk", "last message of the year").
"""

from __future__ import annotations

KIND_WEIGHTS: dict[str, float] = {
    "rescue": 0.5, "medical": 0.45, "farewell": 0.45, "under_fire": 0.4, "evacuation": 0.35,
    "water": 0.35, "food": 0.3, "shelter": 0.3, "missing_person": 0.3,
}

_LACK_EN = (
    r"(?:(?:no|need|needs|needed|without|out of|running out of|ran out of|send|lack of|"
    r"shortage of) |(?:don't|do not|doesn't|haven't|have no|has no) (?:have )?)(?:any |"
    r"more )?"
)
_LACK_AR = (
    r"(?:لا|بلا|بدون|دون|لا يوجد|لا يتوفر|ما ?في|ما ?عنا|ليس (?:لدينا|عندنا|معنا)|ما "
    r"(?:لدينا|عندنا)|نفد|نفذ|نفدت|انقطع|انقطعت|انقطاع|قطع|قطعت|نحتاج(?: الي)?|بحاجه(?: "
    r"الي)?|نقص(?: في)?) (?:\w+ )?"
)

KINDS: dict[str, dict[str, list[str]]] = {
    "en": {
        "rescue": [
            r"trapped", r"under (?:the )?(?:rubble|debris|ruins|collapsed \w+)",
            r"buried (?:alive|under)",
            r"(?:we are|we're|we r|i am|i'm|are|is) (?:still )?(?:besieged|surrounded|stuck|cut "
            r"off)",
            r"get (?:us|me|them) out", r"(?:rescue|save) (?:us|me|them)",
            r"need (?:to be )?rescued?", r"can'?t get out", r"cannot get out",
            r"pinned (?:under|down)", r"stranded", r"on (?:the|our|a) roof", r"water is rising",
            r"need (?:a )?boats?", r"under siege", r"(?:we are|we're|we r) (?:still )?besieged",
        ],
        "evacuation": [
            r"evacuat\w*", r"(?:humanitarian|safe) (?:corridors?|passage|route)", r"green buses",
            r"buses (?:to|for) (?:evacuat\w*|take|get|leave)",
            r"(?:won't|will not|don't|do not|not|never) let (?:us|the civilians|civilians|"
            r"people) (?:leave|out|go)",
            r"let (?:us|the civilians|civilians|people|the people) (?:leave|out|go)",
            r"get out of (?:the )?(?:city|town|siege|area)",
        ],
        "medical": [
            _LACK_EN + r"(?:an? |the |more )?(?:doctors?|medics?|ambulances?|medicines?|"
            r"medication|medical (?:help|care|supplies|aid|attention)|blood|insulin|"
            r"oxygen|surgeons?|nurses?|first aid|dialysis|hospitals?)",
            r"bleeding", r"blood (?:donors?|donations?|type)", r"ambulances?",
            r"(?:hospitals?|clinics?)(?=(?: \w+){0,3} (?:is |are |was |were |has been |have been "
            r"|got )?(?:out of service|destroyed|bombed|hit|closed|not working|overwhelmed|full))",
            r"(?:is|are|badly|seriously|critically|severely) (?:injured|wounded|hurt|burned)",
            r"(?:injured|wounded) (?:people |civilians |children )?(?:need|are dying|dying|"
            r"without|left|bleeding|can't|cannot)",
            r"needs? (?:an? |urgent )?(?:surgery|operation|caesarean|c-section|transfusion|"
            r"amputation)",
        ],
        "food": [
            _LACK_EN + r"(?:food|bread|flour|baby (?:milk|formula)|formula|milk|rice)",
            r"starvation", r"starv(?:e|es|ed|ing) to death", r"famine",
            r"nothing (?:left )?to eat",
            r"(?:we are|we're|people are|children are|kids are|families are|they are|are|is) "
            r"(?:so |very |still |slowly )?(?:starving|hungry)",
            r"(?:starving|hungry) (?:children|kids|people|families|civilians)", r"haven'?t eaten",
            r"food (?:is )?running out", r"food (?:shortages?|crisis)",
        ],
        "water": [
            _LACK_EN + r"(?:clean |drinking |fresh |potable )?water",
            r"(?:clean|drinking|potable) water", r"thirst",
            r"(?:are|is|we're) (?:so |very )?thirsty", r"dehydrat\w*",
            r"water (?:is |has been )?(?:cut|cut off|running out)",
        ],
        "shelter": [
            _LACK_EN + r"(?:a )?(?:shelter|roof|blankets?|tents?|heating|fuel)",
            r"(?:sleeping|sleep|stuck|living) (?:in the (?:streets?|open|cold|snow|rain)|outside|"
            r"outdoors)",
            r"nowhere to (?:go|sleep|stay|hide)", r"freezing", r"in the cold",
            r"(?:we are|we're|we have become|left) homeless", r"lost our (?:home|house)s?",
            r"our (?:house|home|building) (?:is |was |has been )?(?:destroyed|gone|flattened|"
            r"collapsed)",
        ],
        "under_fire": [
            r"shell(?:ing|ed)", r"bomb(?:ing|ed|ardment|s)", r"air ?strikes?", r"air ?raids?",
            r"barrel bombs?", r"cluster bombs?", r"snipers?", r"gunfire", r"under fire",
            r"mortars?", r"missiles?", r"rockets?", r"chlorine", r"(?:gas|chemical) attack",
            r"shooting at (?:us|civilians|people)", r"jets? (?:are )?(?:overhead|bombing)",
            r"(?:jets?|planes?|warplanes?|helicopters?) (?:are )?(?:back|hitting|striking|"
            r"circling)",
            r"hitting (?:the|our) (?:market|neighbou?rhood|street|building|hospital|houses|homes)",
        ],
        "missing_person": [
            r"(?:looking|searching) for (?:my|our) \w+",
            r"(?:is|are|has been|have been|went|gone) missing", r"missing since", r"last seen",
            r"(?:has anyone|have you|anyone|did anyone) (?:seen|heard from)",
            r"lost contact with",
            r"(?:haven'?t|have not|can'?t|cannot) (?:heard from|reach|find) (?:my|our)",
            r"any (?:news|information|info) (?:of|about|on) (?:my|our)",
        ],
        "farewell": [
            r"(?:this|it|that) (?:may|might|could|will) be (?:my|our|the) (?:very )?last "
            r"(?:message|video|tweet|post|words|call|update)",
            r"(?:my|our) last (?:message|video|tweet|post|words)", r"forgive (?:us|me)",
            r"remember (?:us|me)", r"(?:don'?t|do not|never) forget (?:us|me|about us)",
            r"pray for (?:us|me)", r"we (?:are going to|will|may|might|'ll) (?:all )?die",
            r"we are (?:all )?dying", r"if (?:we|i) (?:don'?t|do not) (?:make it|survive)",
            r"(?:we|i) (?:may|might) not (?:survive|make it)",
            r"waiting (?:for|to) (?:death|die)",
            r"tell the world (?:what happened|about us|our story)",
        ],
        "farewell_weak": [r"good ?bye", r"farewell", r"say goodbye", r"(?:we|i) love you all"],
        "plea": [
            r"help (?:us|me)", r"please help", r"send help", r"(?:we|i) need help", r"sos",
            r"help ?!+", r"someone help",
        ],
    },
    "ar": {
        "rescue": [
            r"محاصر(?:ون|ين|ه)?", r"نحاصر", r"عالق(?:ون|ين|ه)?",
            r"تحت (?:ال)?(?:انقاض|ركام|ردم|الانقاض)", r"انقذونا", r"انقذوني", r"اغيثونا",
            r"اغيثوا", r"النجده", r"نجده", r"اخرجونا", r"طلعونا", r"حدا يطلعنا",
            r"(?:نحتاج|بحاجه) (?:الي )?(?:انقاذ|فرق الانقاذ|الدفاع المدني)", r"استغاثه",
            r"نستغيث", r"مطمورين", r"مدفونين",
            r"(?:وين|اين) (?:ال)?(?:دفاع المدني|فرق الانقاذ|المسعفين)",
        ],
        "evacuation": [
            r"اجلاء", r"اخلاء", r"ممر(?:ات)? (?:ال)?(?:امن|امنه|انساني|انسانيه)",
            r"(?:ال)?باصات(?: الخضراء)?", r"(?:خروج|اخراج|اخرجوا) (?:ال)?مدنيين", r"تهجير",
        ],
        "medical": [
            r"ينزف", r"تنزف", r"ينزفون", r"نزيف", r"اسعاف", r"سياره اسعاف", r"(?:ال)?اطباء",
            r"طبيب", r"(?:ال)?ادويه", r"دواء", r"(?:متبرعين|تبرع|التبرع) بالدم",
            r"زمره (?:ال)?دم",
            r"(?:مستشفي|مشفي|مستشفيات|مشافي)(?=(?: \w+)? (?:خارج الخدمه|خرج عن الخدمه|دمر|قصف|"
            r"توقف))",
            r"خارج الخدمه", r"عمليه جراحيه", r"اكسجين", r"انسولين", r"غسيل (?:ال)?كلي",
            r"(?:جرحي|مصابين|جريح|مصاب) (?:بحاجه|يحتاجون|ينزفون|بلا|دون|لا يجدون|يموتون)",
            r"(?:ابني|ابنتي|بنتي|طفلي|اخي|اختي|امي|ابي|زوجي|زوجتي|اطفالي)(?: \w+)? (?:مصاب|مصابه|"
            r"جريح|جريحه|ينزف|تنزف)",
            r"(?:لدينا|عندنا|معنا) (?:\w+ )?(?:جرحي|مصابين|اصابات)",
            _LACK_AR + r"(?:ال)?(?:اسعاف|اطباء|طبيب|ادويه|دواء|مستشفي|مشفي|علاج|دم)",
            r"(?:بحاجه|يحتاج|تحتاج|نحتاج)(?: الي)? (?:ل)?(?:عمليه|عمليه جراحيه|عمليه قيصريه|نقل "
            r"دم|بتر)",
        ],
        "food": [
            _LACK_AR + r"(?:ال)?(?:طعام|خبز|غذاء|اكل|حليب|طحين)", r"(?:ال)?جوع",
            r"جائع(?:ون|ين)?", r"جياع", r"مجاعه", r"حليب (?:ال)?اطفال", r"لم ناكل",
        ],
        "water": [
            _LACK_AR + r"(?:ال)?(?:ماء|مياه|مي)", r"(?:ال)?عطش", r"عطشي", r"مياه (?:ال)?شرب",
            r"ماء (?:ال)?شرب", r"(?:ال)?(?:ماء|مياه|مي) (?:مقطوع|مقطوعه|منقطعه|انقطعت|قطعت)",
        ],
        "shelter": [
            _LACK_AR + r"(?:ماوي|سقف|مدفاه|تدفئه|بطانيات|خيم|خيام)", r"ماوي",
            r"(?:في|ب)(?:ال)?عراء",
            r"(?:ننام|نايمين|نائمون|ينامون) (?:في )?(?:ال)?(?:شارع|شوارع|عراء|برد)",
            r"(?:ال)?برد", r"(?:ال)?صقيع", r"خيم(?:ه)?", r"خيام", r"بطانيات",
            r"(?:دمر|تدمر|انهار|سقط) (?:بيتنا|منزلنا)",
        ],
        "under_fire": [
            r"قصف(?:ت|وا|نا|ه|ها)?", r"يقصف(?:ون)?", r"تقصف", r"قنص", r"قناص(?:ه|ين)?",
            r"(?:ال)?براميل(?: (?:ال)?متفجره)?", r"برميل", r"غار(?:ه|ات)", r"صواريخ", r"قذائف",
            r"(?:ال)?رصاص", r"اطلاق (?:ال)?نار", r"تحت (?:ال)?نار", r"(?:ال)?كلور", r"كيماوي",
            r"غاز سام", r"(?:ال)?طيران (?:فوقنا|يقصف)", r"(?:ال)?هاون",
        ],
        "missing_person": [
            r"(?:ابحث|نبحث|نفتش|ادور|ندور|بدور) (?:عن|علي)", r"مفقود(?:ه|ين|ون)?",
            r"(?:فقدنا|انقطع) (?:ال)?اتصال", r"لا نعرف (?:شيئا )?عن", r"لا نعرف مصير",
            r"مصير(?:ه|ها|هم)? مجهول", r"من (?:يعرف|لديه) (?:اي )?(?:شي|شيء|معلومه|معلومات|خبر)",
            r"اي (?:خبر|معلومه|معلومات) عن",
        ],
        "farewell": [
            r"سامحونا", r"سامحوني", r"سامحني", r"ادعولنا", r"ادعو(?:ا)? لنا", r"ادعولي",
            r"ادعو(?:ا)? لي", r"(?:قد|ربما) تكون (?:هذه )?(?:رسالتي|رسالتنا|اخر رساله)",
            r"(?:رسالتي|رسالتنا) (?:ال)?اخيره",
            r"اخر (?:رساله|تغريده|فيديو|كلمات) (?:لي|مني|لنا|منا)", r"وداعا", r"الوداع",
            r"نودعكم", r"اذكرونا", r"اذكروني", r"لا تنسونا", r"لا تنسوني",
            r"(?:سنموت|سوف نموت|رح نموت|راح نموت)", r"نحن نموت", r"نراكم في الجنه",
        ],
        "farewell_weak": [r"الوداع", r"نحبكم"],
        "plea": [
            r"ساعدونا", r"ساعدوني", r"ساعدوا(?:نا)?",
            r"(?:نحتاج|بحاجه) (?:الي )?(?:مساعده|المساعده)", r"نناشد", r"مناشده", r"يا عالم",
            r"وين (?:ال)?عالم",
        ],
    },
    "fr": {
        "rescue": [
            r"(?:coincés?|piégés?|bloqués?|assiégés?)", r"sous les (?:décombres|gravats|ruines)",
        ],
        "medical": [
            r"(?:besoin d'|pas de |sans )(?:un )?(?:médecins?|ambulances?|médicaments|sang)",
            r"blessés? graves?",
        ],
        "water": [r"(?:pas d'|besoin d'|sans )eau", r"eau potable"],
        "food": [r"(?:pas de|besoin de|sans) nourriture", r"(?:nous avons|on a|j'ai) faim"],
        "shelter": [r"sans abri", r"pas d'abri", r"(?:nous avons|on a) froid"],
        "under_fire": [r"bombardements?", r"bombard[ée]s?", r"tirs", r"snipers?", r"frappes?"],
        "missing_person": [r"je cherche (?:mon|ma|mes)", r"disparus?"],
        "farewell": [
            r"pardonnez-(?:nous|moi)", r"souvenez-vous de nous", r"adieu",
            r"priez pour (?:nous|moi)", r"(?:notre|mon) dernier message",
        ],
        "plea": [
            r"aidez-(?:nous|moi)", r"aidez (?:nous|moi)", r"sauvez-(?:nous|moi)", r"au secours",
        ],
    },
    "es": {
        "rescue": [r"atrapad[oa]s?", r"bajo (?:los|las) (?:escombros|ruinas)", r"sitiad[oa]s"],
        "medical": [
            r"herid[oa]s? graves?", r"necesitamos (?:m[ée]dicos?|ambulancias?|medicinas?|sangre)",
        ],
        "water": [r"(?:sin|no hay|necesitamos) agua", r"agua potable"],
        "food": [r"(?:sin|no hay|necesitamos) comida", r"(?:tenemos|tengo) hambre"],
        "shelter": [r"sin (?:techo|refugio|hogar)", r"(?:tenemos|tengo) fr[íi]o"],
        "under_fire": [r"bombardeos?", r"bombardead[oa]s?", r"disparos", r"francotiradores?"],
        "missing_person": [r"busco a mi", r"buscamos a (?:mi|nuestr[oa])", r"desaparecid[oa]s?"],
        "farewell": [
            r"perd[óo]n[ea]nnos", r"recu[ée]rd[ea]nnos", r"adi[óo]s", r"recen por nosotros",
            r"(?:mi|nuestro) [úu]ltimo mensaje",
        ],
        "plea": [
            r"ay[úu]d[ea]nnos", r"ayuda por favor", r"socorro", r"auxilio", r"s[áa]lv[ea]nnos",
        ],
    },
    "tr": {
        "rescue": [r"enkaz (?:alt[ıi]nda\w*)", r"mahsur(?:uz|um| kald[ıi]k)?", r"kurtar[ıi]n"],
        "medical": [
            r"yaral[ıi](?:lar|y[ıi]z)?", r"ambulans", r"doktor", r"ila[çc]", r"kan laz[ıi]m",
        ],
        "water": [r"su yok", r"suya ihtiyac[ıi]m[ıi]z", r"susuz"],
        "food": [r"yiyecek yok", r"a[çc][ıi]z", r"ekmek yok"],
        "shelter": [r"[çc]ad[ıi]r", r"battaniye", r"(?:[çc]ok )?so[ğg]uk", r"evsiz"],
        "under_fire": [
            r"bombard[ıi]man", r"bomba", r"keskin ni[şs]anc[ıi]", r"ate[şs] alt[ıi]nda",
        ],
        "missing_person": [r"kay[ıi]p", r"ar[ıi]yorum"],
        "farewell": [
            r"hakk[ıi]n[ıi]z[ıi] helal edin", r"helal edin", r"bizi unutmay[ıi]n", r"elveda",
            r"son mesaj[ıi]m", r"dua edin",
        ],
        "plea": [r"yard[ıi]m edin", r"imdat", r"ses(?:imizi)? duyan var m[ıi]"],
    },
}

CUES: dict[str, dict[str, list[str]]] = {
    "en": {
        "first_person": [
            r"we", r"we're", r"we've", r"we'll", r"us", r"our", r"i", r"i'm", r"i've", r"me",
            r"my",
        ],
        "urgent": [
            r"now", r"right now", r"urgent(?:ly)?", r"asap", r"immediately", r"please", r"pls",
            r"plz", r"sos", r"hurry", r"quickly", r"emergency", r"as we speak", r"still",
        ],
        "vulnerable": [
            r"child(?:ren)?", r"kids?", r"bab(?:y|ies)", r"infants?", r"toddlers?", r"newborn",
            r"my (?:son|daughter|mother|father|wife|husband)", r"pregnant", r"elderly",
            r"disabled", r"wounded", r"injured", r"bleeding", r"orphans?",
        ],
        "location": [
            r"street", r"st\.", r"road", r"avenue", r"building", r"floor", r"block", r"apartment",
            r"neighbou?rhood", r"district", r"near", r"next to", r"behind", r"opposite",
            r"corner of", r"square", r"mosque", r"school", r"camp", r"village",
            r"\d+(?:st|nd|rd|th) floor", r"\d{1,2}\.\d{3,}, ?\d{1,3}\.\d{3,}",
        ],
        "past": [
            r"yesterday", r"last (?:night|week|month|year)", r"ago", r"anniversary",
            r"in (?:19|20)\d\d", r"years? later", r"on this day", r"remember when",
        ],
        "question": [
            r"does anyone know", r"anyone know", r"is there any news", r"any news (?:from|on)",
            r"are (?:they|people|the people|you) (?:ok|okay|safe|alright)",
            r"what(?:'s| is) happening", r"how (?:are|is) (?:the|people)",
        ],
        "reporting": [
            r"according to", r"reportedly", r"reports? (?:say|of|that)", r"sources? (?:say|said)",
            r"breaking", r"officials? (?:say|said)", r"said", r"says", r"news", r"via",
            r"monitor", r"update",
        ],
        "sympathy": [
            r"pray(?:ing)? for", r"prayers?", r"thoughts (?:and prayers|are with)",
            r"hearts? (?:go|goes) out", r"stand(?:ing)? with", r"solidarity", r"save ?[a-z]+",
            r"rip", r"rest in peace", r"condolences", r"heartbreaking", r"god bless", r"may god",
        ],
        "negation": [
            r"no longer", r"not", r"n't", r"never", r"no one (?:is|was)", r"nobody (?:is|was)",
            r"none (?:are|is|were|was)", r"no more", r"free from", r"freed from", r"escaped",
            r"zero",
        ],
        "resolved": [
            r"(?:were|was|have been|has been|had been|got|are now|is now|now)\s+(?:all\s+|"
            r"safely\s+|successfully\s+|finally\s+)?(?:rescued|freed|saved|pulled out|evacuated|"
            r"released|found|safe|reunited|completed|complete|finished|over|ended|done|lifted|"
            r"restored)",
            r"(?:has|have|had) (?:ended|finished|been completed)",
            r"(?:we|they) are (?:now )?safe", r"ended", r"completed",
        ],
    },
    "ar": {
        "first_person": [
            r"نحن", r"احنا", r"انا", r"اننا", r"انني", r"عندنا", r"لدينا", r"علينا", r"معنا",
            r"حولنا", r"فوقنا", r"بيتنا", r"منزلنا", r"بيوتنا", r"اطفالنا", r"اولادنا", r"عائلتي",
            r"عائلتنا", r"اهلي", r"ابني", r"ابنتي", r"بنتي", r"طفلي", r"اطفالي", r"امي", r"ابي",
            r"اخي", r"اختي", r"زوجي", r"زوجتي", r"جيراننا", r"حينا", r"حارتنا", r"لنا", r"لي",
            r"نموت", r"سنموت", r"نحتاج", r"نطلب", r"ننام", r"نعيش", r"نعاني", r"\w{2,}نا",
            r"انقذوني", r"ساعدوني", r"اذكروني", r"سامحوني", r"محاصرون", r"عالقون",
        ],
        "urgent": [
            r"الان", r"بسرعه", r"فورا", r"ارجوكم", r"رجاء", r"يا ناس", r"ياناس", r"النجده",
            r"حالا", r"هلق", r"اسرعوا", r"لا زلنا", r"مازلنا", r"ما زلنا",
        ],
        "vulnerable": [
            r"اطفال", r"طفل", r"طفله", r"رضيع", r"رضع", r"ابني", r"ابنتي", r"بنتي", r"طفلي",
            r"اطفالي", r"حامل", r"مسن", r"مسنين", r"عجوز", r"معاق", r"جرحي", r"جريح", r"مصاب",
            r"مصابين", r"ينزف", r"تنزف", r"ايتام", r"اولادي", r"صغار", r"نساء",
        ],
        "location": [
            r"حي", r"شارع", r"بنايه", r"بناء", r"عماره", r"مبني", r"قرب", r"بجانب", r"جانب",
            r"مقابل", r"خلف", r"الطابق", r"طابق", r"منطقه", r"دوار", r"ساحه", r"جامع", r"مسجد",
            r"مدرسه", r"مخيم", r"قريه", r"بلده",
        ],
        "past": [
            r"امس", r"البارحه", r"الاسبوع الماضي", r"الشهر الماضي", r"العام الماضي",
            r"قبل (?:عام|سنه|سنوات|اعوام|ايام|شهر|اشهر)", r"ذكري", r"في مثل هذا اليوم",
        ],
        "question": [
            r"هل (?:من|يوجد|هناك|يعرف|احد)", r"كيف حال", r"ما (?:الذي|اللي) يحدث", r"شو صاير",
        ],
        "reporting": [
            r"وكاله", r"مصادر", r"افاد", r"افادت", r"قال", r"قالت", r"اعلن", r"اعلنت", r"ذكرت",
            r"بحسب", r"وفقا", r"مراسل", r"عاجل", r"المرصد", r"ناشطون",
        ],
        "sympathy": [
            r"تضامنا", r"قلوبنا مع", r"اللهم كن (?:مع|ل)", r"ادعوا (?:ل|الي)(?!نا|ي)\w*",
            r"رحمهم الله", r"الله يرحم\w*", r"حسبنا الله", r"انقذوا (?!نا)\w+", r"تباد", r"تحترق",
            r"لا حول ولا قوه", r"يا رب",
        ],
        "negation": [
            r"لم نعد", r"لم يعد", r"لم تعد", r"لسنا", r"ليس", r"ليسوا", r"لا يوجد", r"تم انقاذ",
            r"تم اخراج", r"انتهاء", r"اكتمال", r"انتهت", r"اكتملت", r"انتهي", r"توقف",
        ],
        "resolved": [
            r"(?:تم|وتم) (?:انقاذ|اخراج|اجلاء)\w*", r"انتهت", r"اكتملت", r"اكتمل", r"انتهي",
            r"بامان", r"نجوا", r"نجا", r"سالمين",
        ],
    },
    "fr": {
        "first_person": [
            r"nous", r"on", r"je", r"j'\w+", r"moi", r"mon", r"ma", r"mes", r"notre", r"nos",
        ],
    },
    "es": {
        "first_person": [
            r"nosotros", r"estamos", r"somos", r"yo", r"mi", r"mis", r"nuestr[oa]s?",
            r"necesitamos", r"tenemos", r"estoy",
        ],
    },
    "tr": {
        "first_person": [
            r"biz", r"ben", r"bizi", r"bana", r"benim", r"bizim", r"\w+(?:[ıi]z|yim|y[ıi]m)",
        ],
    },
}

EXCLUDE: dict[str, list[str]] = {
    "en": [
        r"help ?desk", r"help (?:center|centre|page|line|wanted)", r"helpline", r"self-help",
        r"with the help of", r"helpful",
        r"last (?:message|tweet|post|video) (?:of|for) (?:the|this|20\d\d) ?(?:year|day|week|"
        r"month|season)?",
        r"good ?bye (?:20\d\d|summer|winter|spring|autumn|fall|weekend|year)",
        r"farewell (?:party|tour|concert|game|match|speech|dinner|gift)",
        r"pray for (?:rain|snow)", r"(?:fire|evacuation) drills?", r"shelling out", r"dying to",
        r"bombed (?:the|my|an?) (?:exam|test|interview)", r"rocket (?:science|league)",
        r"photo ?bomb\w*", r"trapped in (?:a|an|this|my) (?:loop|job|relationship|body|dream)",
    ],
    "ar": [
        r"مكتب (?:ال)?مساعده", r"اخر (?:رساله|تغريده) (?:ل|في )?(?:هذا )?(?:ال)?(?:عام|سنه|يوم)",
    ],
}
