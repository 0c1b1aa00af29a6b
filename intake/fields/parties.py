"""People and bodies around the petitioner: co-signers (联名), addressee, 被反映对象, address, anonymity."""

from __future__ import annotations

import re

from xinfang.intake.fields.common import CJK, empty, field
from xinfang.intake.fields.names import split_name

COSIGN_CUES = ("联名群众签字", "以下村民共同签名", "以下群众共同签名", "共同签名", "联名人", "联名", "签名人", "签字人")
_COSIGN_HEAD = re.compile(rf"(?:{'|'.join(COSIGN_CUES)})[：:]?\s*")
_ENTRY = re.compile(rf"(?P<name>[{CJK}]{{2,4}})\s*(?:[（(]\s*(?P<inner>[^）)]*)[）)])?"
                    r"(?P<rest>(?:[ \t，,]*(?:身份证号?[：:]?|电话[：:]?|手机[：:]?)?[ \t]*[0-9Xx][0-9Xx \-]{6,21})*)")
_SEP = re.compile(r"(?:[（(]?\d{1,2}[.、)）．]|[、，,；;\s])+")
_ADDRESSEE = re.compile(rf"^\s*(?P<a>[{CJK}、，]{{0,30}}?(?:领导|局长|县长|书记|主任|同志|信访局|政府|纪委|监委|委员会|局|办))"
                        r"\s*[：:]", re.M)
_ACCUSE = re.compile(rf"(?:举报|检举揭发|检举|控告|揭发|反映)(?P<who>[{CJK}]{{2,20}}?)(?:的(?:违法|违纪|问题|情况)|，|。|[：:]"
                     rf"|(?=以权|违规|欺上|拉帮|吃拿|贪污|受贿|挪用|侵占))")
_ORG = re.compile(rf"[{CJK}]{{2,14}}(?:股份有限公司|有限责任公司|有限公司|公司|工厂|加工厂|养殖场|合作社|物业|开发商)")
_ADDRESS = re.compile(rf"(?:家住|住址[：:]|现住|住在|地址[：:]|(?<=，)住)(?P<a>[{CJK}\d\-号组栋单元室楼#]{{4,40}})")
ANON_WORDS = ("知情人", "知情群众", "一群村民", "部分村民", "不敢写名字", "不敢署名", "匿名", "一名老党员", "看不下去的人",
              "群众")
_NOT_ACCUSED = ("这个问题", "一个情况", "情况", "问题", "一下", "过", "了", "如下", "如下问题", "如下情况", "无果", "未果",
                "多次", "多年")
# A demand's verb written before the party it is aimed at (责令X公司 → X公司).
_DEMAND_VERB = re.compile(r"^(?:请求|恳请|要求|希望|建议|请|责令|责成|勒令|督促|敦促|让|叫|由)+")
# An addressee written straight after the address, on the same line ("…67号清河县信访局：").
_RECIPIENT = "信访局|信访办公室|信访办|信访室|人民政府|县委县政府|县委|县政府|纪委监委|纪委|监委"
_ADDRESSEE_TAIL = re.compile(rf"(?<=[号室组楼栋村屯庄户])[{CJK}]{{0,12}}?(?:{_RECIPIENT})(?:[{CJK}]{{0,6}}(?:领导|同志))?$")


def _entries(text: str, start: int, end: int) -> list[dict]:
    out = []
    pos = start
    while pos < end:
        sep = _SEP.match(text, pos)
        if sep:
            pos = sep.end()
            continue
        m = _ENTRY.match(text, pos, end)
        if not m:
            break
        name = split_name(m.group("name"))
        if not name or name != m.group("name"):
            break
        entry: dict = {"name": name}
        digits = (m.group("inner") or "") + " " + (m.group("rest") or "")
        for run in re.findall(r"\d[\dXx\-]*", digits):  # normalize_text already closed spaces inside numbers
            flat = run.replace("-", "").upper()
            if len(flat) == 18:
                entry["id_number"] = flat
            elif len(flat) == 11 and flat.startswith("1"):
                entry["phone"] = flat
        out.append({"value": entry, "span": [m.start(), m.end()], "confidence": 0.9})
        pos = m.end()
    return out


def cosigner_fields(text: str) -> tuple[dict, dict, list[tuple[int, int]]]:
    """(cosigners, cosigner_count, spans of the co-signer list) — spans keep their IDs/phones apart."""
    items: list[dict] = []
    spans: list[tuple[int, int]] = []
    for m in _COSIGN_HEAD.finditer(text):
        # The list may run over several lines (a table of names); stop at a line that is not a list entry.
        end = len(text)
        for cue in ("\n身份证", "\n公民身份", "\n电话", "\n联系", "\n此致", "\n住址"):
            cut = text.find(cue, m.end())
            if 0 <= cut < end:
                end = cut
        found = _entries(text, m.end(), end)
        if found:
            items.extend(found)
            spans.append((m.start(), found[-1]["span"][1]))
    value = [i["value"] for i in items]
    count = len(value)
    conf = 0.9 if items else 0.8
    span = [spans[0][0], spans[-1][1]] if spans else None
    return (field(value, conf, span, items=items), field(count, conf, span), spans)


def addressee_field(text: str) -> dict:
    head = text[:200]
    m = _ADDRESSEE.search(head)
    if not m:
        return empty()
    return field(m.group("a"), 0.85, m.span("a"))


def accused_field(text: str, exclude_names: set[str]) -> dict:
    items = []
    for m in _ACCUSE.finditer(text):
        who = m.group("who").strip()
        if who in _NOT_ACCUSED or who.startswith(("如下", "无果", "未果")) or who in exclude_names or who.startswith(("过", "了", "给", "到", "一", "人", "信", "材料", "情况")):
            continue
        items.append({"value": who, "span": list(m.span("who")), "confidence": 0.75})
    for m in _ORG.finditer(text):
        org = re.sub(r"^.*?(?:举报|控告|反映|就是|是|被|把|让|跟|对|说|在)", "", m.group(0))
        org = _DEMAND_VERB.sub("", re.sub(r"^.*?(?:责令|责成|勒令|督促|敦促)", "", org))
        if len(org) >= 4 and not any(org in i["value"] or i["value"] in org for i in items):
            items.append({"value": org, "span": [m.end() - len(org), m.end()], "confidence": 0.6})
    if not items:
        return empty([])
    values = list(dict.fromkeys(i["value"] for i in items))
    value: str | list[str] = values[0] if len(values) == 1 else values
    return field(value, max(i["confidence"] for i in items), items[0]["span"], items=items)


def address_field(text: str) -> dict:
    m = _ADDRESS.search(text)
    if not m:
        return empty()
    addr = re.split(r"[，。；\n]", m.group("a"))[0]
    addr = _ADDRESSEE_TAIL.sub("", addr)
    return field(addr, 0.85, [m.start("a"), m.start("a") + len(addr)])


def anonymous_field(text: str, has_name: bool) -> dict:
    if has_name:
        return field(False, 0.9, None)
    tail = text[-120:]
    for word in ANON_WORDS:
        pos = text.find(word)
        if pos >= 0 and (word != "群众" or word in tail):
            return field(True, 0.9, [pos, pos + len(word)])
    return field(True, 0.7, None)
