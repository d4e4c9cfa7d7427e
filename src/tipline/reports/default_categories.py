"""The categories every new desk starts with: conduct, never beliefs or identity.

Administrators edit them afterwards (Django admin). Texts are given per language; a
language missing from a text falls back to English on the page.
"""

from typing import Any

from .default_categories_ps_fa import PASHTO_PERSIAN

Texts = dict[str, str]


def t(en: str, ur: str, zh: str) -> Texts:
    """The text in every shipped language (Pashto and Persian come from their own table)."""
    ps, fa = PASHTO_PERSIAN[en]
    return {"en": en, "ur": ur, "zh-hans": zh, "ps": ps, "fa": fa}


def choice(value: str, en: str, ur: str, zh: str) -> dict[str, Any]:
    return {"value": value, "labels": t(en, ur, zh)}


def question(
    key: str,
    kind: str,
    label: Texts,
    *,
    required: bool = False,
    help: Texts | None = None,
    choices: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "key": key,
        "kind": kind,
        "labels": label,
        "required": required,
        "help_texts": help or {},
        "choices": choices or [],
    }


WHERE = question(
    "where",
    "place",
    t(
        "Where did it happen, or where does it happen?",
        "یہ کہاں ہوا، یا کہاں ہوتا ہے؟",
        "事情发生在哪里？",
    ),
    help=t(
        "A town, street, border crossing, port or landmark.",
        "شہر، گلی، سرحدی گزرگاہ، بندرگاہ یا کوئی نمایاں جگہ۔",
        "城镇、街道、过境点、港口或地标。",
    ),
)
WHEN = question(
    "when",
    "date",
    t(
        "When did it happen, or when will it happen?",
        "یہ کب ہوا، یا کب ہوگا؟",
        "事情是什么时候发生的，或将在什么时候发生？",
    ),
)
WHO = question(
    "who",
    "long_text",
    t(
        "Who is involved, and what does each of them do?",
        "اس میں کون ملوث ہے، اور ہر ایک کیا کرتا ہے؟",
        "谁参与其中？每个人做了什么？",
    ),
    help=t(
        "Describe their part in what happens: names or nicknames if you know them, roles, "
        "businesses. Their religion, ethnicity or politics are not needed.",
        "بتائیں کہ جو ہو رہا ہے اس میں ان کا کیا کردار ہے: اگر معلوم ہوں تو نام یا عرفیت، "
        "کردار، کاروبار۔ ان کے مذہب، نسل یا سیاست کی ضرورت نہیں۔",
        "请描述他们在事件中的角色：如知道，可写姓名或绰号、分工、相关企业。无需提及其宗教、民族或政治观点。",
    ),
)
VEHICLES = question(
    "vehicles",
    "short_text",
    t(
        "Vehicles, boats or aircraft involved",
        "اس میں استعمال ہونے والی گاڑیاں، کشتیاں یا طیارے",
        "涉及的车辆、船只或飞机",
    ),
    help=t(
        "Type, colour, registration number, name of a boat.",
        "قسم، رنگ، رجسٹریشن نمبر، کشتی کا نام۔",
        "类型、颜色、车牌号、船名。",
    ),
)
HOW_KNOWN = question(
    "how_known",
    "single_choice",
    t("How do you know this?", "آپ کو یہ کیسے معلوم ہے؟", "您是如何得知的？"),
    required=True,
    choices=[
        choice("saw", "I saw it myself", "میں نے خود دیکھا", "我亲眼所见"),
        choice("told", "Someone told me", "کسی نے مجھے بتایا", "有人告诉我"),
        choice(
            "involved", "I am or was involved", "میں اس میں شامل ہوں یا تھا", "我参与或曾参与其中"
        ),
        choice(
            "documents", "From documents or records", "دستاویزات یا ریکارڈ سے", "来自文件或记录"
        ),
        choice("other", "Another way", "کسی اور طریقے سے", "其他方式"),
    ],
)
AMOUNT = question(
    "amount",
    "number",
    t("How much money is involved, roughly?", "اندازاً کتنی رقم شامل ہے؟", "大约涉及多少金额？"),
)


def category(slug: str, names: Texts, *specific: dict[str, Any]) -> dict[str, Any]:
    return {
        "slug": slug,
        "names": names,
        "questions": [*specific, WHERE, WHEN, WHO, VEHICLES, HOW_KNOWN],
    }


DEFAULT_CATEGORIES: list[dict[str, Any]] = [
    category(
        "drug-trafficking",
        t("Drug trafficking", "منشیات کی اسمگلنگ", "毒品贩运"),
        question(
            "substances",
            "multiple_choice",
            t("Which drugs?", "کون سی منشیات؟", "涉及哪些毒品？"),
            choices=[
                choice("cocaine", "Cocaine", "کوکین", "可卡因"),
                choice("heroin", "Heroin", "ہیروئن", "海洛因"),
                choice(
                    "methamphetamine",
                    "Methamphetamine",
                    "میتھ ایمفیٹامین (آئس)",
                    "冰毒（甲基苯丙胺）",
                ),
                choice("cannabis", "Cannabis", "چرس یا بھنگ", "大麻"),
                choice(
                    "synthetic",
                    "Pills or synthetic drugs",
                    "گولیاں یا مصنوعی منشیات",
                    "药片或合成毒品",
                ),
                choice("unknown", "Not sure", "معلوم نہیں", "不确定"),
            ],
        ),
        question(
            "quantity",
            "short_text",
            t("How much, and how often?", "کتنی مقدار میں، اور کتنی بار؟", "数量多少？多久一次？"),
        ),
    ),
    category(
        "arms-trafficking",
        t("Arms trafficking", "اسلحے کی اسمگلنگ", "武器贩运"),
        question(
            "weapons",
            "multiple_choice",
            t("What kind of weapons?", "کس قسم کے ہتھیار؟", "涉及什么类型的武器？"),
            choices=[
                choice("handguns", "Pistols or revolvers", "پستول یا ریوالور", "手枪"),
                choice(
                    "rifles",
                    "Rifles or automatic weapons",
                    "رائفلیں یا خودکار ہتھیار",
                    "步枪或自动武器",
                ),
                choice(
                    "explosives",
                    "Explosives or grenades",
                    "دھماکہ خیز مواد یا دستی بم",
                    "爆炸物或手榴弹",
                ),
                choice("ammunition", "Ammunition", "گولہ بارود", "弹药"),
                choice("other", "Other", "دیگر", "其他"),
            ],
        ),
        question("quantity", "short_text", t("How many?", "کتنے؟", "数量多少？")),
    ),
    category(
        "smuggling",
        t("Smuggling of goods", "سامان کی اسمگلنگ", "货物走私"),
        question(
            "goods",
            "short_text",
            t("Which goods are smuggled?", "کون سا سامان اسمگل کیا جاتا ہے؟", "走私的是什么货物？"),
            help=t(
                "For example fuel, cigarettes, medicines, wildlife, cash.",
                "مثلاً ایندھن، سگریٹ، ادویات، جنگلی حیات، نقدی۔",
                "例如燃油、香烟、药品、野生动物、现金。",
            ),
        ),
        question(
            "crossing",
            "place",
            t(
                "Which border crossing or route?",
                "کون سی سرحدی گزرگاہ یا راستہ؟",
                "经过哪个过境点或路线？",
            ),
        ),
    ),
    category(
        "human-trafficking",
        t("Human trafficking", "انسانی اسمگلنگ", "人口贩运"),
        question(
            "danger",
            "yes_no",
            t(
                "Is someone in danger right now?",
                "کیا کوئی اس وقت خطرے میں ہے؟",
                "现在是否有人处于危险之中？",
            ),
            required=True,
            help=t(
                "If someone is in immediate danger, also call the emergency number.",
                "اگر کوئی فوری خطرے میں ہے تو ایمرجنسی نمبر پر بھی کال کریں۔",
                "如有人处于紧急危险中，请同时拨打紧急电话。",
            ),
        ),
        question(
            "people",
            "short_text",
            t(
                "How many people are being exploited, and how?",
                "کتنے لوگوں کا استحصال ہو رہا ہے، اور کیسے؟",
                "有多少人受到剥削？以何种方式？",
            ),
        ),
    ),
    category(
        "extortion",
        t("Extortion and organised crime", "بھتہ خوری اور منظم جرائم", "敲诈勒索和有组织犯罪"),
        question(
            "demand",
            "yes_no",
            t(
                "Is someone being asked to pay now?",
                "کیا کسی سے اس وقت رقم مانگی جا رہی ہے؟",
                "现在是否有人被勒索钱财？",
            ),
        ),
        question(
            "group",
            "short_text",
            t(
                "Does the group have a name or a sign?",
                "کیا گروہ کا کوئی نام یا نشان ہے؟",
                "该团伙是否有名称或标志？",
            ),
        ),
    ),
    category(
        "corruption",
        t("Corruption and bribery", "بدعنوانی اور رشوت", "腐败和贿赂"),
        question(
            "institution",
            "short_text",
            t("Which office or institution?", "کون سا دفتر یا ادارہ؟", "涉及哪个机关或机构？"),
        ),
        AMOUNT,
    ),
    category(
        "money-laundering",
        t("Money laundering", "منی لانڈرنگ", "洗钱"),
        question(
            "channels",
            "short_text",
            t(
                "Which businesses, accounts or properties are used?",
                "کون سے کاروبار، کھاتے یا جائیدادیں استعمال ہوتی ہیں؟",
                "利用了哪些企业、账户或房产？",
            ),
        ),
        AMOUNT,
    ),
    category(
        "violent-attack",
        t("Planned violent attack", "منصوبہ بند پرتشدد حملہ", "策划中的暴力袭击"),
        question(
            "imminent",
            "yes_no",
            t(
                "Could it happen within the next days?",
                "کیا یہ اگلے چند دنوں میں ہو سکتا ہے؟",
                "是否可能在未来几天内发生？",
            ),
            required=True,
            help=t(
                "If an attack is about to happen, also call the emergency number now.",
                "اگر حملہ ہونے والا ہے تو ابھی ایمرجنسی نمبر پر بھی کال کریں۔",
                "如果袭击即将发生，请立即同时拨打紧急电话。",
            ),
        ),
        question(
            "target",
            "short_text",
            t("What or where is the target?", "نشانہ کیا یا کہاں ہے؟", "袭击目标是什么或在哪里？"),
        ),
    ),
    category("other", t("Other serious crime", "دیگر سنگین جرائم", "其他严重犯罪")),
]
