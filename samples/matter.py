"""A matter (反映事项): the facts behind one or more letters, and its labels.

WHY separate from the text: repeat filings and neighbours' letters describe the same matter in other
words, so the facts (place, accused, amounts, details) are drawn once here and the composer words them.
"""

from __future__ import annotations

import random
import re

from xinfang.samples.people import make_cadre, make_name
from xinfang.samples.vocab import SUBS, Sub

TRADE_NAMES = ("鑫源", "宏达", "恒通", "金鼎", "瑞丰", "华盛", "永兴", "天成", "博远", "汇丰", "隆昌", "泰和", "盛世",
               "昌盛", "嘉禾", "中鑫", "福源", "腾飞", "东升", "润泽", "正大", "兴旺", "远航", "合力")
COMPANY_TAILS = ("有限公司", "有限责任公司", "厂", "股份有限公司", "公司")
PURPOSE_WEIGHTS = {"求决": 45, "申诉": 14, "意见建议": 11, "揭发控告": 14, "咨询": 16}
DISCIPLINE_WEIGHTS = {"揭发控告": 85, "申诉": 4, "意见建议": 5, "咨询": 6}
OFFICIAL_MARKS = ("政府", "村委会", "党支部", "所", "局", "站", "办", "居委会", "中心校")
_SLOT = re.compile(r"\{(\w+)\}")


def company(rng: random.Random, sub: Sub) -> str:
    """A fictional company in the subcategory's line of business."""
    head = rng.choice(("清河县", "临川", "", ""))
    return head + rng.choice(TRADE_NAMES) + rng.choice(sub.orgs) + rng.choice(COMPANY_TAILS)


def fill(rng: random.Random, template: str, ctx: dict[str, str]) -> str:
    """Fill {slots}; {n} is a fresh small number each time so repeated phrases differ."""
    def pick(m: re.Match) -> str:
        key = m.group(1)
        if key == "n":
            return str(rng.randrange(2, 10))
        return ctx.get(key, "")
    return _SLOT.sub(pick, template)


def choose_purpose(rng: random.Random, sub: Sub) -> str:
    weights = DISCIPLINE_WEIGHTS if sub.category == "纪检监察" else PURPOSE_WEIGHTS
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def is_official(who: str) -> bool:
    """Whether the accused is an official or a government unit (reports about them go to 纪委监委)."""
    return any(mark in who for mark in OFFICIAL_MARKS) or any(t in who for t in ("书记", "主任", "镇长", "所长",
                                                                                   "会计", "干部", "局长", "村支书"))


def department_for(sub: Sub, purpose: str, accused_official: bool) -> str:
    """Routing truth: the subcategory's unit, except reports against officials, which go to 纪委监委."""
    if purpose == "揭发控告" and accused_official:
        return "纪委监委"
    return sub.department


# How often a county's letters fall in each 一级 (rough shares of published county 信访 statistics: land,
# building, labour and 政法 lead; 党务政务 and 其他 are rare). Used with the every-unit table only, so the
# base generator's seeds keep their letters.
CATEGORY_SHARES = {"城乡建设": 14, "国土资源": 12, "劳动和社会保障": 12, "农村农业": 10, "政法": 10, "民政": 6,
                   "纪检监察": 6, "环境保护": 6, "教育文体": 5, "卫生健康": 4, "交通运输": 4, "组织人事": 2,
                   "经济管理": 2, "商贸旅游": 2, "退役军人事务": 3, "党务政务": 1, "其他": 1}


def make_matter(rng: random.Random, matter_id: str, town: str, village: str, sub: Sub | None = None,
                purpose: str | None = None, table: dict[str, dict[str, Sub]] | None = None) -> dict:
    """Draw the facts and labels of one matter (from `table` at CATEGORY_SHARES, else the base table evenly)."""
    if sub is None and table is not None:
        names = list(table)
        category = rng.choices(names, weights=[CATEGORY_SHARES.get(n, 1) for n in names])[0]
        sub = rng.choice(list(table[category].values()))
    elif sub is None:
        category = rng.choice(list(SUBS))
        sub = rng.choice(list(SUBS[category].values()))
    purpose = purpose or choose_purpose(rng, sub)
    ctx = {"t": town, "v": village, "y": str(rng.randrange(2015, 2024)), "co": company(rng, sub),
           "cadre": make_cadre(rng, town), "name2": make_name(rng)[0],
           "money": str(rng.choice((rng.randrange(2, 99) * 100, rng.randrange(1, 60) * 1000, rng.randrange(3, 40) * 10000)))}
    situation = rng.choice(sub.situations)
    who_template = "{cadre}" if "{cadre}" in situation else rng.choice(sub.accused)
    if purpose == "揭发控告" and sub.official and "{cadre}" not in who_template and rng.random() < 0.7:
        who_template = "{cadre}"
    who = fill(rng, who_template, ctx)
    ctx["who"] = who
    official = is_official(who)
    details = list(sub.details)
    rng.shuffle(details)
    others = [s for s in sub.situations if s != situation]
    return {
        "matter_id": matter_id, "category": sub.category, "subcategory": sub.name, "purpose": purpose,
        "department": department_for(sub, purpose, official), "township": town, "village": village,
        "accused": who, "accused_official": official, "ctx": ctx, "sub": sub,
        "situation": fill(rng, situation, ctx),
        "extra_situations": [fill(rng, s, ctx) for s in rng.sample(others, min(2, len(others)))],
        "details": [fill(rng, d, ctx) for d in details],
        "fixes": [fill(rng, f, ctx) for f in rng.sample(sub.fixes, min(len(sub.fixes), rng.randrange(1, 4)))],
        "questions": [fill(rng, q, ctx) for q in rng.sample(sub.questions, min(len(sub.questions), rng.randrange(1, 3)))],
        "suggestions": [fill(rng, s, ctx) for s in sub.suggestions],
    }
