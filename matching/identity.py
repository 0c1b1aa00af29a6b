"""Who wrote a letter, as index keys: 身份证号, phone, and name with place (fuzzy), for every signer.

A key is a short string such as ``id:371523198001011234`` or ``nv:张*明@柳林镇``. Two letters that share
a key are candidates for 同人; `compare` then says which identity matched, in words a clerk reads.
Names are matched fuzzily by a substitution neighbourhood: a 3-character name yields ``*三明``, ``张*明``,
``张三*``, so two names one character apart share exactly one key without scanning the registry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from xinfang.core.idcard import repair

_PHONE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")
_FULLWIDTH = str.maketrans("０１２３４５６７８９－", "0123456789-")
_NAME_NOISE = re.compile(r"[\s·•.\-—_:：,，。()（）]+")
_PLACE_SUFFIX = re.compile(r"(街道办事处|街道|社区|居委会|村委会|村|镇|乡|小区)$")
_ADDRESS_PLACE = re.compile(r"[\u4e00-\u9fff]{2,4}?(?:街道|镇|乡|村|社区)")
_ANONYMOUS_NAMES = {"匿名", "无名氏", "知情人", "群众", "一群众", "知情群众", "一村民", "村民"}


def normalize_phone(raw: object) -> str | None:
    """Digits of a mobile (11 digits) or landline number; full-width digits and spaces folded."""
    if not raw:
        return None
    text = re.sub(r"[\s\-()（）]", "", str(raw).translate(_FULLWIDTH))
    text = text.removeprefix("+86").removeprefix("86") if len(text) > 11 else text
    found = _PHONE.search(text) or _LANDLINE.search(text)
    return found.group(0).replace("-", "") if found else None


def normalize_id(raw: object) -> str | None:
    """A valid 身份证号, repaired when the check digit determines one misread character; else None.

    An invalid number is dropped rather than indexed: a wrong number would merge two people's histories.
    """
    if not raw:
        return None
    result = repair(str(raw))
    return result.value if result.valid else None


def normalize_name(raw: object) -> str | None:
    """A person's name without spaces or punctuation; None for anonymous signatures and non-names."""
    if not raw:
        return None
    name = _NAME_NOISE.sub("", str(raw))
    if not (2 <= len(name) <= 4) or not all("\u4e00" <= ch <= "\u9fff" for ch in name):
        return None
    return None if name in _ANONYMOUS_NAMES else name


def normalize_place(raw: object) -> str | None:
    """A township or village name without its 镇/乡/村 suffix, so 大王庄 and 大王庄村 agree."""
    if not raw:
        return None
    text = re.sub(r"\s+", "", str(raw))
    stripped = _PLACE_SUFFIX.sub("", text)
    return stripped if len(stripped) >= 2 else text or None


def name_variants(name: str) -> list[str]:
    """The name itself plus each one-character wildcard: shared by names one substitution apart."""
    return [name] + [name[:i] + "*" + name[i + 1:] for i in range(len(name))]


@dataclass
class Person:
    """One signer of a letter (the petitioner or a co-signer), normalised."""

    name: str | None = None
    id_number: str | None = None
    phone: str | None = None
    places: list[str] = field(default_factory=list)
    role: str = "petitioner"  # petitioner | cosigner | principal (the relative a writer speaks for)

    def index_keys(self) -> list[str]:
        found = []
        if self.id_number:
            found.append(f"id:{self.id_number}")
        if self.phone:
            found.append(f"ph:{self.phone}")
        if self.name:
            found.append(f"n:{self.name}")  # the name alone: weak, needs the text to agree strongly
            for place in self.places:
                found.extend(f"nv:{variant}@{place}" for variant in name_variants(self.name))
        return found

    @property
    def empty(self) -> bool:
        return not (self.name or self.id_number or self.phone)


@dataclass
class Identity:
    """Everyone who signed a letter, and for an anonymous report the party complained about."""

    people: list[Person]
    accused: list[str]
    anonymous: bool

    def index_keys(self) -> list[tuple[str, int]]:
        """(key, index of the person in `people` or -1 for an accused-party key)."""
        found: list[tuple[str, int]] = []
        for index, person in enumerate(self.people):
            found.extend((key, index) for key in person.index_keys())
        if self.anonymous:
            found.extend((f"acc:{party}", -1) for party in self.accused)
        seen: set[str] = set()
        return [(k, i) for k, i in found if not (k in seen or seen.add(k))]

    def to_json(self) -> dict:
        return {"people": [{"name": p.name, "id_number": p.id_number, "phone": p.phone, "places": p.places,
                            "role": p.role} for p in self.people],
                "accused": self.accused, "anonymous": self.anonymous}

    @classmethod
    def from_json(cls, data: dict) -> Identity:
        return cls([Person(**p) for p in data.get("people", [])], list(data.get("accused", [])),
                   bool(data.get("anonymous")))


def _value(fields: dict, key: str) -> object:
    item = fields.get(key)
    if isinstance(item, dict):
        return item.get("value")
    return item


def _places(fields: dict, address: object, known_places: list[str]) -> list[str]:
    """Township and village of the petitioner: from the fields, or found by name inside the address."""
    found: list[str] = []
    for key in ("township", "village"):
        place = normalize_place(_value(fields, key))
        if place:
            found.append(place)
    if address:
        text = str(address)
        found.extend(place for place in known_places if _in_address(place, text))
        if not known_places:  # no gazetteer: the township and village as the address writes them
            found.extend(p for p in (normalize_place(m.group(0)) for m in _ADDRESS_PLACE.finditer(text)) if p)
    seen: set[str] = set()
    return [p for p in found if not (p in seen or seen.add(p))]


_COUNTY_AFTER = re.compile(r"[县市区省]")


def _in_address(place: str, address: str) -> bool:
    """The township or village is in the address, not only as the county or city of the same name
    (清河镇 is not in 清河县城关镇…): every address of the county starts with the county's name."""
    start = address.find(place)
    while start >= 0:
        after = address[start + len(place):start + len(place) + 1]
        if not _COUNTY_AFTER.match(after):
            return True
        start = address.find(place, start + 1)
    return False


_PEOPLE_AT_LARGE = ("群众", "村民", "百姓", "居民", "老人", "乡亲", "乡亲们", "大家", "人们")


def normalize_party(raw: object) -> str | None:
    """The party complained about (a person or a unit), compact, for an exact key; None for people at
    large (反映问题的群众, 村民): the writers' own side, shared by any two reports of that kind."""
    if not raw:
        return None
    text = re.sub(r"[\s，,。、“”\"'（）()]", "", str(raw))
    if len(text) < 2 or text.endswith(_PEOPLE_AT_LARGE):
        return None
    return text[:40]


def letter_identity(fields: dict | None, *, id_number: object = None, phone: object = None,
                    name: object = None, known_places: list[str] | None = None) -> Identity:
    """Build the identity of a letter from the extracted fields and the letter's searchable columns."""
    fields = fields or {}
    known = known_places or []
    address = _value(fields, "address")
    places = _places(fields, address, known)
    main = Person(name=normalize_name(name) or normalize_name(_value(fields, "name")),
                  id_number=normalize_id(id_number) or normalize_id(_value(fields, "id_number")),
                  phone=normalize_phone(phone) or normalize_phone(_value(fields, "phone")), places=places)
    people = [] if main.empty else [main]
    cosigners = _value(fields, "cosigners") or []
    for item in cosigners if isinstance(cosigners, list) else []:
        if isinstance(item, dict):
            person = Person(name=normalize_name(item.get("name")), id_number=normalize_id(item.get("id_number")),
                            phone=normalize_phone(item.get("phone")), places=places, role="cosigner")
        else:
            person = Person(name=normalize_name(item), places=places, role="cosigner")
        if not person.empty:
            people.append(person)
    behalf = fields.get("name", {}).get("on_behalf_of") if isinstance(fields.get("name"), dict) else None
    principal = normalize_name((behalf or {}).get("value"))
    if principal and people and principal != main.name:
        people.append(Person(name=principal, places=places, role="principal"))
    accused_raw = _value(fields, "accused")
    accused_list = accused_raw if isinstance(accused_raw, list) else [accused_raw]
    accused = [p for p in (normalize_party(a.get("name") if isinstance(a, dict) else a) for a in accused_list) if p]
    anonymous = bool(_value(fields, "anonymous")) or not people
    return Identity(people, accused, anonymous)


KEY_REASONS = {"id": "身份证号相同", "ph": "手机号相同", "nv": "姓名+地址相近", "acc": "匿名件：被反映对象相同"}


def compare(new: Identity, old: Identity) -> tuple[str, float, str] | None:
    """Which identity two letters share, as (reason, strength 0..1, who); None when nobody is shared.

    The 身份证号 is decisive; a phone is strong (a family may share one); a name one character off in
    the same township is weaker, so `decide` asks for more text agreement on it.
    """
    best: tuple[str, float, str] | None = None
    relative: tuple[str, float, str] | None = None
    for a in new.people:
        for b in old.people:
            match = _match_people(a, b)
            if match and (a.role == "principal") != (b.role == "principal"):
                # A son writing for his father: the office decides whether that is 同人; shown as a link.
                match = ("代亲属反映：" + match[0], min(match[1], 0.5))
                relative = (match[0], match[1], a.name or b.name or "")
            elif match and a.role == b.role == "principal":
                match = None
            if match and (best is None or match[1] > best[1]):
                who = a.name or b.name or ""
                if a.role == "cosigner" or b.role == "cosigner":
                    match = ("联名信共同署名人：" + match[0], match[1])
                best = (match[0], match[1], who)
    if relative and best and best[1] < 0.8:  # a family phone and a letter written for that relative
        best = relative
    if best is None and new.anonymous and old.anonymous:
        shared = set(new.accused) & set(old.accused)
        if shared:
            best = (KEY_REASONS["acc"], 0.7, sorted(shared)[0])
    return best


def _different_names(a: str | None, b: str | None) -> bool:
    """Two full names that are not one name misread (王小军 / 刘桂英; not 杨光富 / 杨光福, not 孙女士)."""
    if not a or not b or len(a) < 2 or len(b) < 2 or a[0] != b[0] and (a[0] in "老小" or b[0] in "老小"):
        return False
    if a.endswith(_TITLES) or b.endswith(_TITLES) or a[0] in "老小" or b[0] in "老小":
        return False
    return sum(x != y for x, y in zip(a, b, strict=False)) + abs(len(a) - len(b)) >= 2


_TITLES = ("先生", "女士", "大爷", "大妈", "阿姨", "师傅")


def _match_people(a: Person, b: Person) -> tuple[str, float] | None:
    if a.id_number and b.id_number:
        if a.id_number == b.id_number:
            return KEY_REASONS["id"], 1.0
        return None  # two valid, different numbers: two people, whatever the names say
    if a.phone and b.phone and a.phone == b.phone:
        if _different_names(a.name, b.name):
            return "手机号相同，姓名不同（可能是家人）", 0.6  # 电话：138…（儿子王小军）: a family phone
        return KEY_REASONS["ph"], 0.9
    if a.name and b.name and set(a.places) & set(b.places):
        cosigner = a.role == "cosigner" or b.role == "cosigner"  # a bare name among many: weak, exact only
        if a.name == b.name:
            return "姓名+地址相同", 0.6 if cosigner else 0.8
        if (not cosigner and len(a.name) == len(b.name) >= 3 and not (a.phone and b.phone)
                and sum(x != y for x, y in zip(a.name, b.name, strict=True)) == 1):
            # one character misread, unless both letters give a phone and the phones differ: two people
            return KEY_REASONS["nv"], 0.6
    if a.name and b.name and a.name == b.name and {a.role, b.role} <= {"petitioner", "principal"}:
        if a.places and b.places:
            return None  # same name, different places: two people
        return "姓名相同（一方无地址）", 0.5
    return None
