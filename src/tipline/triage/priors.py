"""Where each language sits in the embedding space, for desks with few reports in it.

Ranking centres each vector on the mean of its language over the desk's index (see
`index.language_means`): the embedding carries a text's language as well as its meaning.
A desk with only a handful of reports in a language cannot estimate that mean; there, the
mean is drawn towards a prior: the desk's overall mean plus the language's *offset*, the
mean embedding of the same generic sentences written in that language minus the mean over
all languages here. The sentences say nothing of any event (they are the small talk of a
tip, not test data); the offsets are computed from them once, with the model in use, and
shipped in `language_offsets.py`:

    OMP_NUM_THREADS=1 .venv/bin/python -m tipline.triage.priors   # rewrites it

A test recomputes them and fails if the file no longer matches the sentences or the model.
"""

# ruff: noqa: RUF001 - Urdu, Persian, Pashto and Arabic letters are not confusables here.

import base64
import sys
from pathlib import Path

import numpy as np

LANGUAGES = ("en", "ur", "zh", "fa", "ps", "ar")

# The same sentence in each of LANGUAGES, in that order.
SENTENCES = [
    (
        "I want to report something that has been happening in our area for several months.",
        "میں ایک ایسی بات کی اطلاع دینا چاہتا ہوں جو کئی مہینوں سے ہمارے علاقے میں ہو رہی ہے۔",
        "我想举报我们这个地区几个月来一直发生的一件事。",
        "می‌خواهم چیزی را گزارش کنم که چند ماه است در منطقهٔ ما اتفاق می‌افتد.",
        "زه غواړم د یوې داسې خبرې راپور ورکړم چې څو میاشتې کېږي زموږ په سیمه کې روانه ده.",
        "أريد أن أبلغ عن أمر يحدث في منطقتنا منذ عدة أشهر.",
    ),
    (
        "Please do not tell anyone that this information came from me.",
        "براہ کرم کسی کو نہ بتائیں کہ یہ معلومات مجھ سے آئی ہیں۔",
        "请不要告诉任何人这个消息是我提供的。",
        "لطفاً به هیچ‌کس نگویید که این اطلاعات از طرف من آمده است.",
        "مهرباني وکړئ هېچا ته مه وایاست چې دا معلومات له ما نه راغلي دي.",
        "من فضلك لا تخبر أحدا أن هذه المعلومات جاءت مني.",
    ),
    (
        "It usually happens at night, after the shops have closed.",
        "یہ عام طور پر رات کو ہوتا ہے، جب دکانیں بند ہو جاتی ہیں۔",
        "这种事通常发生在晚上，商店都关门以后。",
        "معمولاً شب‌ها اتفاق می‌افتد، بعد از اینکه مغازه‌ها بسته می‌شوند.",
        "دا معمولاً د شپې پېښېږي، وروسته له دې چې دوکانونه وتړل شي.",
        "يحدث ذلك عادة في الليل بعد أن تغلق المحلات.",
    ),
    (
        "Everyone in the neighbourhood knows about it, but people are afraid to speak.",
        "محلے میں سب کو اس کا پتہ ہے لیکن لوگ بولنے سے ڈرتے ہیں۔",
        "街坊邻居都知道这件事，但大家都不敢说。",
        "همه در محله از آن خبر دارند، اما مردم از حرف زدن می‌ترسند.",
        "په کوڅه کې ټول پرې خبر دي، خو خلک له خبرو کولو وېرېږي.",
        "الجميع في الحي يعرفون بذلك، لكن الناس يخافون من الكلام.",
    ),
    (
        "I saw it myself last week when I was going to work.",
        "میں نے پچھلے ہفتے کام پر جاتے ہوئے یہ خود دیکھا۔",
        "上个星期我去上班的时候亲眼看到的。",
        "هفتهٔ گذشته وقتی سر کار می‌رفتم، خودم آن را دیدم.",
        "تېره اونۍ چې کار ته تلم، ما پخپله ولیدل.",
        "رأيت ذلك بنفسي الأسبوع الماضي وأنا ذاهب إلى العمل.",
    ),
    (
        "The same people come back every few days in a car without number plates.",
        "وہی لوگ ہر چند دن بعد بغیر نمبر پلیٹ کی گاڑی میں واپس آتے ہیں۔",
        "同一伙人每隔几天就开着一辆没有车牌的车回来。",
        "همان آدم‌ها هر چند روز یک بار با ماشینی بدون پلاک برمی‌گردند.",
        "هماغه خلک هر څو ورځې وروسته په یوه بې نمبر پلېټ موټر کې بېرته راځي.",
        "يعود الأشخاص أنفسهم كل بضعة أيام في سيارة بلا لوحات أرقام.",
    ),
    (
        "I can give more details if you reply to this message.",
        "اگر آپ اس پیغام کا جواب دیں تو میں مزید تفصیلات دے سکتا ہوں۔",
        "如果你们回复这条消息，我可以提供更多细节。",
        "اگر به این پیام پاسخ دهید، می‌توانم جزئیات بیشتری بدهم.",
        "که تاسو دې پیغام ته ځواب ورکړئ، زه نور جزییات درکولی شم.",
        "يمكنني تقديم مزيد من التفاصيل إذا رددتم على هذه الرسالة.",
    ),
    (
        "My brother told me about it and he is worried for his family.",
        "میرے بھائی نے مجھے اس کے بارے میں بتایا اور وہ اپنے گھر والوں کے لیے پریشان ہے۔",
        "我哥哥跟我说了这件事，他很担心家里人的安全。",
        "برادرم دربارهٔ آن به من گفت و نگران خانواده‌اش است.",
        "زما ورور ماته د دې په اړه وویل او د خپلې کورنۍ په اړه اندېښمن دی.",
        "أخبرني أخي بذلك وهو قلق على عائلته.",
    ),
    (
        "Some officials seem to know and do nothing about it.",
        "لگتا ہے کچھ سرکاری اہلکاروں کو معلوم ہے مگر وہ کچھ نہیں کرتے۔",
        "好像有些官员知道这件事，却什么都不做。",
        "به نظر می‌رسد بعضی از مأموران خبر دارند و کاری نمی‌کنند.",
        "داسې ښکاري چې ځینې چارواکي خبر دي او هیڅ نه کوي.",
        "يبدو أن بعض المسؤولين يعلمون ولا يفعلون شيئا.",
    ),
    (
        "I do not know their names, only where they meet.",
        "مجھے ان کے نام معلوم نہیں، صرف یہ کہ وہ کہاں ملتے ہیں۔",
        "我不知道他们叫什么，只知道他们在哪里碰头。",
        "اسم‌هایشان را نمی‌دانم، فقط می‌دانم کجا همدیگر را می‌بینند.",
        "زه د هغوی نومونه نه پېژنم، یوازې دا پوهېږم چې چېرته سره ګوري.",
        "لا أعرف أسماءهم، أعرف فقط أين يلتقون.",
    ),
    (
        "This started after the new road was built near the market.",
        "یہ سب بازار کے قریب نئی سڑک بننے کے بعد شروع ہوا۔",
        "这是从市场附近修了新路以后开始的。",
        "این ماجرا بعد از ساخته شدن جادهٔ جدید نزدیک بازار شروع شد.",
        "دا کار د بازار تر څنګ د نوي سړک له جوړېدو وروسته پیل شو.",
        "بدأ هذا بعد بناء الطريق الجديد قرب السوق.",
    ),
    (
        "I am sending a photo that I took from a distance.",
        "میں ایک تصویر بھیج رہا ہوں جو میں نے دور سے لی تھی۔",
        "我发一张我从远处拍的照片。",
        "عکسی را می‌فرستم که از دور گرفته‌ام.",
        "زه یو عکس لېږم چې ما له لرې اخیستی دی.",
        "أرسل صورة التقطتها من بعيد.",
    ),
    (
        "Money changes hands quickly and nobody writes anything down.",
        "پیسے جلدی سے ایک ہاتھ سے دوسرے ہاتھ جاتے ہیں اور کوئی کچھ نہیں لکھتا۔",
        "钱很快就转手了，谁也不记下来。",
        "پول به‌سرعت دست‌به‌دست می‌شود و هیچ‌کس چیزی یادداشت نمی‌کند.",
        "پیسې ژر لاس په لاس کېږي او هېڅوک هېڅ نه لیکي.",
        "تنتقل الأموال من يد إلى يد بسرعة ولا أحد يكتب شيئا.",
    ),
    (
        "They warned people who asked questions to stay away.",
        "جنہوں نے سوال پوچھے انہیں دور رہنے کی دھمکی دی گئی۔",
        "他们警告那些问东问西的人离远一点。",
        "به کسانی که سؤال می‌پرسیدند هشدار دادند که دور بمانند.",
        "هغو خلکو ته چې پوښتنې یې کولې، خبرداری یې ورکړ چې لرې پاتې شي.",
        "حذروا الذين طرحوا أسئلة بأن يبتعدوا.",
    ),
    (
        "The weather was cold and the streets were almost empty.",
        "موسم ٹھنڈا تھا اور گلیاں تقریباً خالی تھیں۔",
        "天气很冷，街上几乎没有人。",
        "هوا سرد بود و خیابان‌ها تقریباً خالی بودند.",
        "هوا سړه وه او کوڅې نږدې خالي وې.",
        "كان الجو باردا والشوارع شبه خالية.",
    ),
    (
        "I hope someone will look into this soon.",
        "مجھے امید ہے کہ کوئی جلد اس کی تحقیق کرے گا۔",
        "希望有人能尽快调查这件事。",
        "امیدوارم کسی به‌زودی به این موضوع رسیدگی کند.",
        "هیله لرم چې څوک به ژر دې ته وګوري.",
        "أتمنى أن يحقق أحد في هذا الأمر قريبا.",
    ),
]

_OFFSETS_FILE = Path(__file__).with_name("language_offsets.py")
_loaded: dict[str, np.ndarray] | None = None


def compute_offsets() -> dict[str, np.ndarray]:
    """Each language's mean embedding of SENTENCES minus the mean over LANGUAGES."""
    from . import embedding

    means = {
        language: embedding.embed([row[i] for row in SENTENCES]).mean(axis=0)
        for i, language in enumerate(LANGUAGES)
    }
    grand = np.mean(list(means.values()), axis=0)
    return {language: (mean - grand).astype(np.float32) for language, mean in means.items()}


def offsets() -> dict[str, np.ndarray]:
    """The shipped offsets (float32, one per language of LANGUAGES), read once."""
    global _loaded
    if _loaded is None:
        from .language_offsets import OFFSETS

        _loaded = {
            language: np.frombuffer(base64.b64decode(text), "<f4").copy()
            for language, text in OFFSETS.items()
        }
    return _loaded


def write_offsets(found: dict[str, np.ndarray]) -> None:
    lines = [
        '"""Generated by `python -m tipline.triage.priors` from its SENTENCES; do not edit."""',
        "",
        "# Each language's offset in the embedding space: float32, little-endian, base64.",
        "OFFSETS = {",
    ]
    for language, vector in found.items():
        encoded = base64.b64encode(vector.astype("<f4").tobytes()).decode("ascii")
        lines.append(f'    "{language}": (')
        lines += [f'        "{encoded[i : i + 88]}"' for i in range(0, len(encoded), 88)]
        lines.append("    ),")
    lines.append("}")
    _OFFSETS_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_offsets(compute_offsets())
    sys.stdout.write(f"wrote {_OFFSETS_FILE}\n")
