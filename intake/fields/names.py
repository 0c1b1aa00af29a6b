"""Petitioner names: a cue phrase (我叫, 信访人：, 具名：...) then a 百家姓 surname and 1-2 given-name chars.

Names are taken only after a cue, so that 村/镇 names and departments are never read as people; a candidate
that ends in a place or office suffix (村, 镇, 局, 委...) is rejected.
"""

from __future__ import annotations

import re

from xinfang.intake.fields.common import CJK

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
# Cue phrases before the petitioner's own name, strongest first (a signature label beats 我叫 in the body).
SIGN_CUES = ("姓名", "信访人", "具名", "署名", "反映人", "来信人", "举报人", "检举人", "申诉人", "控告人", "落款", "签名")
INTRO_CUES = ("我叫", "本人叫", "本人", "我是", "名叫", "由")
_BAD_ENDINGS = tuple("村镇乡局委县市省区队组社院所站厂校处科办室部会")
_BAD_GIVEN = set("的了是在和与及等我你他她们人里村镇乡县市个一男女叫姓")
_STOP_AFTER = ("代表", "男", "女", "家住", "现住", "住", "是", "现年", "今年", "系", "身份", "电话", "手机", "，", "。")
_PLACE_NEXT = set("村镇乡庄屯营集街区县市局委厂店楼寨洼沟河湾")
_AFTER_INTRO = ("，", "。", "、", " ", "\n", "（", "(", ",", "；", "：", "男", "女", "是", "系", "家住", "现住", "住",
                "今年", "现年", "身份", "电话", "手机", "代表", "的", "村民", "居民", "人")
_TAIL = re.compile(rf"[{CJK}]{{1,6}}")


def split_name(run: str) -> str | None:
    """The person name at the start of `run` (2-4 chars), or None when it does not start with a surname."""
    run = run[:6]
    for stop in _STOP_AFTER:
        cut = run.find(stop, 2)
        if cut > 0:
            run = run[:cut]
    sur = run[:2] if run[:2] in COMPOUND_SURNAMES else run[:1]
    if sur not in COMPOUND_SURNAMES and sur not in SINGLE_SURNAMES:
        return None
    given = run[len(sur):len(sur) + 2]
    if not given or given[0] in _BAD_GIVEN:
        return None
    if len(given) == 2 and given[1] in _BAD_GIVEN:
        given = given[:1]
    name = sur + given
    if name.endswith(_BAD_ENDINGS) or len(name) < 2:
        return None
    return name


def name_at(text: str, pos: int) -> tuple[str, int] | None:
    """A name starting at `pos` (spaces tolerated), with its start offset."""
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    m = _TAIL.match(text, pos)
    if not m:
        return None
    name = split_name(m.group(0))
    if not name:
        return None
    after = text[pos + len(name):pos + len(name) + 1]
    if after and after in _PLACE_NEXT:
        return None
    return name, pos


_SIGN_RE = re.compile(rf"(?:^|\n)\s*(?:{'|'.join(SIGN_CUES)})[：:\s]*")
_INTRO_RE = re.compile(r"(?:我叫|本人叫|名叫|本人|我是(?:[^，。\n]{0,16}?(?:村民|居民|群众|职工|教师|人))?)")
_BY_RE = re.compile(rf"由([{CJK}]{{2,4}}?)代表")


def find_names(text: str) -> list[dict]:
    """Candidate petitioner names with span, the cue that found them and a confidence."""
    found = []
    for m in _SIGN_RE.finditer(text):
        hit = name_at(text, m.end())
        if hit:
            found.append({"value": hit[0], "span": [hit[1], hit[1] + len(hit[0])], "cue": "sign", "confidence": 0.95})
    for m in _INTRO_RE.finditer(text):
        hit = name_at(text, m.end())
        # In running text (本人和妻子…) a name must be followed by a pause or an identity word.
        if hit and (hit[1] + len(hit[0]) == len(text) or text.startswith(_AFTER_INTRO, hit[1] + len(hit[0]))):
            conf = 0.85 if m.group(0) in ("我叫", "本人叫", "名叫") else 0.7
            found.append({"value": hit[0], "span": [hit[1], hit[1] + len(hit[0])], "cue": "intro",
                          "confidence": conf})
    for m in re.finditer(r"(?:姓名|信访人|反映人|举报人|申诉人)[：:]", text):  # inline: 信访人：王五，男，
        hit = name_at(text, m.end())
        if hit and all(f["span"][0] != hit[1] for f in found):
            found.append({"value": hit[0], "span": [hit[1], hit[1] + len(hit[0])], "cue": "sign", "confidence": 0.95})
    for m in _BY_RE.finditer(text):  # 由万淑珍代表大家写这封信
        name = split_name(m.group(1))
        if name == m.group(1):
            found.append({"value": name, "span": [m.start(1), m.end(1)], "cue": "intro", "confidence": 0.85})
    return found


def name_field_value(cands: list[dict]) -> dict | None:
    """Pick the petitioner: a name seen twice wins, else the signature, else the self-introduction."""
    if not cands:
        return None
    counts: dict[str, int] = {}
    for c in cands:
        counts[c["value"]] = counts.get(c["value"], 0) + 1
    best = max(cands, key=lambda c: (counts[c["value"]], c["confidence"], -c["span"][0]))
    conf = min(0.99, best["confidence"] + 0.04 * (counts[best["value"]] - 1))
    return {**best, "confidence": conf}
