"""Read the handling unit (办理单位) out of a government reply, rule-based.

Input: the ``reply`` column of ``shared/data/teddy2020c/replies.csv`` (real messages to a city
government's message board with the official reply). Output: the unit as written in the reply and
that unit mapped onto the office's county department list (``classifier/office/starter.json``),
``'other'`` (a unit outside that list: 供电公司, 财政局, 地铁集团 ...) or ``None`` (no unit named, or a
whole government / 管委会 replying, which says nothing about a department).

Pure Python (re, csv, json); it does not import project code. Run it to print coverage:

    python bench/realdata/reply_units.py [path/to/replies.csv]

Rules, in order of priority (the first one that yields a unit wins):
  1. transfer    "已转县教育局" / "转交至岩垅乡" / "交由市房屋交易管理中心办理" / "交办交通运输局"
  2. signature   a unit standing at the end of the reply, before an optional date
  3. investigator "经马望堆街道进行调查" / "A7县环保局立即派员" / "城管执法大队迅速进行了调查"
  4. self        "我镇" / "我街道" (→ 乡镇人民政府); "我局" / "我委" / "我支队" resolved from a unit of the
                 same kind named in the reply, else from "感谢您对(我县)教育事业的关心"-style wording
  5. mention     the first unit named in the reply outside a referral ("建议您咨询", "可拨打", "向…反映")
                 or citation ("根据…文件") context
"""
from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve()
_STARTERS = [HERE.parents[2] / "classifier" / "office" / "starter.json",
             HERE.parents[2] / "xinfang" / "classifier" / "office" / "starter.json"]
STARTER = next((p for p in _STARTERS if p.exists()), _STARTERS[0])
DATA = HERE.parents[3] / "shared" / "data"
REPLIES = DATA / "teddy2020c" / "replies.csv"


def _departments() -> list[str]:
    try:
        return list(json.loads(STARTER.read_text(encoding="utf-8"))["departments"])
    except (OSError, KeyError, ValueError) as exc:  # pragma: no cover - loud failure
        raise SystemExit(f"reply_units: cannot read the department list from {STARTER}: {exc}") from exc


DEPARTMENTS = _departments()

OTHER = "other"
WHOLE_GOV = "__whole_government__"   # unit found, department unknown (None)

# (pattern matched inside a unit string, department). The pattern whose match ends last in the
# unit string decides (the head of a Chinese noun phrase is at its end: 桃林镇国土所 → 国土所).
_MAP: list[tuple[str, str]] = [
    # 政法
    (r"交警|交通警察|交巡警|车管所|公安|派出所|警务|刑侦|治安(?:大队|支队)|出入境|入境管理|人境大队|特警|巡警", "公安局"),
    (r"法院|法庭", "法院"),
    (r"检察", "检察院"),
    (r"司法局|司法所|公证处|法律援助|司法行政", "司法局"),
    (r"纪委|监委|纪检|监察委员会|纪律检查", "纪委监委"),
    (r"组织部|编办|机构编制", "组织部"),
    (r"退役军人|双拥办|优抚", "退役军人事务局"),
    # 住建 / 自然资源 / 城管
    (r"住房和城乡建设|住房城乡建设|住建|城建局|城建办|城建站|城乡建设(?:局|委)|建设局|建委|建设委员会|住房保障|住保局|房屋交易|房产局|房管|房地产管理|"
     r"房产管理|住房公积金|公积金|质安站|质安处|质量安全监督站|质监站|建设工程|物业管理(?:办|科|中心)|人防|燃气管理|工务局|房屋征收", "住建局"),
    (r"自然资源|国土|规划局|规划分局|规划建设局|规划和|不动产登记|土地储备|测绘|矿产", "自然资源局"),
    (r"城管|城市管理|综合执法局|行政执法局|行政执法大队|城市综合执法|执法中队|市政局|市政处|市政设施|环卫|园林|路灯|照明|亮化|市容|数字城管|渣土", "城市管理局"),
    (r"规划建设局", "自然资源局"),
    # 农口
    (r"农业农村|农业局|农委|农业委员会|畜牧|兽医|水产|渔政|农机|农业机械|农经|农技|扶贫|乡村振兴|农村经营|种子|植保|动物卫生|动物疫病", "农业农村局"),
    (r"水利|水务|河长|水资源|水库管理|防汛", "水利局"),
    (r"林业|森林资源|林业站", "林业局"),
    (r"森林公安", "公安局"),
    # 人社 / 医保 / 卫健 / 民政
    (r"人社|人力资源|人力资源和社会保障|社会保障局|社保|劳动监察|劳动保障|劳动人事争议|劳动仲裁|就业|人才(?:交流|服务)?中心|社会保险|养老保险|机关养老", "人社局"),
    (r"医疗保障|医保|医疗保险|合作医疗|合管办", "医保局"),
    (r"卫生健康|卫健|卫计|卫生和计划生育|卫生局|计生|计划生育|人口和计划|疾病预防|疾控|妇幼|医院|卫生院|卫生服务中心|血站|急救中心|卫生监督|健康教育", "卫健委"),
    (r"(?<!人)民政(?!府)|殡葬|殡仪|社会福利|福利院|救助站|救助管理|老龄|残联|婚姻登记|养老服务中心", "民政局"),
    # 教育 / 文旅
    (r"教育|教体局|教委|教科局|学校|中学|小学|幼儿园|学院|大学|招生考试|考试院|招考|学生资助", "教育局"),
    (r"文化|文旅|旅游|广电|广播电视|文广|体育局|文体|新闻出版|文物|图书馆|博物馆|体育中心", "文旅局"),
    (r"教育体育局|教育和体育局", "教育局"),
    # 环境 / 交通 / 市场
    (r"生态环境|环保|环境保护|环境监察|环境监测|环境执法", "生态环境局"),
    (r"交通运输|交通局|运管|道路运输|公路|交通建设|客运|出租车管理|公交|港航|海事|高速公路管理|治超|交通执法", "交通运输局"),
    (r"市场监督|市场监管|工商|物价|价格监督|价格认证|质监局|质量技术监督|质量监督|食品药品|食药监|消费者协会|消费者委员会|消协|公平交易|知识产权|12315", "市场监管局"),
    (r"政府办公室|政府办|政府办公厅|人民政府办公|督查室|政务督查|12345|市长热线|市长信箱|便民服务热线", "县政府办"),
    # units outside the office's list
    (r"(?:公交|巴士)(?:公司|集团|总公司)|交通运输和旅游|交通旅游", "交通运输局"),
    (r"文化市场综合执法(?:局|大队|支队)?|文化综合执法(?:局|大队)?|文化市场执法(?:局|大队)?", "文旅局"),
    (r"网络文化|网宣|网信|网络中心", OTHER),
    (r"公司|集团|供电|电力|自来水|水业|燃气|银行|电信|移动|联通|铁塔|地铁|轨道|城投|邮政|保险|物业|开发商|置业|"
     r"财政|税务|发改|发展和改革|发展改革|统计|审计|商务|粮食|经信|工信|工业和信息化|科技局|科技商务|应急管理|安监|安全生产|"
     r"消防|气象|地震|信访|行政审批|政务服务|机关事务|国资|金融|烟草|人行|档案|民宗|宗教|外事|侨务|统战|宣传部|网信|网宣|"
     r"政法委|综治|工会|团委|妇联|科协|红十字|铁路|机场|民航|国家电网|长金管委|广告|街道居委|海关|供销|盐务|人大|政协|党校|"
     r"商务综合执法|建筑公司|检测|监理", OTHER),
    # whole governments and their equivalents: unit read, department unknown
    (r"(?:市|区|县|州|省)(?:人民)?政府|(?:市|区|县|州)委|管委会|管理委员会|党委政府|委员会$|经开区|高新区|新区", WHOLE_GOV),
    # 属地: towns, sub-districts, communities, villages
    (r"镇|乡|街道|办事处|社区|居委会|村委会|村民委员会|村支两委|党工委", "乡镇人民政府"),
]
_MAP = [(re.compile(p), d) for p, d in _MAP]

for _p, _d in _MAP:
    if _d not in DEPARTMENTS and _d not in (OTHER, WHOLE_GOV):  # keep the table honest
        raise SystemExit(f"reply_units: department {_d!r} is not in {STARTER}")


def map_unit(raw: str | None) -> str | None:
    """Map a unit as written onto a department, 'other', or None (unknown / whole government)."""
    if not raw:
        return None
    best: tuple[int, int, str] | None = None
    for pat, dept in _MAP:
        for m in pat.finditer(raw):
            key = (m.end(), m.end() - m.start(), dept)
            if best is None or key[:2] > best[:2]:
                best = key
    if best is None:
        return None
    dept = best[2]
    # 教育体育局 / 文化教育 ...: 教育 wins over 体育/文化 when both are in the head word
    if dept == "文旅局" and re.search(r"教育(?:体育|和体育)?局|教体局", raw):
        dept = "教育局"
    return None if dept == WHOLE_GOV else dept


# ---------------------------------------------------------------------------------------------
# unit strings

_PLACE = r"(?:西地省|[A-Z]\d{0,2}(?:市|县|区)|[A-Z]\d{0,2}(?:市|县|区)(?:[A-Z]\d{0,2}(?:区|县))?|省|市|区|县|州|局|镇|乡)?"
_CJK = r"\u4e00-\u9fa5"

# cores that are a unit by themselves (strict: safe to find anywhere)
_CORES = (
    rf"[{_CJK}]{{0,10}}?(?:局|委员会|分局|支队|大队|中队|派出所|法院|检察院|人民法院|人民检察院|管理处|监督站|管理站|"
    r"(?:服务|管理|登记|交易|事务|保障|指导|监测|储备|控制|救助)中心|纪委|监委|卫健委|住建委|发改委|卫计委|农委|教委|建委|"
    r"组织部|公安局|司法所|国土所|工商所|财政所|林业站|安监站|执法局|政府办|办公室|管委会)"
)

# head words that make a strict unit (the thing must end in one of these)
_HEAD = (
    r"(?:镇党委政府|乡党委政府|镇党委、政府|镇人民政府|乡人民政府|镇政府|乡政府|镇党委|乡党委|街道办事处|街道党工委|"
    r"厅|人民政府办公室|政府办公室|人民政府|政府办|局|分局|委员会|支队|大队|中队|派出所|人民法院|法院|人民检察院|检察院|"
    r"管理处|稽查处|质安处|运管处|监督站|质安站|管理站|中心|纪委|监委|卫健委|住建委|发改委|卫计委|农委|教委|建委|教育委员会|"
    r"组织部|司法所|国土所|工商所|财政所|林业站|安监站|办事处|街道办|党工委|管委会|公证处)"
)
# a strict unit: up to 14 CJK/ASCII place characters then a known head word
_UNIT_STRICT = re.compile(rf"[A-Z0-9{_CJK}（）()]{{1,16}}?{_HEAD}(?![{_CJK}]{{0,1}}(?:长|员|干部|工作人员|同志))")
# permissive (only right after a transfer verb or in a signature): also bare towns, 部门, schools, companies
_UNIT_LOOSE = re.compile(
    rf"[A-Z0-9{_CJK}（）()、]{{1,24}}?(?:{_HEAD}|镇|乡|街道|部门|公司|集团|学校|中学|小学|幼儿园|医院|卫生院|社区|村委会|居委会|县|区|市)"
)

_LEAD_JUNK = re.compile(
    r"已转交|已经|已转|已|并|请|现将|现|经过|经|转交|转至|转到|转给|转由|转请|转办|交由|交办|移交|向|与|和|及|或|、|对|在|将|把|被|据|于|的|了|"
    r"会同|联合|组织|配合|协调|督促|责成|要求|通知|根据|按照|依据|同时|以及|其中|目前|现在|立即|及时|迅速|随即|由|至|给|到|是|为|"
    r"：|:|，|。|；|“|”|\s|\d+年(?:\d+月)?(?:\d+日)?|\d+月(?:\d+日)?|今年|去年|近日|近期|此|需要|需|受|证明|下一步|我公司|我局"
)
# compounds that contain a junk word but belong to a unit name
_PROTECT = re.compile(
    r"住房和城乡|人力资源和社会|城市管理和|行政执法|综合执法|自然资源和|卫生和计划|计划生育|发展和改革|工业和信息|文化和旅游|"
    r"教育和体育|科技和|交通运输和旅游|交通运输|经开区|经济|经济技术|经信|和平|对外|管理和|农业和|商务和|人口和|组织部|中心|中队|中学|"
    r"派出所|执法|及其|转运|经管"
)
_LEAD_KEEP = re.compile(r"(?:西地省|[A-Z]\d{0,2}(?:市|县|区)|市|区|县|省)")

_GENERIC = re.compile(
    r"^(?:有关|相关|职能|主管|责任|属地|当地|上级|所在|辖区|各级|各|该|本|我|贵|您|你|其|此|其他|有关职能|相关职能|所属|行业主管|上述|以上|以下|下级|县级|市级|区级|乡级|"
    r"各有关|有关单位|相关单位)?(?:部门|单位|机关|政府|人民政府|职能部门|主管部门|执法部门|管理部门|公司|县区|县市区|区县|乡镇|街道|社区|局|中心|委员会|办公室)$"
)


def _clean(raw: str) -> str | None:
    raw = raw.strip("，。、；：:,. （）()\u3000 ")  # noqa: B005 (a set of characters, on purpose)
    # cut everything up to the last function word (经/由/转交/和 ...), keeping unit-name compounds
    mask = _PROTECT.sub(lambda m: "X" * len(m.group(0)), raw)
    cut = 0
    for m in _LEAD_JUNK.finditer(mask):
        if len(raw) - m.end() >= 2:
            cut = m.end()
    raw = raw[cut:].strip("，。、；：:,. \u3000 ")  # noqa: B005
    if len(raw) < 2 or _GENERIC.match(raw) or re.fullmatch(r"[县区市乡镇]+|[A-Z]\d*(?:市|县|区)?", raw):
        return None
    if re.search(r"(?:有关|相关|职能|主管|责任|属地|当地|各级|所在地|辖区)(?:部门|单位)$", raw):
        return None
    return raw


def _strict_units(text: str) -> list[tuple[int, int, str]]:
    out = []
    for m in _UNIT_STRICT.finditer(text):
        raw = _clean(m.group(0))
        if raw and map_unit_any(raw):
            start = text.rfind(raw, m.start(), m.end())
            out.append((start if start >= 0 else m.start(), m.end(), raw))
    return out


def map_unit_any(raw: str) -> bool:
    """True when the string is recognisably a unit (maps to a department, other, or a whole government)."""
    return any(pat.search(raw) for pat, _dept in _MAP)


# ---------------------------------------------------------------------------------------------
# rules

_TRANSFER = re.compile(
    r"(?<![划移流周扭运好])(?:已转交?|转交|转至|转到|转给|转由|转请|转办|交由|交办|移交|转送|批转|分转)(?:至|给|到|由|于)?"
    rf"(?P<u>[A-Z0-9{_CJK}（）()、]{{2,30}}?)"
    r"(?=进行|调查|核查|核实|处理|办理|办复|答复|回复|研究|查处|负责|核处|关注|解决|落实|跟进|阅处|依法|按|[，。；,;！!（(\s]|$)"
)
_TRANSFER_BAD = re.compile(r"^(?:变|让|岗|学|入|出|型|移|换|正|发|载|账)")
_TRANSFER_FOLLOW = re.compile(r"(?:[、和及与]|等|相关|有关|进行|调查|核查|核实|处理|办理|办复|答复|回复|研究|查处|负责|核处|关注|解决|落实|跟进|阅处|依法|按|强制|[，。；,;！!（(\s]|$)")

_DATE_TAIL = re.compile(
    r"(?:[\s　]*(?:\d{4}\s*[年\-./]\s*\d{1,2}\s*[月\-./]\s*\d{1,2}\s*日?|[〇零一二三四五六七八九十○Ｏ0]{4}年[〇零一二三四五六七八九十○Ｏ]{1,3}月[〇零一二三四五六七八九十○Ｏ]{1,3}日)[\s　。.]*)$"
)
_SIGN_JUNK_TAIL = re.compile(r"[\s　。.！!）)]*$")

_INVESTIGATE = re.compile(
    rf"(?:经(?:过)?|由|组织|责成|要求|安排|会同)?(?P<u>[A-Z0-9{_CJK}（）()、]{{2,30}}?)"
    r"(?:高度重视|迅速|立即|及时|第一时间|随即|马上|已|对此|接到|收到|接件后|组织|派|安排|经|联合|会同|多次|专门|认真)*"
    r"(?:进行了?|开展了?|派员|派出|安排|组织)?(?:现场|实地|专人|工作人员|执法人员)?"
    r"(?:调查|核实|核查|勘查|查看|走访|了解|检查|调处|查处|处理|研究|现场)"
)

_SELF = re.compile(r"(?:我|本)(镇|乡|街道办事处|街道|办事处|局|委|中心|支队|大队|分局|院|所|处|办|站|单位|区|县|市|司|校|部|会)(?!长|民|里|外)")

_REFERRAL = re.compile(
    r"(?:建议|咨询|联系|致电|拨打|请到|可到|可向|向|前往|到|去|找|举报|投诉|起诉|申请|电话|官网|网站|登录|关注|报|报告|反映至|反映给|按照|根据|依据|依照|《|"
    r"与|和|及|、|或|配合|协调|会同|联合|督促|要求|请|由于|因|属于|不属于|归|是|系|发布|出台|印发|下发|批准|批复|审批|同意|认定)"
    r"[^，。；！？]{0,6}$"
)

# "感谢您对(我县|A7县)?X(事业|工作)的关心": X → department, to resolve a bare 我局/我委
_HINT = [
    (r"教育", "教育局"), (r"房产|物业|房地产", "住建局"), (r"城市管理|城管", "城市管理局"), (r"交通运输|交通|公路|道路运输", "交通运输局"),
    (r"环保|环境保护|生态环境", "生态环境局"), (r"卫生|医疗卫生|卫生计生|卫生健康|计生", "卫健委"),
    (r"人社|人力资源|社会保障|劳动保障|就业", "人社局"), (r"医保|医疗保障|医疗保险", "医保局"),
    (r"民政|养老", "民政局"), (r"住房|住建|房地产|城乡建设|建设", "住建局"), (r"国土|自然资源|规划", "自然资源局"),
    (r"农业|农村|畜牧", "农业农村局"), (r"水利|水务", "水利局"), (r"林业", "林业局"), (r"公安|交警|道路交通安全|交通安全", "公安局"),
    (r"市场监管|工商|物价|价格|食品安全|质监", "市场监管局"), (r"文化|旅游|文旅|体育", "文旅局"),
]
_HINT_RE = re.compile(r"(?:感谢|谢谢)(?:您|你|网友|社会各界|广大网友|各界|您及广大网友)?(?:对|关心|关注|支持)(?:我县|我市|我区|[A-Z]\d{0,2}(?:市|县|区)|全市|全县|本县|本市)?([\u4e00-\u9fa5、]{2,10}?)(?:事业|工作|的(?:关心|关注|支持|理解))")

_SELF_KIND = {"局": "局", "分局": "局", "委": "委", "中心": "中心", "支队": "支队", "大队": "大队", "院": "院", "所": "所",
              "处": "处", "站": "站"}
_SELF_TOWN = {"镇", "乡", "街道", "街道办事处", "办事处"}


def _clean_reply(reply: str) -> str:
    return re.sub(r"[ \t\u3000\xa0]+", " ", (reply or "").replace("\r", "\n")).strip()


_HEAD_LOOSE = re.compile(_HEAD + r"|镇|乡|街道|部门|公司|集团|学校|中学|小学|幼儿园|医院|卫生院|社区|村委会|居委会|政府")


def _first_unit(frag: str) -> str | None:
    """The first unit at the start of a fragment: 'L1区住建局核处' → 'L1区住建局'."""
    for m in _HEAD_LOOSE.finditer(frag):
        e = m.end()
        while True:  # extend over a following head: 卢峰镇 + 人民政府
            m2 = _HEAD_LOOSE.match(frag, e)
            if not m2:
                break
            e = m2.end()
        raw = _clean(frag[:e])
        if not raw:
            continue
        if map_unit_any(raw) or re.search(r"镇|乡|街道|学校|中学|小学|医院", raw):
            return raw
        return None
    return None


def _rule_transfer(text: str):
    for m in _TRANSFER.finditer(text):
        frag = m.group("u")
        if _TRANSFER_BAD.match(frag):
            continue
        raw = _first_unit(frag)
        if not raw:
            continue
        rest = frag[frag.find(raw) + len(raw):] + text[m.end():m.end() + 4]
        if "移交" in m.group(0) and not re.match(r"(?:进行|依法)?(?:调查|核查|核实|处理|办理|查处|执行|强制|立案)", rest):
            continue
        if _TRANSFER_FOLLOW.match(rest):
            return raw
    return None


_THANKS = re.compile(r"(?:感谢|谢谢)(?:您|你|网友|广大网友)?(?:对|关心|关注|支持)([A-Z0-9\u4e00-\u9fa5]{2,20}?" + _HEAD + r")(?:工作)?的")


def _rule_thanks(text: str):
    for m in _THANKS.finditer(text):
        raw = _clean(m.group(1))
        if raw and not raw.startswith("我") and map_unit_any(raw):
            return raw
    return None


_DATE_MID = r"\s*(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}[.\-/]\d{1,2}[.\-/]\d{1,2}|[〇零一二三四五六七八九十○Ｏ0]{4}年[〇零一二三四五六七八九十○Ｏ]{1,3}月[〇零一二三四五六七八九十○Ｏ]{1,3}日)"
_SIGN_MID = re.compile(r"(?:^|[。！!？?；;\s”\"）)])([A-Z0-9\u4e00-\u9fa5（）()、]{3,40}?" + _HEAD + r")" + _DATE_MID)


def _sign_ok(raw: str | None) -> str | None:
    if raw and not re.search(r"(?:的|了|是|在|和|我们|您|你)", raw[:-2]) and map_unit_any(raw):
        return raw
    return None


def _rule_signature(text: str):
    # a signature inside the text (several replies concatenated): the first one wins
    for m in _SIGN_MID.finditer(text):
        raw = _sign_ok(_clean(m.group(1)))
        if raw:
            return raw
    tail = text[-80:]
    for _ in range(3):  # strip a trailing date, 特此回复, 谢谢 ...
        tail = _DATE_TAIL.sub("", tail)
        tail = _SIGN_JUNK_TAIL.sub("", tail)
        tail = re.sub(r"(?:特此回复|特此答复|此复|谢谢|感谢您的留言|敬请谅解)[。！!]?$", "", tail).rstrip()
    m = re.search(r"(?:^|[。！!？?；;\s”\"])([A-Z0-9\u4e00-\u9fa5（）()、]{3,40})$", tail)
    if not m:
        return None
    cand = m.group(1)
    um = re.search(r"[A-Z0-9\u4e00-\u9fa5（）()、]{1,30}?" + _HEAD + r"$", cand)
    if not um:
        um = re.search(r"[A-Z0-9\u4e00-\u9fa5（）()]{2,30}?(?:镇|乡|街道|学校|中学|小学|医院|卫生院|公司|集团)$", cand)
        if not um:
            return None
    return _sign_ok(_clean(um.group(0)))


_JING = re.compile(r"(?:经|经过|责成|要求|由)(?=[A-Z0-9\u4e00-\u9fa5])")


def _rule_investigate(text: str):
    head = text[:400]
    for m in _JING.finditer(head):
        window = head[m.end():m.end() + 40]
        raw = _first_unit(window[:25])
        if (raw and re.search(r"调查|核实|核查|查处|了解|勘|检查|处理|办理", window[len(raw):])
                and not re.match(r"(?:我|本|相关|有关|该|其)", raw)):
            return raw
    for m in _INVESTIGATE.finditer(head):
        frag = m.group("u")
        units = [u for u in _strict_units(frag)]
        if not units:
            tm = re.search(r"([\u4e00-\u9fa5]{2,5}(?:镇|乡|街道)(?:人民政府|政府|办事处|党委|党工委)?)$", frag)
            if tm:
                raw = _clean(tm.group(1))
                if raw and not re.search(r"城镇|乡镇|城乡|家乡|乡村|街道办$", raw[-3:]):
                    return raw
            continue
        s, e, raw = units[-1]
        if e >= len(frag) - 1:
            return raw
    return None


def _rule_self(text: str):
    kinds = Counter()
    first = None
    for m in _SELF.finditer(text):
        k = m.group(1)
        kinds[k] += 1
        first = first or k
    if not kinds:
        return None
    for k in ("镇", "乡", "街道办事处", "街道", "办事处"):
        if kinds.get(k):
            return "我" + k
    for k, _n in kinds.most_common():
        if k in ("区", "县", "市"):
            continue
        kind = _SELF_KIND.get(k)
        if not kind:
            continue
        hm = _HINT_RE.search(text)
        if hm and any(re.search(pat, hm.group(1)) for pat, _d in _HINT):
            return f"我{k}[{hm.group(1)}]"
        # a unit of the same kind named in the reply outside referral contexts
        cands = Counter()
        for s, e, raw in _strict_units(text):
            if not raw.endswith(kind) and not (kind == "局" and raw.endswith("分局")):
                continue
            if _REFERRAL.search(text[max(0, s - 12):s]) or re.search(r"(?:组织|责成|安排|通知|联系|邀请|要求|会同|联合)[^，。]{0,4}$", text[max(0, s - 8):s]):
                continue
            if not _ACTOR_AFTER.match(text[e:e + 12]):
                continue
            d = map_unit(raw)
            if d and d != OTHER:
                cands[raw] += 1
        if len(cands) >= 1:
            depts = {map_unit(r) for r in cands}
            if len(depts) == 1:
                return cands.most_common(1)[0][0]
    for k in ("区", "县", "市"):
        if kinds.get(k) and re.search(r"我" + k + r"(?:高度重视|已|将|立即|组织|迅速|对此|正在|积极)", text):
            return "我" + k
    return None


_ACTOR_AFTER = re.compile(
    r"(?:党委|党组|领导|负责人|主要负责人|分管领导|工作人员|执法人员|民警|干部|相关科室|执法大队|[一-龥]{0,4}科|[一-龥]{0,4}股)?"
    r"(?:高度重视|立即|迅速|及时|第一时间|随即|马上|已经|已|将|正在|积极|认真|多次|专门|再次|对此|对该|对您|接到|收到|组织|派|安排|进行|"
    r"经|会同|联合|牵头|先后|前往|赶赴|赴|主要领导|责令|责成|要求|督促|现场|调查|核实|核查|检查|查处|开展|约谈|召集|召开|答复|回复|表示|决定|依法|"
    r"于\d|在\d|\d+月)"
)


def _rule_mention(text: str):
    for s, e, raw in _strict_units(text):
        before = text[max(0, s - 12):s]
        if _REFERRAL.search(before):
            continue
        if re.match(r"(?:省|西地省|中共西地省|国家|国务院|中央)", raw) or map_unit(raw) in ("法院", "检察院"):
            continue
        if not _ACTOR_AFTER.match(text[e:e + 12]):
            continue
        return raw
    return None


RULES = (("transfer", _rule_transfer), ("signature", _rule_signature), ("thanks", _rule_thanks), ("investigate", _rule_investigate),
         ("self", _rule_self), ("mention", _rule_mention))


def _self_dept(raw: str, text: str) -> str | None:
    m = re.match(r"我(.+?)\[(.*)\]$", raw)
    if m:
        for pat, dept in _HINT:
            if re.search(pat, m.group(2)):
                return dept
        return None
    if raw in ("我镇", "我乡", "我街道", "我街道办事处", "我办事处"):
        return "乡镇人民政府"
    if raw in ("我区", "我县", "我市"):
        return None
    return map_unit(raw)


def read_unit_rule(reply: str) -> tuple[str | None, str | None, str | None]:
    """Like read_unit, plus the name of the rule that fired."""
    text = _clean_reply(reply)
    if len(text) < 8:
        return None, None, None
    fallback = None
    for name, rule in RULES:
        raw = rule(text)
        if raw:
            dept = _self_dept(raw, text) if raw.startswith("我") else map_unit(raw)
            if dept is None:  # a whole government: keep looking for a department
                fallback = fallback or (raw, None, name)
                continue
            return raw, dept, name
    return fallback or (None, None, None)


def read_unit(reply: str) -> tuple[str | None, str | None]:
    """(unit as written, department) read from a reply.

    department is one of the office's departments, 'other' (a unit outside the list), or None
    (no unit named, or a whole government / 管委会 which names no department).
    """
    raw, dept, _rule = read_unit_rule(reply)
    return raw, dept


# ---------------------------------------------------------------------------------------------

def _require(path: Path) -> Path:
    if not path.exists():
        raise SystemExit(
            f"reply_units: {path} not found. The shared data is expected at {DATA} "
            "(../shared/data relative to the checkout); it is not part of the repository."
        )
    return path


def _rows(path: Path | str | None = None):
    path = _require(Path(path) if path else REPLIES)
    csv.field_size_limit(10**8)
    with open(path, encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def load_labelled(path: Path | str | None = None) -> list[dict]:
    """id, title, text, unit, department for every row where a department (or 'other') was read."""
    out = []
    for row in _rows(path):
        unit, dept = read_unit(row.get("reply", ""))
        if dept:
            out.append({"id": row["id"], "title": row.get("title", ""), "text": row.get("text", ""),
                        "unit": unit, "department": dept})
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    rows = list(_rows(argv[0] if argv else None))
    n = len(rows)
    with_unit = mapped = in_list = 0
    depts: Counter = Counter()
    rules: Counter = Counter()
    for row in rows:
        unit, dept, rule = read_unit_rule(row.get("reply", ""))
        if unit:
            with_unit += 1
            rules[rule] += 1
        if dept:
            mapped += 1
            depts[dept] += 1
            if dept != OTHER:
                in_list += 1
    print(f"replies: {n}")
    print(f"with a unit read:            {with_unit:5d}  {with_unit / n:.1%}")
    print(f"mapped (department or other): {mapped:5d}  {mapped / n:.1%}")
    print(f"mapped to an office department: {in_list:5d}  {in_list / n:.1%}")
    print("rule that fired: " + ", ".join(f"{k} {v}" for k, v in rules.most_common()))
    print("departments:")
    for d, c in depts.most_common():
        print(f"  {d:8s} {c:5d}  {c / n:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
