"""The office's places (乡镇/街道 and 村/社区) and matching them in a letter, abbreviations included.

People write 柳林 for 柳林镇 and 前屯 for 前屯村; the county's own name (清河县) also starts like a township
(清河镇), so it is masked first. When a 村 is found, the 乡镇 that contains it is preferred, because village
names are more specific than township abbreviations.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from xinfang.intake.fields.common import empty
from xinfang.intake.fields.common import field as make_field

_TOWN_SUFFIXES = ("街道办事处", "街道办", "街道", "镇", "乡")
_VILLAGE_SUFFIXES = ("社区居委会", "村委会", "居委会", "社区", "村")


def _short(name: str, suffixes: tuple[str, ...]) -> str | None:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


@dataclass
class Places:
    """A county's townships and villages, plus a compiled matcher for both (full and short names)."""

    county: str
    townships: dict[str, list[str]]
    province: str = ""
    city: str = ""
    region_code: str = ""
    _aliases: dict[str, tuple[str, str | None]] = field(default_factory=dict, repr=False)
    _pattern: re.Pattern | None = field(default=None, repr=False)

    @classmethod
    def from_file(cls, path: Path) -> Places:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        towns = {t["name"]: list(t.get("villages", [])) for t in data.get("townships", [])}
        return cls(county=data.get("county", ""), townships=towns, province=data.get("province", ""),
                   city=data.get("city", ""), region_code=str(data.get("region_code", "")))

    def __post_init__(self) -> None:
        aliases: dict[str, tuple[str, str | None]] = {}
        for town, villages in self.townships.items():
            for village in villages:
                aliases.setdefault(village, (town, village))
                short = _short(village, _VILLAGE_SUFFIXES)
                if short:
                    aliases.setdefault(short, (town, village))
        for town in self.townships:  # townships win a full-name tie, villages win a short-name tie
            aliases[town] = (town, None)
            short = _short(town, _TOWN_SUFFIXES)
            if short and short not in aliases:
                aliases[short] = (town, None)
        self._aliases = aliases
        self.town_shorts = {s for s in (_short(t, _TOWN_SUFFIXES) for t in self.townships) if s}
        names = sorted(aliases, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, names))) if names else None

    def find(self, text: str) -> list[dict]:
        """Every place mention: {alias, township, village, span, full}, county/city names masked."""
        if self._pattern is None:
            return []
        masked = text
        for big in (self.county, self.city, self.province):
            if big:
                masked = masked.replace(big, "#" * len(big))
        out = []
        for m in self._pattern.finditer(masked):
            town, village = self._aliases[m.group(0)]
            full = m.group(0) in (town, village)
            out.append({"alias": m.group(0), "township": town, "village": village, "span": [m.start(), m.end()],
                        "full": full})
        return out


def place_fields(text: str, places: Places | None, prefer: tuple[int, int] | None = None) -> tuple[dict, dict]:
    """(township, village) fields: a 村 and the 乡镇 containing it when found; `prefer` is the address span."""
    if places is None:
        return empty(), empty()
    hits = places.find(text)
    if not hits:
        return empty(), empty()

    def rank(h: dict) -> tuple:
        inside = prefer is not None and prefer[0] <= h["span"][0] < prefer[1]
        return (not inside, not h["full"], h["alias"] in places.town_shorts, h["span"][0])

    villages = sorted((h for h in hits if h["village"]), key=rank)
    town_hits = [h for h in hits if h["village"] is None]
    items = [{"value": h["village"] or h["township"], "span": h["span"], "confidence": 0.9 if h["full"] else 0.6}
             for h in hits]
    if villages:
        v = villages[0]
        towns_named = {h["township"] for h in town_hits}
        conf = 0.9 if v["full"] else 0.65
        if v["township"] in towns_named:
            conf = min(0.98, conf + 0.08)
            t_span = next(h["span"] for h in town_hits if h["township"] == v["township"])
        else:
            t_span = None
        town = make_field(v["township"], conf, t_span, items=items)
        village = make_field(v["village"], conf, v["span"])
        return town, village
    t = sorted(town_hits, key=rank)[0]
    town = make_field(t["township"], 0.85 if t["full"] else 0.6, t["span"], items=items)
    return town, _misread_village(text, places, t)


def _misread_village(text: str, places: Places, town_hit: dict) -> dict:
    """石内村 right after 白马乡: one character off a village of that township (an OCR misread) is accepted,
    with a low confidence and a note, when exactly one village of the township fits."""
    after = text[town_hit["span"][1]:town_hit["span"][1] + 8]
    for size in range(3, 7):
        word = after[:size]
        if not word.endswith(_VILLAGE_SUFFIXES):
            continue
        fits = [v for v in places.townships.get(town_hit["township"], [])
                if len(v) == len(word) and sum(a != b for a, b in zip(v, word, strict=True)) == 1]
        if len(fits) == 1:
            start = town_hit["span"][1]
            return make_field(fits[0], 0.55, [start, start + size], note=f"“{word}”按本乡镇村名校正为“{fits[0]}”")
    return empty()


def validate_places(data: object) -> list[str]:
    """Every problem of a places file (乡镇/街道 with their 村/社区), in Chinese; empty when it can be saved."""
    if not isinstance(data, dict):
        return ["地名数据应是一个 JSON 对象（{…}）"]
    problems = [f"“{key}”应是文字" for key in ("province", "city", "county", "region_code")
                if key in data and not isinstance(data[key], str)]
    if not str(data.get("county") or "").strip():
        problems.append("缺少本县（区）名称 county")
    code = data.get("region_code")
    if isinstance(code, str) and code and not re.fullmatch(r"\d{6}", code):
        problems.append(f"行政区划代码 region_code 应是 6 位数字，现在是“{code}”")
    townships = data.get("townships")
    if not isinstance(townships, list) or not townships:
        return [*problems, "乡镇/街道列表 townships 不能为空"]
    seen: set[str] = set()
    for position, town in enumerate(townships, 1):
        if not isinstance(town, dict) or not isinstance(town.get("name"), str) or not town["name"].strip():
            problems.append(f"第 {position} 个乡镇/街道缺少名称 name")
            continue
        name = town["name"]
        if name in seen:
            problems.append(f"乡镇/街道“{name}”重复")
        seen.add(name)
        villages = town.get("villages", [])
        if not isinstance(villages, list) or not all(isinstance(v, str) and v.strip() for v in villages):
            problems.append(f"“{name}”的村/社区 villages 应是不含空项的文字列表")
        elif len(set(villages)) != len(villages):
            problems.append(f"“{name}”的村/社区有重复")
    return problems
