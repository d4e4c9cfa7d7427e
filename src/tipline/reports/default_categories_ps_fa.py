"""Pashto and Persian for the shipped categories, keyed by the English text.

Kept apart from `default_categories` so that the three original languages read as before and
an agency can see (and correct) these two in one place. Machine-assisted, not yet reviewed by
a native speaker (docs/design.md, "Languages"). A test holds that every English text of the
shipped categories has both.
"""

# English text: (Pashto, Persian)
PASHTO_PERSIAN: dict[str, tuple[str, str]] = {
    "Drug trafficking": ("د مخدره توکو قاچاق", "قاچاق مواد مخدر"),
    "Which drugs?": ("کوم مخدره توکي؟", "کدام مواد مخدر؟"),
    "Cocaine": ("کوکاین", "کوکائین"),
    "Heroin": ("هیروئین", "هروئین"),
    "Methamphetamine": ("میتامفیټامین (شیشه)", "مت‌آمفتامین (شیشه)"),
    "Cannabis": ("چرس یا بنګ", "حشیش یا ماری‌جوانا"),
    "Pills or synthetic drugs": ("ګولۍ یا مصنوعي مخدره توکي", "قرص یا مواد مخدر صنعتی"),
    "Not sure": ("ډاډه نه یم", "مطمئن نیستم"),
    "How much, and how often?": ("څومره، او څو ځله؟", "چه مقدار، و هر چند وقت یک بار؟"),
    "Where did it happen, or where does it happen?": (
        "دا چېرته وشول، یا چېرته کېږي؟",
        "کجا اتفاق افتاد، یا کجا اتفاق می‌افتد؟",
    ),
    "A town, street, border crossing, port or landmark.": (
        "ښار، کوڅه، سرحدي لار، بندر یا کوم مشهور ځای.",
        "شهر، خیابان، گذرگاه مرزی، بندر یا یک نشانی شناخته‌شده.",
    ),
    "When did it happen, or when will it happen?": (
        "دا کله وشول، یا به کله وشي؟",
        "چه زمانی اتفاق افتاد، یا چه زمانی اتفاق خواهد افتاد؟",
    ),
    "Who is involved, and what does each of them do?": (
        "په دې کې څوک ښکېل دي، او هر یو یې څه کوي؟",
        "چه کسانی درگیرند و هر کدام چه می‌کنند؟",
    ),
    "Describe their part in what happens: names or nicknames if you know them, roles, "
    "businesses. Their religion, ethnicity or politics are not needed.": (
        "ووایاست چې په پېښه کې یې څه رول دی: که پوهېږئ نومونه یا لقبونه، دندې، سوداګرۍ. "
        "د هغوی دین، قوم یا سیاست ته اړتیا نشته.",
        "نقش آن‌ها را در آنچه رخ می‌دهد بنویسید: اگر می‌دانید نام یا لقب، نقش، کسب‌وکار. "
        "دین، قومیت یا سیاست آن‌ها لازم نیست.",
    ),
    "Vehicles, boats or aircraft involved": (
        "په دې کې کارېدلي موټر، کښتۍ یا الوتکې",
        "خودروها، قایق‌ها یا هواپیماهای درگیر",
    ),
    "Type, colour, registration number, name of a boat.": (
        "ډول، رنګ، د نمبر پلیټ شمېره، د کښتۍ نوم.",
        "نوع، رنگ، شماره پلاک، نام قایق.",
    ),
    "How do you know this?": ("تاسو دا څنګه پېژنئ؟", "از کجا این را می‌دانید؟"),
    "I saw it myself": ("ما پخپله ولیدل", "خودم دیدم"),
    "Someone told me": ("چا راته وویل", "کسی به من گفت"),
    "I am or was involved": ("زه په کې ښکېل یم یا وم", "من درگیر هستم یا بوده‌ام"),
    "From documents or records": ("له اسنادو یا ریکارډونو", "از اسناد یا سوابق"),
    "Another way": ("په بله لاره", "از راه دیگری"),
    "Arms trafficking": ("د وسلو قاچاق", "قاچاق سلاح"),
    "What kind of weapons?": ("کوم ډول وسلې؟", "چه نوع سلاحی؟"),
    "Pistols or revolvers": ("تمانچې یا ریوالورونه", "تپانچه یا هفت‌تیر"),
    "Rifles or automatic weapons": ("ټوپکونه یا اتومات وسلې", "تفنگ یا سلاح خودکار"),
    "Explosives or grenades": ("چاودېدونکي توکي یا لاسي بمونه", "مواد منفجره یا نارنجک"),
    "Ammunition": ("مرمۍ", "مهمات"),
    "Other": ("نور", "دیگر"),
    "How many?": ("څومره؟", "چه تعداد؟"),
    "Smuggling of goods": ("د توکو قاچاق", "قاچاق کالا"),
    "Which goods are smuggled?": ("کوم توکي قاچاقېږي؟", "چه کالاهایی قاچاق می‌شود؟"),
    "For example fuel, cigarettes, medicines, wildlife, cash.": (
        "د بېلګې په توګه تېل، سګرټ، درمل، ځنګلي ژوي، نغدې پیسې.",
        "برای مثال سوخت، سیگار، دارو، حیات وحش، پول نقد.",
    ),
    "Which border crossing or route?": ("کومه سرحدي لار یا مسیر؟", "کدام گذرگاه مرزی یا مسیر؟"),
    "Human trafficking": ("د انسانانو قاچاق", "قاچاق انسان"),
    "Is someone in danger right now?": (
        "ایا همدا اوس څوک په خطر کې دی؟",
        "آیا همین حالا کسی در خطر است؟",
    ),
    "If someone is in immediate danger, also call the emergency number.": (
        "که څوک په سمدستي خطر کې وي، بیړني شمېرې ته هم زنګ ووهئ.",
        "اگر کسی در خطر فوری است، با شماره اضطراری هم تماس بگیرید.",
    ),
    "How many people are being exploited, and how?": (
        "څو کسان استثمارېږي، او څنګه؟",
        "چند نفر استثمار می‌شوند، و چگونه؟",
    ),
    "Extortion and organised crime": ("باج اخیستنه او منظم جرمونه", "اخاذی و جرائم سازمان‌یافته"),
    "Is someone being asked to pay now?": (
        "ایا اوس له چا څخه د پیسو غوښتنه کېږي؟",
        "آیا اکنون از کسی خواسته می‌شود پول بپردازد؟",
    ),
    "Does the group have a name or a sign?": (
        "ایا ډله کوم نوم یا نښه لري؟",
        "آیا این گروه نام یا نشانی دارد؟",
    ),
    "Corruption and bribery": ("فساد او بډې", "فساد و رشوه"),
    "Which office or institution?": ("کوم دفتر یا اداره؟", "کدام اداره یا نهاد؟"),
    "How much money is involved, roughly?": (
        "نږدې څومره پیسې په کې دي؟",
        "تقریباً چه مقدار پول در میان است؟",
    ),
    "Money laundering": ("د پیسو مینځل", "پولشویی"),
    "Which businesses, accounts or properties are used?": (
        "کومې سوداګرۍ، حسابونه یا ملکیتونه کارول کېږي؟",
        "از کدام کسب‌وکارها، حساب‌ها یا املاک استفاده می‌شود؟",
    ),
    "Planned violent attack": ("پلان شوی تاوتریخجن برید", "حمله خشونت‌آمیز برنامه‌ریزی‌شده"),
    "Could it happen within the next days?": (
        "ایا کېدای شي په راتلونکو ورځو کې وشي؟",
        "آیا ممکن است در روزهای آینده رخ دهد؟",
    ),
    "If an attack is about to happen, also call the emergency number now.": (
        "که برید نږدې وي، همدا اوس بیړني شمېرې ته هم زنګ ووهئ.",
        "اگر حمله‌ای در شرف وقوع است، همین حالا با شماره اضطراری هم تماس بگیرید.",
    ),
    "What or where is the target?": ("هدف څه دی یا چېرته دی؟", "هدف چیست یا کجاست؟"),
    "Other serious crime": ("نور جدي جرمونه", "دیگر جرائم جدی"),
}
