"""Word one letter about a matter: salutation, who I am, what happened, history, demand, closing, signature.

WHY parts in varying order and presence, with synonyms and typos: real letters ramble, and a classifier
must learn from content words rather than from a fixed skeleton. The identity (name, 身份证号, phone) is
written in one of the forms the field extractor knows (信访人：, 我叫, 我是…村民, 具名：).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from xinfang.samples import phrasing as P
from xinfang.samples.matter import fill
from xinfang.samples.people import write_id, write_phone

ID_LABELS = ("身份证号：", "身份证号码：", "身份证：", "公民身份号码：", "身份证号码是")
PHONE_LABELS = ("电话：", "联系电话：", "手机：", "手机号", "联系方式：", "电话")


@dataclass
class Writer:
    """How this letter is signed and how carefully it is written."""

    person: dict | None                   # None: anonymous
    cosigners: list[dict] = field(default_factory=list)
    id_style: str = "plain"
    phone_style: str = "plain"
    urgent: bool = False
    repeat_k: int = 0                     # 0 first letter, 1.. later letters about the same matter
    previous_date: date | None = None
    date_written: date = date(2023, 1, 1)
    length: str = "medium"                # short | medium | long
    form: str = "来信"
    plain_header: bool = False            # force a formal 信访人 header (used for the S0001/S0002 contract)
    typo_rate: float = 0.0


def _identity(rng: random.Random, w: Writer, m: dict) -> tuple[str, str, str, str]:
    """Intro sentence, contact line, and the ID and phone as written."""
    p = w.person
    if p is None:
        return "", "", "", ""
    id_written = write_id(rng, p["id_number"], w.id_style)
    phone_written = write_phone(rng, p["phone"], w.phone_style)
    contact = []
    if id_written:
        contact.append(rng.choice(ID_LABELS) + id_written)
    if phone_written:
        contact.append(rng.choice(PHONE_LABELS) + phone_written)
    if rng.random() < 0.5 or w.plain_header:
        contact.append("住址：" + p["address"])
    intro = rng.choice(P.INTRO_FORMS).format(name=p["name"], t=p["town"], v=p["village"], addr=p["address"])
    return intro, "，".join(contact), id_written, phone_written


def _numbered(rng: random.Random, items: list[str]) -> str:
    items = [i for i in items if i][:3]
    if len(items) == 1 or rng.random() < 0.3:
        return "，".join(items) + "。"
    marks = rng.choice(P.NUMBERINGS)
    sep = "\n" if rng.random() < 0.6 else ""
    return sep + sep.join(f"{marks[i]}{P.end(item)}" for i, item in enumerate(items))


def _demand(rng: random.Random, m: dict, w: Writer) -> str:
    purpose, who = m["purpose"], m["accused"]
    lead = rng.choice(P.DEMAND_LEADS[purpose])
    if purpose == "求决":
        items = list(m["fixes"])
        if rng.random() < 0.5:
            items.append(rng.choice(("给我一个书面答复", "把处理结果告诉我", "限期解决", "督促有关部门落实")))
        return lead + _numbered(rng, items)
    if purpose == "申诉":
        obj = rng.choice(P.APPEAL_OBJECTS).format(who=who)
        why = rng.choice(P.APPEAL_REASONS)
        items = [rng.choice(("撤销原处理意见", "重新调查核实", "依法复查")), *m["fixes"][:2]]
        return f"我对{obj}不服，{why}。" + lead + _numbered(rng, items)
    if purpose == "意见建议":
        picks = rng.sample(m["suggestions"], min(len(m["suggestions"]), rng.randrange(1, 3)))
        return rng.choice(P.SUGGEST_LEADS) + "，".join(picks) + "。" if rng.random() < 0.4 else lead + _numbered(rng, picks)
    if purpose == "揭发控告":
        leads = [x for x in P.ACCUSE_LEADS if "实名" not in x] if w.person is None else P.ACCUSE_LEADS
        fitting = [x for x in P.DEMAND_LEADS[purpose] if not ("实名" in x and w.person is None)
                   and not ("纪委" in x and not m["accused_official"])]
        lead = rng.choice(fitting)
        asks = [a for a in P.ACCUSE_ASK if m["accused_official"] or "依纪" not in a]
        head = rng.choice(leads).format(who=who) + "，" + rng.choice(P.ACCUSE_WRONGS) + "。"
        items = [a.format(who=who) for a in rng.sample(asks, rng.randrange(1, 3))]
        return head + lead + _numbered(rng, items)
    if purpose == "咨询":
        qs = [rng.choice(P.ASK_LEADS) + q + "？" for q in m["questions"]]
        return "".join(qs) + rng.choice(P.ASK_TAILS) + "。"
    return lead + "，".join(m["fixes"]) + "。"


def _story(rng: random.Random, m: dict, w: Writer) -> list[str]:
    """Paragraphs about what happened; later letters refer back, get angrier and bring new facts."""
    n_details = {"short": 0, "medium": 1, "long": 3, "very_long": 4}[w.length]
    details = m["details"]
    paras: list[str] = []
    if w.repeat_k == 0:
        first = P.end(m["situation"])
        facts = details[:n_details]
    else:
        when = P.write_date(rng, w.previous_date) if w.previous_date else "前些日子"
        first = rng.choice(("我于{d}曾经来信反映过{x}的问题", "{d}我已经写信反映过：{x}", "关于{x}一事，我{d}就向你们反映过",
                            "还是{x}这件事，{d}写过一次信")).format(d=when, x=m["situation"]) + "。"
        first += P.end(rng.choice(P.ANGER).format(k=w.repeat_k + 1))
        facts = details[n_details:n_details + 1 + w.repeat_k] or details[-1:]
        facts = [rng.choice(("最近，", "这些天", "上个月", "新情况是，", "更过分的是，", "后来")) + f for f in facts]
    paras.append(P.vary(rng, rng.choice(P.FILLERS) + first))
    if facts:
        paras.append(P.vary(rng, P.join(rng, facts)))
    if w.length in ("long", "very_long"):
        many = w.length == "very_long"
        extra = [s for s in m["extra_situations"] if s != m["situation"]][:2 if many else 1]
        history = rng.sample(P.HISTORY, 3 if many else 1)
        bits = [*extra, rng.choice(P.FAMILY), *(h.replace("{n}", str(rng.randrange(2, 9))) for h in history)]
        if many:
            bits += rng.sample(P.RAMBLE, 3)
        rng.shuffle(bits)
        paras.append(P.vary(rng, P.join(rng, bits[: len(bits) // 2])))
        paras.append(P.vary(rng, P.join(rng, bits[len(bits) // 2:])))
    elif w.length == "medium" and rng.random() < 0.6:
        paras.append(P.vary(rng, P.end(rng.choice(P.HISTORY).replace("{n}", str(rng.randrange(2, 9))))))
    return paras


def _signature(rng: random.Random, w: Writer, m: dict, contact: str, dated: str) -> list[str]:
    if w.person is None:
        sign = fill(rng, rng.choice(P.ANON_SIGNS), m["ctx"]).replace("{v}", m["village"])
        return [s for s in (sign, dated) if s]
    labels = P.SIGN_LABELS + P.PURPOSE_SIGN_LABELS.get(m["purpose"], ())
    lines = [rng.choice(labels) + w.person["name"]]
    if w.cosigners:
        label = rng.choice(("联名人：", "联名群众签字：", "以下村民共同签名："))
        names = [c["name"] + (f"（{c['phone']}）" if c.get("phone") else "") for c in w.cosigners]
        lines.append(label + "、".join(names))
    if contact:
        lines.append(contact)
    lines.append(dated)
    return lines


def compose(rng: random.Random, m: dict, w: Writer) -> dict:
    """The letter text and what was written for the identity fields."""
    intro, contact, id_written, phone_written = _identity(rng, w, m)
    purpose = m["purpose"]
    title = ""
    if w.form == "网上信访" or rng.random() < 0.25:
        topic = m["subcategory"] + ("问题" if rng.random() < 0.5 else "")
        title = rng.choice(P.TITLES[purpose]).format(topic=topic)
    head: list[str] = []
    if w.plain_header and w.person:
        head.append(f"信访人：{w.person['name']}")
        head.append(contact)
        contact = ""
    salutation = "" if w.form == "网上信访" and rng.random() < 0.6 else rng.choice(P.SALUTATIONS)
    if salutation:
        head.append(salutation + (rng.choice(P.GREETINGS) if rng.random() < 0.3 else ""))
    body: list[str] = []
    if w.person is not None and not w.plain_header and (rng.random() < 0.7 or not intro):
        opener = intro
        if w.cosigners:
            folk = "居民" if m["village"].endswith("社区") else "村民"
            opener = f"我们是{m['township']}{m['village']}的{len(w.cosigners) + 1}户{folk}，由{w.person['name']}代表大家写这封信"
        if contact and rng.random() < 0.4:
            opener += "，" + contact
            contact = ""
        body.append(opener + "。" + ("现将有关情况反映如下：" if rng.random() < 0.3 else ""))
    elif w.person is None and rng.random() < 0.5:
        body.append(rng.choice(("我是{v}的一名普通群众，因为怕被打击报复，不敢写名字。", "我们不敢署名，怕遭到报复。",
                                "知情人反映一个情况。")).format(v=m["village"]))
    story = _story(rng, m, w)
    demand = P.vary(rng, _demand(rng, m, w), 0.3)
    if purpose == "揭发控告" and rng.random() < 0.5:
        body.append(demand)
        body.extend(story)
    else:
        body.extend(story)
        emotion = rng.choice(P.EMOTION) if (w.length != "short" or w.repeat_k) else ""
        if emotion:
            body.append(P.vary(rng, P.end(emotion)))
        body.append(demand)
    if w.urgent:
        body.append(P.end(rng.choice(P.URGENT)))
    closing = rng.choice(P.CLOSINGS) if w.length != "short" or rng.random() < 0.5 else ""
    if closing:
        body.append(P.end(closing))
    body = [P.typos(rng, b, w.typo_rate) for b in body]
    salute = rng.choice(P.SALUTE) if w.form == "来信" else ""
    dated = P.write_date(rng, w.date_written)
    tail = ([salute] if salute else []) + _signature(rng, w, m, contact, dated)
    text = "\n".join([*(h for h in head if h), *body, *tail])
    if title:
        text = title + "\n" + text
    return {"text": text, "title": title, "id_number_as_written": id_written, "phone_as_written": phone_written}
