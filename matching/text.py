"""What a letter says, as a MinHash signature, LSH band keys, key entities and the demand.

Character 3-shingles survive rewording and OCR noise better than words (no segmentation errors, one
misread character spoils only three shingles). Identity lines (name, 身份证号, phone, address) and the
letter's fixed phrases are removed first: otherwise every letter of one person would look alike and a
person's second, different matter would pass for a repeat.
"""

from __future__ import annotations

import hashlib
import math
import re
import struct
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jieba
import numpy as np
from datasketch import MinHash

from xinfang.matching import matter
from xinfang.matching.kinds import Lexicon, kinds

NUM_PERM = 120
BANDS = 40
ROWS = NUM_PERM // BANDS  # 3 rows per band: letters with Jaccard 0.3 meet in a band with p ≈ 0.68
SHINGLE = 2
SEED = 20261123

_CJK = re.compile(r"[\u4e00-\u9fff]+")
_KEEP = re.compile(r"[\u4e00-\u9fff0-9a-zA-Z]+")
_LONG_DIGITS = re.compile(r"[0-9Xx]{7,}")
_BOILERPLATE = ("尊敬的领导", "尊敬的", "您好", "你好", "此致", "敬礼", "信访人", "反映人", "联系电话", "电话",
                "身份证号码", "身份证号", "身份证", "住址", "家庭住址", "联系地址", "姓名", "签名", "年月日",
                "特此反映", "恳请领导", "请领导", "望领导", "谢谢", "感谢")
_UNIT_SUFFIX = re.compile(r"有限责任公司|股份有限公司|有限公司|公司|集团|工厂|厂|合作社|卫生院|医院|学校|小学|中学|"
                          r"幼儿园|酒店|超市|商场|养殖场|工地|项目|小区|物业|派出所|村委会|居委会")
_UNIT_STOP = set("的了在是和与把被对向从给让将我们他她你就都也还又再村镇乡县市区里令求告请个这那该此其家到及")
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(万元|万|元|亩|平方米|平米|㎡)")
_DATE = re.compile(r"((?:19|20)\d{2})年(?:(\d{1,2})月)?")
_FULL_DATE = re.compile(r"((?:19|20)?\d{2})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*[日号]?")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_CN_DATE = re.compile(r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})[日号]")
_DEMAND_WORDS = re.compile(r"要求|请求|恳请|希望|诉求|责令|尽快|给予|退还|补发|赔偿|解决")
_CLAUSES = re.compile(r"[^。！？!?\n]+")  # one pass over the text: each clause is scanned once
_SENTENCE = re.compile(r"[^。！？!?；;\n]{6,}")


def clean_text(text: str, remove: list[str] | None = None) -> str:
    """The matter-bearing characters only: no identity strings, long numbers, punctuation or fixed phrases."""
    for value in sorted({v for v in remove or [] if v and len(v) >= 2}, key=len, reverse=True):
        text = text.replace(value, "")
    text = _LONG_DIGITS.sub("", text)
    for phrase in _BOILERPLATE:
        text = text.replace(phrase, "")
    return "".join(_KEEP.findall(text))


def shingles(cleaned: str) -> set[bytes]:
    if len(cleaned) < SHINGLE:
        return {cleaned.encode()} if cleaned else set()
    return {cleaned[i:i + SHINGLE].encode() for i in range(len(cleaned) - SHINGLE + 1)}


SCHEME = "affine32"
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def signature(cleaned: str) -> np.ndarray:
    """A MinHash of the shingles (datasketch), as uint32 values; all-max for an empty text."""
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=_PERMUTATIONS, scheme=SCHEME)
    minhash.update_batch(list(shingles(cleaned)))
    return minhash.hashvalues.astype(np.uint32)


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per band (band number mixed in), for a plain indexed BIGINT column."""
    keys = []
    for band in range(BANDS):
        chunk = sig[band * ROWS:(band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(struct.pack("<H", band) + chunk, digest_size=8).digest()
        keys.append(struct.unpack("<q", digest)[0])
    return keys


def is_empty(sig: np.ndarray) -> bool:
    return bool((sig == np.uint32(0xFFFFFFFF)).all())


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two letters' shingle sets."""
    if is_empty(a) or is_empty(b):
        return 0.0
    return float(np.count_nonzero(a == b)) / len(a)


@lru_cache(maxsize=1)
def _idf() -> tuple[dict[str, float], float]:
    """jieba's general-corpus IDF for two-character words (ships with jieba; no download)."""
    path = Path(jieba.__file__).parent / "analyse" / "idf.txt"
    table = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            word, _, value = line.partition(" ")
            if len(word) == 2:
                table[word] = float(value)
    return table, float(np.median(list(table.values()))) if table else 10.0


TERMS = 40


def terms(cleaned: str) -> dict[str, float]:
    """The letter's most telling character bigrams, weighted tf-idf: what the matter is about.

    Boilerplate (领导, 反映, 解决) has a low IDF in a general corpus, so two letters about one
    graveyard or one tour operator agree on the bigrams that matter even when every sentence differs.
    """
    table, default = _idf()
    counts: dict[str, int] = {}
    for run in _CJK.findall(cleaned):
        for i in range(len(run) - 1):
            gram = run[i:i + 2]
            counts[gram] = counts.get(gram, 0) + 1
    weights = {g: (1 + math.log(n)) * table.get(g, default) for g, n in counts.items()}
    top = sorted(weights.items(), key=lambda item: -item[1])[:TERMS]
    return {g: round(w, 1) for g, w in top}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(w * b[g] for g, w in a.items() if g in b)
    return dot / (math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values())))


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_bytes(raw: bytes) -> np.ndarray:
    return np.frombuffer(raw, dtype="<u4").astype(np.uint32)


@dataclass
class Entities:
    """Key entities of the matter: places, companies/units, amounts and years, plus the demand."""

    places: list[str]
    units: list[str]
    amounts: list[str]
    years: list[str]
    demand: str
    terms: dict[str, float] = field(default_factory=dict)
    dates: list[str] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)
    followup: bool = False
    new_matter: bool = False
    days: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # complaint kinds (`kinds.kinds`); empty on rows stored before
    people: list[str] = field(default_factory=list)  # people named with their role (`matter.role_names`); likewise
    # key names without their place word (`matter.name_variants`), kept so that re-indexing a letter computes
    # the keys it was stored with whatever jieba's dictionary holds by then; empty on rows stored before
    variants: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"places": self.places, "units": self.units, "amounts": self.amounts, "years": self.years,
                "demand": self.demand, "terms": self.terms, "dates": self.dates, "anchors": self.anchors,
                "followup": self.followup, "new_matter": self.new_matter, "days": self.days,
                "keywords": self.keywords, "kinds": self.kinds, "people": self.people, "variants": self.variants}

    @classmethod
    def from_json(cls, data: dict) -> Entities:
        return cls(list(data.get("places", [])), list(data.get("units", [])), list(data.get("amounts", [])),
                   list(data.get("years", [])), str(data.get("demand", "")), dict(data.get("terms", {})),
                   list(data.get("dates", [])), list(data.get("anchors", [])), bool(data.get("followup")),
                   bool(data.get("new_matter")), list(data.get("days", [])), list(data.get("keywords", [])),
                   list(data.get("kinds", [])), list(data.get("people", [])), list(data.get("variants", [])))


def _unique(items: list[str], limit: int = 12) -> list[str]:
    seen: set[str] = set()
    return [x for x in items if not (x in seen or seen.add(x))][:limit]


def entities(text: str, known_places: list[str], remove: list[str] | None = None, cleaned: str = "",
             lexicon: Lexicon | None = None) -> Entities:
    """The entities a same-matter letter shares even when reworded by someone else. `lexicon`: the office's
    complaint kinds (`kinds.of_office`; the starter's when None)."""
    body = text
    for value in remove or []:
        if value and len(value) >= 2:
            body = body.replace(value, "")
    body = _LONG_DIGITS.sub("", body)
    places = [p for p in known_places if p in body]
    units = units_in(body)
    amounts = [f"{float(n):g}{unit.replace('万元', '万')}" for n, unit in _AMOUNT.findall(body)]
    years = [y for y, _ in _DATE.findall(body)]
    demand = demand_text(body)
    found = Entities(_unique(places), _unique(units), _unique(amounts), _unique(years), demand, terms(cleaned),
                     full_dates(text), matter.anchors(body), matter.followup(text), matter.new_matter(text),
                     matter.month_days(text), matter.keywords(body), kinds(body, lexicon), matter.role_names(body))
    found.variants = matter.name_variants(matter.keyed_names(found.anchors, found.units))
    return found


def demand_text(body: str, limit: int = 200) -> str:
    """The clauses that say what the writer wants (要求…, 请求…), in order, at most `limit` characters."""
    out: list[str] = []
    size = 0
    for match in _CLAUSES.finditer(body):
        clause = match.group(0)
        if _DEMAND_WORDS.search(clause):
            out.append(clause)
            size += len(clause)
            if size >= limit:
                break
    return "".join(out)[:limit]


def units_in(body: str) -> list[str]:
    """Names of companies, schools, sites ...: the words before a unit suffix, back to a function word.

    The suffix itself is dropped (宏达化工厂 and 宏达化工有限公司 are the same factory to a villager).
    """
    found = []
    for match in _UNIT_SUFFIX.finditer(body):
        start = match.start()
        core = body[matter.name_start(body, start, 8, _UNIT_STOP):start]
        if len(core) >= 2:
            found.append(core)
    return found


def _cn_number(text: str) -> int:
    if "十" not in text:
        return int(text.translate(_CN_DIGITS))
    tens, _, ones = text.partition("十")
    return (int(tens.translate(_CN_DIGITS)) if tens else 1) * 10 + (int(ones.translate(_CN_DIGITS)) if ones else 0)


def full_dates(text: str) -> list[str]:
    """Every day-precise date in the letter (2022-12-27, 22年12月29号, 二〇二三年六月十六日), as ISO.

    A repeat letter usually cites the date of the earlier one ("我于2022年12月27日曾来信反映"), and
    that date is the earlier letter's own date: a sharp signal that rewording cannot blur.
    """
    found: list[tuple[int, str]] = []
    for match in _FULL_DATE.finditer(text):
        year, month, day = match.groups()
        y = int(year) + (2000 if len(year) == 2 else 0)
        if 1 <= int(month) <= 12 and 1 <= int(day) <= 31 and 1990 <= y <= 2100:
            found.append((match.start(), f"{y:04d}-{int(month):02d}-{int(day):02d}"))
    for match in _CN_DATE.finditer(text):
        year, month, day = match.groups()
        try:
            y, m, d = int(year.translate(_CN_DIGITS)), _cn_number(month), _cn_number(day)
        except ValueError:
            continue
        if 1 <= m <= 12 and 1 <= d <= 31:
            found.append((match.start(), f"{y:04d}-{m:02d}-{d:02d}"))
    found = [date for _, date in sorted(found)]
    return _unique(found, 8)


def cited_dates(dates: list[str]) -> set[str]:
    """The dates a letter mentions besides its own date (the last one, where it is signed)."""
    return set(dates[:-1]) - {dates[-1]} if len(dates) > 1 else set()


def cites(new: Entities, old: Entities) -> bool:
    """The new letter names the earlier letter's own date: in full, or as month and day (我3月19日反映…)."""
    if cited_dates(new.dates) & set(old.dates):
        return True
    own = old.dates[-1][5:] if old.dates else (old.days[-1] if old.days else None)
    cited = set(new.days[:-1]) if new.days and new.dates == [] else set(new.days)
    if new.dates:
        cited.discard(new.dates[-1][5:])
    return bool(own and own in cited)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text or "") if len(s.strip()) >= 6]
