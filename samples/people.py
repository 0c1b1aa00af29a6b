"""Fictional petitioners: names, valid 身份证号, phones, addresses, and how people write them down.

WHY the "as written" variants: real letters write the same number with spaces, full-width digits, a
slip of the pen or not at all, and the repeat-filing detector must cope; the truth keeps the real value.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from xinfang.core.idcard import make

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN_M = ["建国", "国强", "志刚", "永红", "海涛", "卫东", "德胜", "富贵", "长林", "春生", "金海", "振华", "明亮", "庆丰", "立新", "宝山", "学文", "继光", "广田", "树林", "玉成", "连生", "满仓", "文军", "红旗", "少华", "俊杰", "家豪", "子涵", "浩然", "伟", "勇", "军", "强", "磊", "斌", "刚", "杰", "鹏", "超", "涛", "辉", "峰"]
GIVEN_F = ["秀英", "桂兰", "玉梅", "春花", "淑珍", "凤霞", "丽娟", "翠萍", "秋菊", "红梅", "美玲", "金凤", "素芬", "小燕", "晓红", "雪梅", "海燕", "玉兰", "桂芝", "彩云", "欣怡", "梓萱", "静", "丽", "敏", "艳", "芳", "娟", "霞", "燕", "萍", "洁"]
ROADS = ["人民路", "解放路", "建设路", "青年路", "文化路", "育才街", "胜利街", "滨河路", "中山路", "光明路", "和平路", "新华街"]
CADRE_TITLES = ("村党支部书记", "村委会主任", "村会计", "{t}副镇长", "{t}党委副书记", "{t}民政所所长",
                "{t}国土所所长", "{t}财政所所长", "村支书", "村主任", "{t}包村干部", "县某局副局长")
PLACES_FILE = Path(__file__).resolve().parent / "places.json"


@lru_cache(maxsize=1)
def places() -> dict:
    """The fictional county (清河县) and its townships and villages."""
    return json.loads(PLACES_FILE.read_text(encoding="utf-8"))


def pick_place(rng: random.Random) -> tuple[str, str]:
    """A (township, village/community) pair."""
    town = rng.choice(places()["townships"])
    return town["name"], rng.choice(town["villages"])


def make_name(rng: random.Random, female: bool | None = None) -> tuple[str, bool]:
    """A plausible full name and whether it is a woman's."""
    female = rng.random() < 0.42 if female is None else female
    given = rng.choice(GIVEN_F if female else GIVEN_M)
    return rng.choice(SURNAMES) + given, female


def make_id_number(rng: random.Random, female: bool) -> str:
    """A valid 18-digit number in the county's region; the sequence's last digit encodes sex (odd = man)."""
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 62))
    seq = rng.randrange(0, 999)
    seq = seq - seq % 2 + (0 if female else 1)
    region = places()["region_code"]
    return make(region, born, seq)


def make_phone(rng: random.Random) -> str:
    """An 11-digit mainland mobile number."""
    prefix = rng.choice(("130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155",
                         "156", "158", "159", "176", "177", "180", "181", "182", "185", "186", "187", "188",
                         "189", "199"))
    return prefix + f"{rng.randrange(10**8):08d}"


def make_address(rng: random.Random, town: str, village: str) -> str:
    """Home address: a house in a village, or a street address in a town community."""
    county = places()["county"]
    if village.endswith("社区"):
        return f"{county}{town}{rng.choice(ROADS)}{rng.randrange(1, 300)}号{village}"
    return f"{county}{town}{village}{rng.randrange(1, 12)}组{rng.randrange(1, 80)}号"


def make_person(rng: random.Random, person_id: str, town: str | None = None, village: str | None = None) -> dict:
    """One petitioner with consistent sex, ID number, phone and address."""
    if town is None or village is None:
        town, village = pick_place(rng)
    name, female = make_name(rng)
    return {"person_id": person_id, "name": name, "female": female, "id_number": make_id_number(rng, female),
            "phone": make_phone(rng), "address": make_address(rng, town, village), "town": town,
            "village": village}


def make_cadre(rng: random.Random, town: str) -> str:
    """An official as a letter names them: title and a name, often half-hidden (王某某)."""
    title = rng.choice(CADRE_TITLES).format(t=town)
    surname = rng.choice(SURNAMES)
    name = rng.choice((surname + "某", surname + "某某", make_name(rng)[0]))
    return title + name


FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def _wrong_digit(rng: random.Random, value: str) -> str:
    pos = rng.randrange(len(value) - 1)
    digit = str((int(value[pos]) + rng.randrange(1, 10)) % 10)
    return value[:pos] + digit + value[pos + 1:]


def write_id(rng: random.Random, value: str, style: str) -> str:
    """The 身份证号 as it appears in a letter for a style: plain, spaced, fullwidth, wrong, missing."""
    if style == "plain":
        return value
    if style == "spaced":
        return f"{value[:6]} {value[6:14]} {value[14:]}" if rng.random() < 0.5 else \
            " ".join(value[i:i + 4] for i in range(0, 18, 4))
    if style == "fullwidth":
        return value.translate(FULLWIDTH)
    if style == "wrong":
        return _wrong_digit(rng, value)
    return ""


def write_phone(rng: random.Random, value: str, style: str) -> str:
    """The phone number as written: plain, dashed/spaced, fullwidth, wrong digit, missing."""
    if style == "plain":
        return value
    if style == "spaced":
        sep = rng.choice(("-", " "))
        return f"{value[:3]}{sep}{value[3:7]}{sep}{value[7:]}"
    if style == "fullwidth":
        return value.translate(FULLWIDTH)
    if style == "wrong":
        return _wrong_digit(rng, value)
    return ""


def pick_style(rng: random.Random, weights: tuple[float, float, float, float, float]) -> str:
    """One of plain/spaced/fullwidth/wrong/missing by weights."""
    return rng.choices(("plain", "spaced", "fullwidth", "wrong", "missing"), weights=weights)[0]
