"""The same letter in four scripts (Latin, Arabic, CJK, Myanmar), for benchmarks/letters.py.

Each sample is a real-looking appeal in its own language: the person's name in their script,
an addressee whose address mixes scripts, the body with placeholders, three asks. The figures
compare our render (cold, then personalised by stamping the sender on the cached base letter)
with a naive `HTML(string=...).write_pdf()` of the same letter, per script.
"""

# ruff: noqa: RUF001  (the samples are written in their own scripts)

from __future__ import annotations

import datetime as dt
import statistics
import time
from typing import Any

# language, script, name (Latin), name in its own script, country, country name, addressee
# (honorific, name, position, institution, address lines, salutation), subject, body, asks,
# and a supporter writing in that script.
SAMPLES: dict[str, dict[str, Any]] = {
    "Latin": {
        "language": "en",
        "name": "Person Number {i}",
        "native": "Trần Thị Nga",
        "country": ("VN", "Vietnam"),
        "addressee": (
            "H.E.",
            "Le Thanh Long",
            "Minister of Justice",
            "Ministry of Justice",
            ("58-60 Tran Phu", "Ba Dinh, Hanoi"),
            "Dear Minister",
        ),
        "subject": "Release {{ case.name }}",
        "body": (
            "I am writing to express my concern for {{ case.name }} ({{ case.name_native }}), a "
            "{{ case.profession }} detained since {{ case.detained_since }} for peacefully "
            "defending the rights of others.\n\n{{ case.name }} was sentenced to "
            "{{ case.sentence }} under {{ case.charges }}. Peaceful protest is not a crime.\n\n"
            "I respectfully urge you to act without delay."
        ),
        "asks": (
            "Release them immediately and unconditionally",
            "Ensure access to family and a lawyer of their choice",
            "Protect them from torture and other ill-treatment",
        ),
        "supporter": ("Jane Roe {i}", "12 High Street\nOxford OX1 2AB"),
    },
    "Arabic": {
        "language": "ar",
        "name": "Alaa Number {i}",
        "native": "علاء عبد الفتاح",
        "country": ("EG", "Egypt"),
        "addressee": (
            "",
            "النائب العام",
            "النائب العام لجمهورية مصر العربية",
            "مكتب النائب العام",
            ("Dar El Kadaa El Aly, 26th of July Street", "القاهرة"),
            "السيد المستشار النائب العام",
        ),
        "subject": "الإفراج عن {{ case.name_native }}",
        "body": (
            "أكتب إليكم للتعبير عن قلقي البالغ إزاء {{ case.name_native }} ({{ case.name }})، "
            "المحتجز منذ {{ case.detained_since }} بسبب دفاعه السلمي عن حقوق الآخرين.\n\n"
            "صدر بحقه حكم بالسجن {{ case.sentence }} بموجب {{ case.charges }}. "
            "الاحتجاج السلمي ليس جريمة.\n\nأحثكم بكل احترام على التحرك دون تأخير."
        ),
        "asks": (
            "الإفراج عنه فوراً ودون قيد أو شرط",
            "ضمان تواصله مع أسرته ومع محامٍ يختاره",
            "حمايته من التعذيب وغيره من ضروب سوء المعاملة",
        ),
        "supporter": ("سارة أحمد {i}", "12 شارع النيل\nالجيزة"),
    },
    "CJK": {
        "language": "zh-Hans",
        "name": "Wang Number {i}",
        "native": "王全璋",
        "country": ("CN", "China"),
        "addressee": (
            "",
            "应勇",
            "最高人民检察院检察长",
            "最高人民检察院",
            ("北京市东城区北河沿大街147号", "Beijing 100726"),
            "尊敬的应检察长",
        ),
        "subject": "关于{{ case.name_native }}律师",
        "body": (
            "我谨就{{ case.name_native }}（{{ case.name }}）一事致函。他自{{ case.detained_since }}"
            "起因和平捍卫他人权利而被羁押。\n\n他依据{{ case.charges }}被判处{{ case.sentence }}。"
            "和平表达不是犯罪。\n\n我恳请您立即采取行动。"
        ),
        "asks": (
            "立即无条件释放他",
            "确保他能会见家人和自己选择的律师",
            "保护他免受酷刑和其他虐待",
        ),
        "supporter": ("李明{i}", "上海市长宁路1号"),
    },
    "Myanmar": {
        "language": "my",
        "name": "Aung Number {i}",
        "native": "အောင်ဆန်းစုကြည်",
        "country": ("MM", "Myanmar"),
        "addressee": (
            "",
            "ဦးမင်းအောင်လှိုင်",
            "ဥက္ကဋ္ဌ",
            "နိုင်ငံတော်စီမံအုပ်ချုပ်ရေးကောင်စီ",
            ("နေပြည်တော်", "Nay Pyi Taw"),
            "လေးစားအပ်ပါသော ဥက္ကဋ္ဌ",
        ),
        "subject": "{{ case.name_native }} ကို ပြန်လွှတ်ပေးရန်",
        "body": (
            "{{ case.name_native }} ({{ case.name }}) သည် {{ case.detained_since }} မှစ၍ "
            "ဖမ်းဆီးထိန်းသိမ်းခံထားရပါသည်။\n\n{{ case.charges }} အရ {{ case.sentence }} "
            "ချမှတ်ခံရပါသည်။ ငြိမ်းချမ်းစွာ ဆန္ဒပြခြင်းသည် ရာဇဝတ်မှု မဟုတ်ပါ။\n\n"
            "ချက်ချင်း အရေးယူပေးပါရန် လေးစားစွာ တောင်းဆိုအပ်ပါသည်။"
        ),
        "asks": (
            "ချက်ချင်း ခြွင်းချက်မရှိ ပြန်လွှတ်ပေးရန်",
            "မိသားစုနှင့် ရှေ့နေ တွေ့ဆုံခွင့်ပေးရန်",
            "ညှဉ်းပန်းနှိပ်စက်ခြင်းမှ ကာကွယ်ပေးရန်",
        ),
        "supporter": ("မောင်မောင် {i}", "ရန်ကုန်မြို့"),
    },
}


def script_card(script: str, i: int):  # type: ignore[no-untyped-def]
    """A public card of SAMPLES[script] without a database (the renderers see only these)."""
    from tracker.services.publishing.objects import (
        AppealCard,
        PublicAddressee,
        PublicAppeal,
        PublicCase,
        PublicStatusChange,
    )

    sample = SAMPLES[script]
    now = dt.datetime.now(dt.UTC)
    name = sample["name"].format(i=i)
    code, country = sample["country"]
    change = PublicStatusChange(
        1, i, "p", name, None, "detained", dt.date(2017, 1, 1), "month", None, "", now
    )
    case = PublicCase(
        i, f"p-{i}", name, sample["native"], code, country, "activist", "activist", None, "day",
        "", "Article 88", "9 years", "", "sentenced", dt.date(2017, 7, 25), "day", False,
        (change,),
    )  # fmt: skip
    honorific, who, position, institution, lines, salutation = sample["addressee"]
    addressee = PublicAddressee(
        1, honorific, who, position, institution, lines, code, country, "", salutation,
        sample["language"], 1,
    )  # fmt: skip
    appeal = PublicAppeal(
        i, i, "appeal", sample["language"], sample["subject"], sample["body"], sample["asks"],
        None, "active", 1, now, None, None, addressee, (addressee,),
    )  # fmt: skip
    return AppealCard(case, appeal)


def _timed(fn) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def script_figures(n: int, today: dt.date, organisation: str, naive_html, naive_render):  # type: ignore[no-untyped-def]
    """Print, per script, the cold and personalised render against the naive render.

    The three renders of a script take turns in each of `n` rounds (so a change of load on a
    shared machine falls on all three alike); medians of wall and of CPU time are printed.
    """
    from tracker.services.letters.compose import Supporter
    from tracker.services.letters.render import render_letter, stamp_sender

    print(
        "per script (median of",
        n,
        "rounds, wall ms / CPU ms)\n"
        "  script   tag       cold ours      naive          ratio (<= 0.8)  "
        "personalised   ratio (<= 0.5)",
    )
    for script, sample in SAMPLES.items():
        render_letter(script_card(script, 0), paper="a4", today=today, organisation=organisation)
        naive_render(naive_html([script_card(script, 0)]))
        card = script_card(script, 1)
        base = render_letter(
            card, paper="a4", today=today, organisation=organisation, sender_mode="blank"
        )
        who, where = sample["supporter"]
        times: dict[str, list[tuple[float, float]]] = {"ours": [], "naive": [], "personal": []}
        for i in range(n):
            times["ours"].append(
                _timed(
                    lambda: render_letter(
                        script_card(script, 1000 + i),  # noqa: B023  (called at once)
                        paper="a4",
                        today=today,
                        organisation=organisation,
                    )
                )
            )
            times["naive"].append(
                _timed(lambda: naive_render(naive_html([script_card(script, 2000 + i)])))  # noqa: B023
            )
            times["personal"].append(
                _timed(
                    lambda: stamp_sender(
                        base,  # noqa: B023
                        card,  # noqa: B023
                        Supporter.from_form(who.format(i=i), where),  # noqa: B023
                        paper="a4",
                        today=today,
                        organisation=organisation,
                    )
                )
            )
        wall = {k: statistics.median(t[0] for t in v) * 1000 for k, v in times.items()}
        cpu = {k: statistics.median(t[1] for t in v) * 1000 for k, v in times.items()}
        print(
            f"  {script:<8} {sample['language']:<8} "
            f"{wall['ours']:5.0f} / {cpu['ours']:4.0f}   {wall['naive']:5.0f} / {cpu['naive']:4.0f}"
            f"   {wall['ours'] / wall['naive']:4.2f} / {cpu['ours'] / cpu['naive']:4.2f}     "
            f"{wall['personal']:5.0f} / {cpu['personal']:4.0f}   "
            f"{wall['personal'] / wall['naive']:4.2f} / {cpu['personal'] / cpu['naive']:4.2f}"
        )
