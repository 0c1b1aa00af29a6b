"""Voices: the same matter written by different kinds of people, so a model does not learn one voice.

WHY: the base composer writes every letter in one careful, formulaic voice; a router trained on it learns
that voice as much as the matter, and real mail (an old farmer dictating without punctuation, a retired
cadre's numbered report, an angry two-line note, an online title and message, a son writing for his
mother, dialect, homophone slips) then looks like nothing it has seen. Each style re-tells the matter's
facts (situation, details, demand, from samples/matter.py) with phrase pools of its own; `dialect` and
`typos` rewrite a composed letter. Leave-one-style-out (bench/bench_styles.py) trains without a style
and scores on it. Identity (身份证号, phone) is written as the base composer wrote it, so fields still match.
"""

from __future__ import annotations

import random
import re

STYLES = ("farmer", "cadre", "angry", "online", "proxy", "dialect", "typos")

_PUNCT = re.compile(r"[，。！？：；、,.!?;:（）()“”\"]")
_DIALECT = {"我们": ("俺们", "咱们", "我们"), "我家": ("俺家", "我屋头", "俺屋里"), "什么": ("啥", "啥子", "么子"),
            "怎么": ("咋", "咋个", "啷个"), "不知道": ("不晓得", "不知道"), "没有": ("没得", "莫得", "没有"),
            "孩子": ("娃儿", "娃", "孩儿"), "家里": ("屋头", "屋里", "家里"), "非常": ("老", "贼", "好"),
            "父亲": ("老汉", "俺爹", "我爸"), "母亲": ("老娘", "俺娘", "我妈"), "今天": ("今儿个", "今天"),
            "这里": ("这搭", "这儿", "这块"), "说": ("讲", "说"), "很": ("蛮", "老", "好"), "干活": ("做活路", "干活"),
            "知道": ("晓得", "知道"), "聊天": ("摆龙门阵", "唠嗑"), "地方": ("地界", "地方"), "钱": ("钱", "票子")}
_DIALECT_RE = re.compile("|".join(sorted(map(re.escape, _DIALECT), key=len, reverse=True)))
_HOMOPHONES = {"反映": "反应", "补偿": "补尝", "赔偿": "陪偿", "工资": "工姿", "已经": "以经", "部门": "部们",
               "解决": "解绝", "拖欠": "托欠", "承包": "成包", "低保": "低包", "举报": "举抱", "污染": "污然",
               "噪音": "燥音", "申诉": "申述", "补贴": "补帖", "宅基地": "宅机地", "处理": "处里", "领导": "领到",
               "政府": "政付", "办理": "半理", "调查": "调察", "事情": "事请", "希望": "希忘", "按时": "安时",
               "村委会": "村委汇", "安置": "按置", "拆迁": "折迁", "医院": "医完", "报销": "报消", "学校": "学效",
               "再": "在", "的": "地", "做": "作", "账": "帐", "以后": "已后", "到底": "倒底", "交": "教"}
_HOMOPHONE_RE = re.compile("|".join(sorted(map(re.escape, _HOMOPHONES), key=len, reverse=True)))

_CADRE_UNITS = ("县粮食局", "县供销社", "县农机站", "县水利局", "县一中", "县财政局", "乡镇企业局", "县商业局")
_ANGER = ("你们到底管不管", "还有没有王法了", "当官不为民做主", "老百姓的命就不是命吗", "我看你们能拖到什么时候",
          "再不管我天天来", "这就是你们的为人民服务", "气死人了")
# Complaints ask questions too, and mean them as reproaches: a router that reads every question as 咨询 has
# only seen questions in enquiries. Any purpose but 咨询 sometimes carries one of these.
_RHETORIC = ("这事到底有没有人管？", "难道就没人管了吗？", "是不是非要出了事才管？", "我想问问这事到底归谁管？",
             "凭什么这样对我们？", "这合理吗？", "还要拖到什么时候？", "这就是为人民服务吗？", "有没有人能给个说法？",
             "钱什么时候才能到手？")
_ONLINE_OPEN = ("领导您好！", "书记您好，", "县长您好，", "", "各位领导好，", "您好，")
_ONLINE_TAIL = ("希望尽快回复，谢谢！", "盼复。", "麻烦领导看一下，谢谢！", "急！", "望领导重视。", "")
_FARMER_OPEN = ("俺是{t}{v}的{name}今年七十好几了不会写字叫孙子照着俺说的写",
                "我老汉{name}住{v}大字不识几个有个事情想跟领导说道说道",
                "领导同志你好我是{v}种地的{name}没文化写的不好莫见怪")
_PROXY_OPEN = ("我是{t}{v}{parent}的儿子{name}，我{mom}今年{age}岁了，不识字，让我替她写这封信。",
               "替我{mom}{parent}写信反映个事。我叫{name}，在外地打工，{mom}一个人在{v}老家。",
               "尊敬的领导：我{mom}{parent}年纪大了耳朵背，这封信是我（她儿子{name}）按她的意思写的。")


def _ask(rng: random.Random, m: dict) -> list[str]:
    """What the writer wants, in plain words, by purpose."""
    purpose, who = m["purpose"], m["accused"]
    if purpose == "申诉":
        return [f"对{who}的处理结果不服", "要求重新调查", *m["fixes"][:1]]
    if purpose == "意见建议":
        return list(m["suggestions"][:2])
    if purpose == "揭发控告":
        return [f"举报{who}", f"请求查处{who}"]
    if purpose == "咨询":
        return [f"请问{q}" for q in m["questions"][:2]]
    return list(m["fixes"][:2])


def _reproach(rng: random.Random, m: dict) -> str:
    """A rhetorical question in a letter that is not an enquiry (empty for enquiries and most letters)."""
    return rng.choice(_RHETORIC) if m["purpose"] != "咨询" and rng.random() < 0.4 else ""


def _contact(written: dict) -> str:
    bits = [x for x in (written.get("id_number_as_written"), written.get("phone_as_written")) if x]
    if not bits:
        return ""
    label = ("身份证号：", "电话：") if len(bits) == 2 else (("身份证号：",) if written.get("id_number_as_written")
                                                           else ("电话：",))
    return " ".join(f"{a}{b}" for a, b in zip(label, bits, strict=False))


def _name(m: dict, person: dict | None) -> str:
    return person["name"] if person else "一个老百姓"


def farmer(rng: random.Random, m: dict, person: dict | None, written: dict) -> str:
    facts = [m["situation"], *m["details"][: rng.randrange(1, 3)]]
    opening = rng.choice(_FARMER_OPEN).format(t=m["township"], v=m["village"], name=_name(m, person))
    body = " ".join([opening, *facts, _reproach(rng, m), "求领导" + "还有".join(_ask(rng, m)), "俺们就指望政府了"])
    body = _PUNCT.sub(rng.choice((" ", "", " ")), body)
    return "\n".join(x for x in (body, _name(m, person), _contact(written)) if x)


def cadre(rng: random.Random, m: dict, person: dict | None, written: dict) -> str:
    topic = m["subcategory"]
    ask = _ask(rng, m)
    head = "建议" if m["purpose"] == "意见建议" else "请求"
    lines = [f"关于{topic}问题的情况报告", "县信访局并县委、县政府主要领导：",
             f"本人{_name(m, person)}，{m['township']}人，原{rng.choice(_CADRE_UNITS)}退休干部，中共党员。"
             f"现将{m['village']}{topic}的有关情况报告如下：", "一、基本情况", m["situation"] + "。"]
    lines += [f"（{'一二三'[i]}）{d}。" for i, d in enumerate(m["details"][:3])] or []
    lines += ["二、存在的主要问题", "群众反映强烈，问题长期得不到解决，影响干群关系。", f"三、几点{head}"]
    lines += [f"{i + 1}. {a}。" for i, a in enumerate(ask)]
    lines += ["以上情况属实，如有不实，本人愿承担责任。妥否，请批示。", _name(m, person), _contact(written)]
    return "\n".join(x for x in lines if x)


def angry(rng: random.Random, m: dict, person: dict | None, written: dict) -> str:
    ask = _ask(rng, m)[0]
    text = f"{m['situation']}！！{rng.choice(_ANGER)}！{_reproach(rng, m)}{ask}！"
    if rng.random() < 0.5:
        text += rng.choice(_ANGER) + "！"
    return "\n".join(x for x in (text, _name(m, person) if person else "", _contact(written)) if x)


def online(rng: random.Random, m: dict, person: dict | None, written: dict) -> str:
    title = rng.choice(("{v}{s}", "关于{s}的问题", "{s}谁来管？", "{t}{s}问题", "求助：{s}")).format(
        v=m["village"], s=m["subcategory"], t=m["township"])
    detail = m["details"][0] if m["details"] else ""
    body = (f"{rng.choice(_ONLINE_OPEN)}{m['situation']}，{detail}。{_reproach(rng, m)}{'，'.join(_ask(rng, m))}。"
            f"{rng.choice(_ONLINE_TAIL)}")
    return "\n".join(x for x in (title, body, _contact(written)) if x)


def proxy(rng: random.Random, m: dict, person: dict | None, written: dict) -> str:
    mom = rng.choice(("妈", "母亲", "老娘"))
    parent = rng.choice(("王", "李", "张", "刘", "陈")) + rng.choice(("秀英", "桂兰", "玉梅", "淑珍", "凤英"))
    opening = rng.choice(_PROXY_OPEN).format(t=m["township"], v=m["village"], parent=parent, mom=mom,
                                             name=_name(m, person), age=rng.randrange(68, 90))
    facts = "。".join([m["situation"], *m["details"][:2]]).replace("我家", f"我{mom}家")
    ask = "，".join(_ask(rng, m))
    tail = rng.choice((f"我{mom}天天为这事睡不着，恳请领导帮帮她老人家。", f"我{mom}说了，只想讨个公道。", ""))
    return "\n".join(x for x in (opening, f"{mom}说，{facts}。{_reproach(rng, m)}", f"我替{mom}请求：{ask}。", tail,
                                 f"代笔人：{_name(m, person)}", _contact(written)) if x)


def dialect(rng: random.Random, text: str) -> str:
    return _DIALECT_RE.sub(lambda g: rng.choice(_DIALECT[g.group(0)]), text)


def typos(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    out = [line if re.search(r"\d{6,}", line) else  # identity lines stay readable
           _HOMOPHONE_RE.sub(lambda g: _HOMOPHONES[g.group(0)] if rng.random() < 0.45 else g.group(0), line)
           for line in lines]
    return "\n".join(out)


TELLERS = {"farmer": farmer, "cadre": cadre, "angry": angry, "online": online, "proxy": proxy}


def restyle(rng: random.Random, style: str, m: dict, person: dict | None, written: dict) -> dict:
    """`written` (compose's output) told in `style`: a new text (and title for online messages)."""
    if style in TELLERS:
        text = TELLERS[style](rng, m, person, written)
    elif style == "dialect":
        text = dialect(rng, written["text"])
    elif style == "typos":
        text = typos(rng, written["text"])
    else:
        return written
    title = text.split("\n", 1)[0] if style == "online" else ""
    return {**written, "text": text, "title": title}
