"""The chat side of the demo scenario: a local news channel on Telegram, a families' WhatsApp group.

Both are invented. The channel posts news, forwards residents' appeals and pins instructions;
the group is neighbours from al-Firdaws checking on each other, in Syrian colloquial Arabic.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Final

from sitroom.demo import phrases as ph
from sitroom.demo.model import (
    KIND_WEIGHTS,
    ChatLine,
    Post,
    fill,
    hour_weights,
    phase_at,
    place_point,
)

DAYS: Final = 5
CHANNEL_NAME: Final = "Nahr News | نهر نيوز"
CHANNEL_ID: Final = 1083462190
FIRST_POST_ID: Final = 4180
GROUP_NAME: Final = "Firdaws Families"
ADMIN: Final = "Abu Khaled"
MEMBERS: Final = ("Abu Khaled", "أم سامر", "Hiba Nassar", "Dr Karim", "خالد", "Rasha",
                  "أبو يوسف", "Mahmoud Firdaws", "+963 944 512 330", "Noura", "جارنا أبو علي",
                  "Yaman")
# (hours after the start, member): people added to and leaving the group during the siege.
JOINS: Final = ((9.5, "+963 933 208 417"), (31.0, "Tarek"), (50.2, "أم محمد"))
LEAVES: Final = ((81.0, "+963 944 512 330"), (86.5, "Noura"), (101.0, "Yaman"))
ENCRYPTION_NOTICE: Final = ("Messages you send to this group are now secured with end-to-end "
                            "encryption. Tap for more info.")
FORWARDED_RESIDENTS: Final = ("Hiba Nassar | هبة نصار", "أبو يوسف", "Omar al-Khatib",
                              "ريم | Reem", "خالد أبو عمر")
DOCTOR: Final = "Dr. Karim Sabbagh | د. كريم الصباغ"
# Who the channel forwards each kind of news from.
FORWARDED_FROM: Final = {
    "civdef": ("الدفاع المدني - قصر النهر | Qasr Civil Defence",),
    "medic": ("مديرية صحة قصر النهر الحرة", DOCTOR),
    "medic_last": ("مديرية صحة قصر النهر الحرة", DOCTOR),
    "agency": ("Intl. Relief Committee", "UN Humanitarian Coordination Syria",
               "بيت الأمل للإغاثة | Bayt al-Amal"),
    "missing": ("Intl. Relief Committee", "UN Rights Office"),
}
SIGNATURES: Final = ("Bilal Darwish", "أبو جعفر")
UPDATES: Final = (
    "ar|تحديث: ارتفاع الحصيلة إلى {killed} قتيلاً", "ar|تحديث: فرق الدفاع المدني وصلت إلى المكان",
    "en|Update: confirmed by Civil Defence", "ar|تصحيح: الخبر يخص حي {nb} وليس {nb2}",
)
TG_TAGS: Final = ("#قصر_النهر", "#قصر_النهر_تباد", "#ممر_الرملة", "#SaveQasr")
NOT_LOCAL: Final = ("sympathy", "intl", "denial")  # a local channel debunks, never denies

# Chat talk in the Firdaws families' WhatsApp group (Syrian colloquial Arabic and English).
CHAT: Final[dict[str, tuple[str, ...]]] = {
    "check": (
        "ar|حدا ب{nb}؟ طمنونا", "ar|وينكم يا جماعة؟ ليش ما حدا عم يرد", "ar|أبو علي طمنا عنك",
        "en|Is anyone in {nb}? Answer please", "en|Where is everyone? Nobody answers",
    ),
    "news": (
        "ar|القوات وصلت ل{nb}، لا حدا يطلع", "ar|سكّروا الطريق عند {lm}",
        "ar|عاجل\nقصف على {nb} هلق، ابعدوا عن الشبابيك",
        "en|The road near {lm} is closed, don't go that way",
        "en|Snipers near {lm}. Nobody cross the street there",
    ),
    "bakery": (
        "ar|الفرن فتح، في خبز لحد الساعة 10", "ar|فرن الحاج عبدو فاتح، الدور طويل",
        "en|Hajj Abdo bakery is open, bread until 10",
    ),
    "ok": (
        "ar|نحنا بخير الحمد لله، بالقبو", "ar|كلنا منيح بس الولاد خايفين",
        "en|We are ok, in the basement", "ar|الحمد لله ما صار شي عنا",
    ),
    "comfort": (
        "ar|لا تقولي هيك، الله يحميكن", "ar|الله معكن، لا تخافوا",
        "en|Don't say that. We will get out together", "ar|ادعولنا ولا تيأسوا",
    ),
    "evac": (
        "ar|عم يقولوا الباصات رح تجي الساعة 6 الصبح", "ar|وصلنا كفر عزيز الحمد لله",
        "ar|نحنا بالباص، الطريق طويل", "ar|وقفونا عالحاجز من ساعتين",
        "en|They say buses will come at 6", "en|We crossed the bridge. We are alive",
        "en|The convoy stopped, nobody knows why",
    ),
    "need": (
        "ar|بدنا حليب أطفال ب{nb}، حدا عنده؟", "ar|مطلوب دم O سالب ب{hosp} ضروري",
        "ar|حدا عنده مازوت؟ الولاد بردانين", "en|Need insulin for my father, anyone?",
        "en|We need a doctor at {lm}, a boy is bleeding",
    ),
    "fear": (
        "ar|القصف قريب كتير", "ar|صاروا بآخر الشارع", "ar|سامحونا", "ar|ادعولنا",
        "en|The forces are at the end of the street", "en|Shelling very close now",
    ),
    "reply": (
        "ar|الحمد لله على السلامة", "ar|الله يحميكن", "ar|🙏🙏", "ar|آمين", "en|ok",
        "en|👍", "en|Thank God you are safe", "en|Stay inside",
    ),
}


# Very long posts, as they circulate on Telegram and WhatsApp (Twitter could not carry them).
LONG_POSTS: Final = (
    "ar|بيان صادر عن أطباء الأحياء الشرقية في قصر النهر\n\n"
    "نحن من تبقى من الأطباء والممرضين في الأحياء المحاصرة، نكتب إليكم وقد خرج آخر مشفى "
    "عن الخدمة. خلال ثمانٍ وأربعين ساعة استقبلنا أكثر من ثلاثمئة جريح، بينهم عشرات الأطفال، "
    "ولم يبق لدينا سوى أربعة أطباء وغرفة عمليات واحدة تعمل على مولدة يكاد ينفد وقودها.\n\n"
    "نعالج المصابين على الأرض، في الممرات وفي الأقبية، دون تخدير ودون أكياس دم. اضطررنا "
    "إلى الاختيار بين من نعالج ومن نتركه، وهذا ما لا يجب أن يفعله طبيب في أي مكان في العالم.\n\n"
    "نطالب بممر آمن وفوري لإخراج الجرحى والمرضى، بضمانة اللجنة الدولية للإغاثة والأمم المتحدة، "
    "ونطالب بحماية الكوادر الطبية وسيارات الإسعاف. إن لم يتحرك أحد اليوم فلن يبقى غداً من "
    "ينقذ أحداً.\n\nالموقعون: أطباء مشفى دار الرحمة ومشفى الزهراء للأطفال ومشفى الأمل الميداني",
    "en|OPEN LETTER FROM THE LAST DOCTORS OF EASTERN QASR AL-NAHR\n\n"
    "To the Secretary-General, to the members of the Security Council, to everyone who is "
    "watching:\n\nWe are the last doctors and nurses in the besieged eastern neighbourhoods of "
    "Qasr al-Nahr. In the past 48 hours we have received more than 300 wounded people. We have "
    "four doctors left, one operating theatre and fuel for the generator for a few more hours. "
    "Dar al-Rahma Hospital was bombed four times this week and is now out of service. There is "
    "no hospital left.\n\nWe treat people on the floor, in corridors and basements, without "
    "anaesthetic and without blood. We have had to decide who to treat and who to let die. "
    "Children are dying from wounds we could treat in an hour in any normal hospital.\n\n"
    "We ask for one thing: an immediate, guaranteed corridor for the wounded and the sick, "
    "supervised by the Intl. Relief Committee, and protection for medical workers and "
    "ambulances. Do not tell us later that you did not know. You know now.\n\n"
    "Signed: the medical staff of Dar al-Rahma Hospital, al-Zahraa Children's Hospital and "
    "al-Amal Field Hospital. #SaveQasr",
    "ar|📢 تعليمات الإجلاء | Evacuation instructions\n\n"
    "1. التجمع عند دوار الساعة الساعة السادسة صباحاً\n"
    "2. حقيبة واحدة لكل عائلة، والأوراق الثبوتية\n"
    "3. الأولوية للجرحى والمرضى والأطفال وكبار السن\n"
    "4. لا تقتربوا من جسر الرملة قبل وصول الحافلات\n"
    "5. انتظروا تعليمات فرق اللجنة الدولية للإغاثة\n\n"
    "1. Gather at the Clock Roundabout at 6 am\n2. One bag per family, and your papers\n"
    "3. Wounded, sick, children and the elderly first\n"
    "4. Do not approach al-Ramla Bridge before the buses arrive\n"
    "5. Wait for instructions from the Intl. Relief Committee teams\n\n#ممر_الرملة #قصر_النهر",
)
PINNED_POST: Final = (
    "📌 أرقام الطوارئ | Emergency numbers\nالدفاع المدني: +963 944 100 200\n"
    "مشفى دار الرحمة: +963 933 300 400\nغرفة عمليات الإجلاء: +963 955 500 600\n"
    "لا تنشروا مواقع العائلات علناً"
)
CHAT_LONG: Final = (
    "ar|يا جماعة اسمعوني منيح. إذا طلعنا بكرا لازم نكون كلنا سوا عند دوار الساعة قبل الساعة "
    "ستة. ما حدا ياخد غير شنتاية وحدة. الأوراق والهويات بالجيبة مو بالشنتاية. الختيارية "
    "والولاد بالنص والشباب ورا. إذا وقفونا عالحاجز ما حدا يحكي غير أبو خالد. وإذا فرقونا عن "
    "بعض كل واحد يبعت رسالة هون أول ما يوصل كفر عزيز. الله يحمينا ويحميكن كلكن\n"
    "وتذكروا: ما حدا يرجع عالبيت لياخد شي، ولا شي بيسوى",
    "ar|أسماء العائلات بقبو مدرسة الخنساء:\n1- عائلة أبو سامر (6)\n2- عائلة الحداد (4)\n"
    "3- عائلة قباني (7)\n4- عائلة أم محمد (3)\n5- عائلة النجار (5)\n6- عائلة المصري (8)\n"
    "7- عائلة دياب (2)\nالمجموع 35 شخص، بينهم 14 طفل و3 جرحى\nإذا حدا بيقدر يوصل هالأسماء "
    "للصليب أو للأمم المتحدة",
)

# What people answer to each kind of opening message.
FOLLOW_UPS: Final = {
    "check": ("ok", "ok", "reply"), "news": ("reply", "media", "news"), "bakery": ("reply",),
    "evac": ("evac", "check", "reply"), "need": ("reply", "need"),
    "fear": ("reply", "fear", "media"), "media": ("reply", "media"), "location": ("reply",),
    "appeal": ("reply", "media"), "farewell": ("comfort", "reply", "comfort"),
}


def telegram_posts(rng: random.Random, count: int, start: datetime) -> list[Post]:
    """The channel's messages in id order: `count` messages plus a few service messages."""
    specials = [(1.5, "pinned"), (1.55, "pin"), (30.2, "photo_edit"), (53.0, "long0"),
                (55.0, "long1"), (72.5, "long2"), (72.52, "pin"), (61.3, "hostile_img"),
                (79.0, "hostile_rlo"), (83.0, "hostile_script")]
    regular = count - sum(1 for _, kind in specials if kind not in ("pin", "photo_edit"))
    events = [(start + timedelta(hours=h), kind) for h, kind in specials]
    events += [(at, "post") for at in _times(rng, max(0, regular), start)]
    events.sort(key=lambda event: event[0])
    posts: list[Post] = []
    next_id = FIRST_POST_ID
    for at, kind in events:
        posts.append(_tg_post(rng, next_id, at, kind, posts, start))
        next_id += 1 if rng.random() > 0.05 else rng.randint(2, 4)  # deleted posts leave gaps
    return posts


def _tg_post(rng: random.Random, post_id: int, at: datetime, kind: str, posts: list[Post],
             start: datetime) -> Post:
    if kind == "pinned":
        return Post(post_id, at, text=PINNED_POST)
    if kind == "pin":
        return Post(post_id, at, action="pin_message", pinned_id=posts[-1].id)
    if kind == "photo_edit":
        return Post(post_id, at, action="edit_group_photo", photo=True)
    if kind.startswith("long"):
        text = LONG_POSTS[int(kind[4:])].split("|", 1)[1]
        source = DOCTOR if kind != "long2" else None
        return Post(post_id, at, text=text, forwarded_from=source)
    if kind == "hostile_img":
        return Post(post_id, at, text=f"سجلوا أسماءكم للإجلاء هنا {ph.HOSTILE_IMG}",
                    forwarded_from="Aid Registration | تسجيل المساعدات")
    if kind == "hostile_rlo":
        return Post(post_id, at, text=f"قائمة المهجّرين: list{ph.RLO}fdp.exe")
    if kind == "hostile_script":
        return Post(post_id, at, text=f"Evacuation update {ph.HOSTILE_SCRIPT}")
    return _tg_regular(rng, post_id, at, posts, start)


def _tg_regular(rng: random.Random, post_id: int, at: datetime, posts: list[Post],
                start: datetime) -> Post:
    own = [p.id for p in posts[-12:] if p.action is None and p.forwarded_from is None]
    if own and rng.random() < 0.07:
        text = fill(rng.choice(UPDATES), rng, at, start)
        return Post(post_id, at, text=text, reply_to=rng.choice(own))
    table = {k: w for k, w in KIND_WEIGHTS[phase_at(at, start)].items() if k not in NOT_LOCAL}
    kind = rng.choices(list(table), weights=list(table.values()))[0]
    arabic = rng.random() < 0.8
    options = [t for t in ph.TEMPLATES[kind] if t.startswith("ar|" if arabic else "en|")]
    post = Post(post_id, at, text=fill(rng.choice(options or ph.TEMPLATES[kind]), rng, at, start))
    if kind in ("appeal", "farewell"):
        post.forwarded_from = rng.choice(FORWARDED_RESIDENTS)
    elif kind in FORWARDED_FROM and (kind in ("agency", "missing") or rng.random() < 0.5):
        post.forwarded_from = rng.choice(FORWARDED_FROM[kind])
    elif kind.startswith(("report", "evac")) and rng.random() < 0.45:
        post.bold = "🔴 عاجل" if arabic else "🔴 BREAKING"
    _tg_extras(rng, post, arabic, start + timedelta(days=DAYS))
    return post


def _tg_extras(rng: random.Random, post: Post, arabic: bool, end: datetime) -> None:
    if rng.random() < 0.35:
        post.text += " " + rng.choice(TG_TAGS)
    if rng.random() < 0.1:
        post.photo = True
    if post.forwarded_from is not None:
        return  # a forward keeps its author's words: no signature, link or edit of ours
    if rng.random() < 0.25:
        post.author = rng.choice(SIGNATURES)
    if rng.random() < 0.04:
        post.text += " @QasrCivilDefence"
    if rng.random() < 0.06:
        label = "التفاصيل" if arabic else "Details"
        post.link = (label, f"https://nahrnews.example/news/{post.id}")
    elif rng.random() < 0.04:
        post.text += f"\nhttps://nahrnews.example/live/{post.id}"
    edited = post.at + timedelta(seconds=rng.randint(40, 1200))
    if rng.random() < 0.07 and edited < end:
        post.edited_at = edited


def whatsapp_lines(rng: random.Random, count: int, start: datetime) -> list[ChatLine]:
    """The group's export lines in order: `count` messages plus the system lines."""
    created = start + timedelta(minutes=1)
    end = start + timedelta(days=DAYS)
    system = [ChatLine(created, None, ENCRYPTION_NOTICE),
              ChatLine(created, None, f'{ADMIN} created group "{GROUP_NAME}"'),
              ChatLine(created, None, f"{ADMIN} added you"),
              ChatLine(created + timedelta(minutes=25), None, f"{ADMIN} changed this group's icon")]
    system += [ChatLine(start + timedelta(hours=h), None, f"{ADMIN} added {who}")
               for h, who in JOINS]
    system += [ChatLine(start + timedelta(hours=h), None, f"{who} left") for h, who in LEAVES]
    messages = [
        ChatLine(start + timedelta(hours=47.3), "أم سامر", CHAT_LONG[1].split("|", 1)[1]),
        ChatLine(start + timedelta(hours=73.4), ADMIN, CHAT_LONG[0].split("|", 1)[1]),
        ChatLine(start + timedelta(hours=74.1), JOINS[0][1], ph.HOSTILE_FORMULA),
    ][:count]
    weights = hour_weights(DAYS)
    while len(messages) < count:
        hour = rng.choices(range(len(weights)), weights=weights)[0]
        at = max(start + timedelta(hours=hour, seconds=rng.random() * 3600),
                 created + timedelta(minutes=2))
        messages += _conversation(rng, at, start, min(count - len(messages), rng.randint(2, 7)))
    return sorted(system + [m for m in messages if m.at < end], key=lambda line: line.at)


def _conversation(rng: random.Random, at: datetime, start: datetime,
                  size: int) -> list[ChatLine]:
    """A few messages in a row: someone opens (news, a question, fear), others answer."""
    opener = _opener(rng, at, start)
    lines: list[ChatLine] = []
    sender = ""
    for index in range(size):
        kind = opener if index == 0 else rng.choice(FOLLOW_UPS[opener])
        if opener == "check" and index == 1:
            kind = "ok"  # the answer to "is anyone there?" comes first
        sender = _member(rng, at, start, but=sender)
        lines.append(ChatLine(at, sender, _chat_text(rng, kind, at, start)))
        at += timedelta(seconds=20 + rng.expovariate(1 / 120))
    return lines


def _opener(rng: random.Random, at: datetime, start: datetime) -> str:
    phase = phase_at(at, start)
    late = phase in ("ceasefire", "broken", "evacuation", "suspended")
    daytime = 6 <= (at.hour + 2) % 24 <= 14
    kinds = {"check": 14, "news": 12, "evac": 16 if late else 0,
             "bakery": 6 if daytime and not late else 0, "need": 10,
             "fear": 16 if phase in ("night1", "collapse", "night3") else 5,
             "media": 6, "location": 3, "appeal": 3, "farewell": 3 if phase != "pressure" else 0}
    return rng.choices(list(kinds), weights=list(kinds.values()))[0]


def _member(rng: random.Random, at: datetime, start: datetime, *, but: str) -> str:
    """Someone in the group at that moment, other than who spoke last."""
    hours = (at - start) / timedelta(hours=1)
    present = [m for m in MEMBERS if not any(who == m and h <= hours for h, who in LEAVES)]
    present += [who for h, who in JOINS if h <= hours]
    present = [m for m in present if m != but] or present
    weights = [3.0 if m in (ADMIN, "أم سامر", "Hiba Nassar") else 1.0 for m in present]
    return rng.choices(present, weights=weights)[0]


def _chat_text(rng: random.Random, kind: str, at: datetime, start: datetime) -> str:
    if kind == "media":
        return "<Media omitted>"
    if kind == "location":
        lat, lon = place_point(rng.choice(ph.BESIEGED))
        return (f"location: https://maps.google.com/?q={lat + rng.uniform(-0.002, 0.002):.6f},"
                f"{lon + rng.uniform(-0.002, 0.002):.6f}")
    bank = ph.TEMPLATES[kind] if kind in ("appeal", "farewell") else CHAT[kind]
    return fill(rng.choice(bank), rng, at, start)


def _times(rng: random.Random, count: int, start: datetime) -> list[datetime]:
    weights = hour_weights(DAYS)
    hours = rng.choices(range(len(weights)), weights=weights, k=count)
    return sorted(start + timedelta(hours=h, seconds=rng.random() * 3600) for h in hours)

