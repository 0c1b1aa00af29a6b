"""Petitioner names, read the way a clerk reads a letter: the label (信访人：, 联名人：…), the signature
block at the end, the self-introduction in the body (我叫…, 本人…, 我是某村的…), the owner of the phone
("电话：139…（罗建军）"), and whoever the writer speaks for ("替我父亲刘长海…", "刘长海的儿子刘伟").

A name is a 百家姓 surname and one or two given-name characters, or a titled name as people sign online
(黄女士, 赵先生, 老陈). A candidate that is an ordinary word in jieba's dictionary (居民, 党员) or that the
letter itself calls a pseudonym (化名) is rejected. Every candidate keeps its span, the cue that found it
and a confidence, so the review screen shows where the name came from.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import jieba

from xinfang.intake.fields.common import CJK, empty, field

SINGLE_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛"
    "邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝"
    "路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂"
    "全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕"
    "楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈"
    "晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶"
    "斯元束檀衣信展阴昝智幸奉植衡富尧闭由")
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
                     "令狐", "夏侯", "轩辕", "端木", "西门", "南宫", "独孤", "百里", "呼延", "第五")
TITLES = ("先生", "女士", "大爷", "大妈", "阿姨", "师傅")
# Labels before the petitioner's own name, anywhere in the letter (the strongest evidence).
SIGN_CUES = ("申诉人代表", "联名人代表", "信访人代表", "姓名", "信访人", "具名", "署名", "反映人", "来信人", "举报人",
             "检举人", "申诉人", "控告人", "落款", "签名", "留言人", "建议人", "咨询人", "求助人", "联系人", "联名人",
             "联名", "业主", "代表人")
_BAD_ENDINGS = tuple("村镇乡局委县市省区队组社院所站厂校处科办室部会")
_BAD_GIVEN = set("的了是在和与及等我你他她们人里村镇乡县市个一男女叫姓俺咱这那有没不也都就还又")
_SIGN_RE = re.compile(rf"(?:{'|'.join(SIGN_CUES)})(?:（[^）\n]{{0,16}}）|\([^)\n]{{0,16}}\))?[：:]\s*")
_INTRO_RE = re.compile(r"我叫|俺叫|本人叫|名叫|本人|我是|俺是|我们是|我|俺")
_CLAUSE_END = re.compile(r"[，。,.！!？?；;：:、\s（(“”\"《》【】]|今年|现年|年龄|家住|现住|住在|住址|"
                         r"在|是|系|替|代|为|于|从|已|岁|一名|退休|男|女|，")
_PLACE_TAIL = re.compile(r".*(?:村|组|社区|小区|街道|镇|乡|号院|栋|单元|室|楼|县|市|区|厂|公司|学校|小学|中学|"
                         r"居民|村民|业主|市民|住户|家属|老人)")
_RELATIVE = re.compile(rf"(?:(?:替|帮|代)我?|我(?=(?:父亲|母亲|爸爸|妈妈|老父亲|老母亲)[{CJK}]{{2,3}}[，,、\s]))(?P<rel>父亲|母亲|爸爸|妈妈|老父亲|老母亲|爷爷|奶奶|外公|外婆|老伴|爸|妈|娘|爹)"
                       rf"(?P<name>[{CJK}]{{2,3}})?|(?P<name2>[{CJK}]{{2,3}})的(?P<rel2>儿子|女儿|闺女|孙子|孙女|儿媳|女婿)")
_GHOSTWRITER = ("代笔", "代写", "代书", "帮俺", "帮我", "打的字")
_PSEUDONYM = ("化名", "假名", "匿名")
_DIGITS = re.compile(r"[0-9０-９Xx×\-—/.:：年月日号时分]+")
_LABELS = re.compile(r"身份证号码|身份证号|身份证|公民身份号码|联系电话|电话|手机|留言时间|发布时间|时间|住址|地址|"
                     r"联系方式|微信|按手印|签字|此致|敬礼|内容|标题")
_WORD_SPLIT = re.compile(r"[\s，,、：:；;。！!？?“”\"]+")
_TERMINATOR = re.compile(r"[。！!？?]")


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """Two- and three-character words of jieba's dictionary that are not person names (居民, 党员, 高速)."""
    path = Path(jieba.__file__).parent / "dict.txt"
    words = set()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) < 3 or parts[2].startswith("nr") or parts[2] == "nz":
                continue
            if (len(parts[0]) == 2 and int(parts[1]) >= 20) or (len(parts[0]) == 3 and int(parts[1]) >= 200):
                words.add(parts[0])
    return frozenset(words)


def is_name(word: str) -> bool:
    """A plausible person name: surname + 1-2 given characters, or a titled name (黄女士, 老陈)."""
    if not word or not all("\u4e00" <= ch <= "\u9fff" for ch in word):
        return False
    if len(word) == 2 and word[0] in "老小" and word[1] in SINGLE_SURNAMES:
        return True
    for title in TITLES:
        if word.endswith(title) and len(word) == len(title) + 1 and word[0] in SINGLE_SURNAMES:
            return True
    sur = word[:2] if word[:2] in COMPOUND_SURNAMES else word[:1]
    given = word[len(sur):]
    if sur not in SINGLE_SURNAMES and sur not in COMPOUND_SURNAMES:
        return False
    if not 1 <= len(given) <= 2 or any(ch in _BAD_GIVEN for ch in given) or word.endswith(_BAD_ENDINGS):
        return False
    return word not in _common_words()


def name_ending_at(text: str, end: int, start_limit: int = 0) -> tuple[str, int] | None:
    """The longest name that ends exactly at `end` (3 characters before 2; titled names too)."""
    for size in (4, 3, 2):
        start = end - size
        if start < start_limit:
            continue
        word = text[start:end]
        if size == 4 and word[:2] not in COMPOUND_SURNAMES and not word.endswith(TITLES):
            continue
        if is_name(word):
            return word, start
    return None


def split_name(run: str) -> str | None:
    """The person name at the start of `run` (a co-signer list entry, a label's value), or None."""
    for size in (4, 3, 2):
        if size <= len(run) and is_name(run[:size]):
            return run[:size]
    return None


_DIGIT = re.compile(r"[0-9０-９]")


def _clause_end(text: str, pos: int, limit: int = 40, digits: bool = False) -> int:
    """Where the clause starting at `pos` stops: punctuation, a space, an age/住 phrase (or a digit)."""
    window = text[pos:pos + limit]
    m = _CLAUSE_END.search(window, 2)
    if digits:
        d = _DIGIT.search(window, 2)
        m = d if d and (m is None or d.start() < m.start()) else m
    return pos + (m.start() if m else len(window))


def _pseudonym(text: str, end: int) -> bool:
    return any(word in text[end:end + 8] for word in _PSEUDONYM)


def _label_names(text: str) -> list[dict]:
    found = []
    for m in _SIGN_RE.finditer(text):
        pos = m.end()
        end = _clause_end(text, pos, 12)
        hit = name_ending_at(text, end, pos)
        if hit and hit[1] == pos and not _pseudonym(text, end):
            found.append(_cand(hit, "sign", 0.85 if m.group(0).startswith("联名") else 0.95))
    return found


def _intro_names(text: str) -> list[dict]:
    """我叫X / 本人X / 我是某村某组的X / 我X4月8号写的信: the name ends the clause after the cue."""
    found = []
    for m in _INTRO_RE.finditer(text[:3000]):
        cue, pos = m.group(0), m.end()
        end = _clause_end(text, pos, digits=cue in ("我", "俺"))
        if end - pos < 2 or text[end - 1:end + 1] == "的" or text.startswith("的", end):
            continue
        hit = name_ending_at(text, end, pos)
        if not hit or _pseudonym(text, end):
            continue
        if cue in ("我", "俺"):
            if hit[1] != pos:
                continue  # bare 我 must be followed by the name itself (我刘长海4月8号…)
            conf = 0.7
        elif hit[1] == pos:
            conf = 0.85 if cue in ("我叫", "俺叫", "本人叫", "名叫", "本人") else 0.8
        else:  # 我是白岩镇石门坎村四组的罗德贵: what stands before the name must be a place or a role
            before = text[pos:hit[1]]
            if not (_PLACE_TAIL.fullmatch(before) or before.endswith(("的", "儿子", "女儿", "闺女", "孙子", "孙女",
                                                                      "教师", "干部", "职工", "渔民", "村医", "老兵",
                                                                      "业主", "住户", "居民", "村民"))):
                continue
            conf = 0.8
        found.append(_cand(hit, "intro", conf))
    return found


def _signature_names(text: str) -> list[dict]:
    """The name in the signature block: the last short lines, numbers, dates and labels removed."""
    found: list[dict] = []
    lines = text.rstrip().split("\n")
    offset = len(text.rstrip())
    checked = 0
    for line in reversed(lines):
        start = offset - len(line)
        offset = start - 1
        stripped = line.strip()
        if not stripped:
            continue
        checked += 1
        if checked > 6:
            break
        tail_from = 0
        terminators = list(_TERMINATOR.finditer(line))
        if terminators:  # a one-paragraph message: the signature follows the last sentence
            tail_from = terminators[-1].end()
            if len(line) - tail_from > 40:
                break
        segment = line[tail_from:]
        if any(word in segment for word in _GHOSTWRITER):
            continue
        hit = _name_in_segment(text, start + tail_from, segment)
        if hit:
            found.append(hit)
            break
        if terminators:
            break
    return found


def _name_in_segment(text: str, base: int, segment: str) -> dict | None:
    """A name as a word of a signature line: alone, or after the writer's place (前湾村三组 陈海根)."""
    masked = _DIGITS.sub(lambda m: " " * len(m.group(0)), segment)
    masked = _LABELS.sub(lambda m: " " * len(m.group(0)), masked)
    paren = re.search(r"[（(]([^）)]{2,12})[）)]", masked)
    if paren and is_name(paren.group(1)) and not _pseudonym(segment, paren.end()):  # 老张（张明德）
        return _cand((paren.group(1), base + paren.start(1)), "signature", 0.9)
    masked = re.sub(r"[（(][^）)]*[）)]", lambda m: " " * len(m.group(0)), masked)
    for m in re.finditer(rf"[{CJK}]+", masked):
        word = m.group(0)
        hit = name_ending_at(word, len(word))
        if not hit:
            continue
        before = word[:hit[1]]
        if before and not _PLACE_TAIL.fullmatch(before):
            continue
        if _pseudonym(segment, m.end()):
            return None
        return _cand((hit[0], base + m.start() + hit[1]), "signature", 0.9 if not before else 0.85)
    return None


def _phone_owner(text: str) -> list[dict]:
    """电话：13586629047（罗建军）: the number's owner, named in brackets."""
    found = []
    for m in re.finditer(r"1[3-9]\d{9}[）)]?\s*[（(]([\u4e00-\u9fff]{2,4})[）)]", text):
        if is_name(m.group(1)):
            found.append(_cand((m.group(1), m.start(1)), "phone_owner", 0.8))
    return found


_BY_RE = re.compile(rf"由([{CJK}]{{2,4}}?)代表")


def _spokesperson(text: str) -> list[dict]:
    """由万淑珍代表大家写这封信."""
    return [_cand((m.group(1), m.start(1)), "intro", 0.85) for m in _BY_RE.finditer(text) if is_name(m.group(1))]


def _opening(text: str) -> list[dict]:
    """A message that opens with the writer's place and name (后岗村孙德旺，房子…)."""
    end = _clause_end(text, 0, 20)
    hit = name_ending_at(text, end)
    if hit and hit[1] > 0 and _PLACE_TAIL.fullmatch(text[:hit[1]]):
        return [_cand(hit, "opening", 0.7)]
    return []


def _cand(hit: tuple[str, int], cue: str, confidence: float) -> dict:
    name, start = hit
    return {"value": name, "span": [start, start + len(name)], "cue": cue, "confidence": confidence}


def find_names(text: str) -> list[dict]:
    """Candidate petitioner names with span, the cue that found them and a confidence."""
    text = text or ""
    return (_label_names(text) + _signature_names(text) + _intro_names(text) + _phone_owner(text)
            + _spokesperson(text) + _opening(text))


def name_field_value(cands: list[dict]) -> dict | None:
    """Pick the petitioner: a name seen by two cues wins, then the label, the signature, the introduction.

    A titled name (黄女士) gives way to a full name of the same surname found elsewhere in the letter.
    """
    if not cands:
        return None
    counts: dict[str, int] = {}
    for c in cands:
        counts[c["value"]] = counts.get(c["value"], 0) + 1
    full = [c for c in cands if not _titled(c["value"])]
    pool = full or cands
    best = max(pool, key=lambda c: (counts[c["value"]], c["confidence"], -c["span"][0]))
    conf = min(0.99, best["confidence"] + 0.04 * (counts[best["value"]] - 1))
    return {**best, "confidence": conf}


def _titled(name: str) -> bool:
    return name.endswith(TITLES) or (len(name) == 2 and name[0] in "老小")


def on_behalf_of(text: str, writer: str | None) -> dict | None:
    """The relative a writer speaks for (替我父亲刘长海…, 刘长海的儿子刘伟), with the relation word."""
    for m in _RELATIVE.finditer(text[:3000]):
        relation = m.group("rel") or m.group("rel2")
        raw = m.group("name") or m.group("name2") or ""
        start = m.start("name") if m.group("name") else m.start("name2") if m.group("name2") else m.start()
        name = None
        for size in (3, 2):
            if m.group("name2"):
                word = raw[len(raw) - size:] if len(raw) >= size else ""
                offset = len(raw) - size
            else:
                word, offset = raw[:size], 0
            if word and is_name(word) and word != writer:
                name, start = word, start + offset
                break
        if name or m.group("rel"):
            return {"value": name, "relation": relation,
                    "span": [start, start + len(name)] if name else [m.start(), m.end()]}
    return None


def petitioner_field(text: str, place_words: set[str], cosign_spans: list[tuple[int, int]]) -> dict:
    """The petitioner's name as a field; the head of a 联名 list (联名人：赵春梅（电话…）、陈德福…) may be
    the petitioner, any other name inside a co-signer list may not. `on_behalf_of` names the relative the
    writer speaks for, when the letter says so."""
    cands = [c for c in find_names(text)
             if c["cue"] == "sign" or not any(a <= c["span"][0] < b for a, b in cosign_spans)]
    # A "name" that is the start of a place of the county (柳林, 高家洼) is not a person.
    cands = [c for c in cands if not any(p.startswith(c["value"]) for p in place_words)]
    best = name_field_value(cands)
    items = [{"value": c["value"], "span": c["span"], "confidence": c["confidence"], "cue": c["cue"]} for c in cands]
    if best is None:
        return empty(items)
    out = field(best["value"], best["confidence"], best["span"], items=items)
    behalf = on_behalf_of(text, best["value"])
    if behalf:
        out["on_behalf_of"] = behalf
    return out
