"""What kind of complaint a letter makes (漏水, 欠薪, 噪音, 拆迁补偿, 违建…), from a short hand-written lexicon.

Two strangers' letters that name one rare firm or 小区 are one matter when they complain of the same thing
(both about the firm's dust, both about its unpaid wages), whatever words they use; the same firm in a
wage claim and a noise complaint is two matters. The lexicon is general petition-office vocabulary (the
kinds a clerk files under), not words taken from any letter set; a letter gets the kinds it mentions most.
"""

from __future__ import annotations

import re

# kind -> the words a writer uses for it (several ways of saying one thing; no party names, no places)
KINDS: dict[str, tuple[str, ...]] = {
    "漏水": ("漏水", "渗水", "渗漏", "漏雨", "返潮", "防水"),
    "欠薪": ("欠薪", "讨薪", "工资", "工钱", "薪水", "劳务费", "血汗钱", "农民工"),
    "工程款": ("工程款", "货款", "材料款"),
    "噪音": ("噪音", "噪声", "扰民", "吵闹", "轰鸣", "休息"),
    "污染": ("污染", "排污", "废水", "污水", "臭味", "异味", "恶臭", "粉尘", "扬尘", "灰尘", "废气", "黑烟", "浓烟", "排放"),
    "拆迁": ("拆迁", "征收", "征地", "补偿款", "安置", "强拆"),
    "违建": ("违建", "违章", "违法建", "私搭", "乱搭", "乱建", "加盖", "搭建"),
    "电梯": ("电梯",),
    "供暖": ("暖气", "供暖", "供热", "取暖"),
    "供水": ("停水", "自来水", "水压", "饮水", "吃水", "供水"),
    "供电": ("停电", "供电", "电压", "变压器", "电线"),
    "道路": ("修路", "路面", "坑洼", "坑坑洼洼", "硬化", "泥泞", "道路"),
    "办证": ("房产证", "不动产", "产权证", "办证", "土地证", "网签"),
    "交房": ("交房", "烂尾", "逾期交付", "延期交付", "停工"),
    "土地": ("宅基地", "承包地", "土地流转", "林地", "山林", "耕地", "占地", "确权"),
    "社保": ("养老保险", "社保", "养老金", "低保", "医保", "退休"),
    "入学": ("入学", "学位", "招生", "上学", "转学", "划片"),
    "采砂": ("采砂", "挖沙", "河砂", "采石", "开采", "爆破", "炸石"),
    "垃圾": ("垃圾", "清运", "垃圾站"),
    "占道": ("停车", "占道", "摊贩", "消防通道", "车位"),
    "养殖": ("养殖场", "养猪", "猪场", "鸡场", "粪便"),
    "借贷": ("集资", "借款", "诈骗", "非法吸收", "退款", "欠款", "利息"),
    "安全": ("安全隐患", "危房", "裂缝", "塌陷", "倒塌", "火灾"),
    "收费": ("乱收费", "收费", "物业费"),
    "村务": ("村务公开", "账目", "财务公开", "选举", "贪污", "挪用", "侵占"),
    "执法": ("殴打", "打人", "执法", "粗暴", "威胁"),
}
_PATTERNS = {kind: re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
             for kind, words in KINDS.items()}
TOP = 3  # a letter's kinds: the ones it mentions most (a wage letter may mention 安置 once in passing)


def kinds(text: str, top: int = TOP) -> list[str]:
    """The letter's complaint kinds, most mentioned first (ties in lexicon order), at most `top`."""
    counts = [(len(pattern.findall(text)), i, kind) for i, (kind, pattern) in enumerate(_PATTERNS.items())]
    return [kind for n, _, kind in sorted(counts, key=lambda c: (-c[0], c[1])) if n][:top]


def agreement(a: list[str], b: list[str]) -> tuple[float, float]:
    """(same kind, other kind): both letters name a kind and share one; both name kinds and share none.
    Letters that name no kind say nothing either way."""
    if not a or not b:
        return 0.0, 0.0
    shared = bool(set(a) & set(b))
    return float(shared), float(not shared)
