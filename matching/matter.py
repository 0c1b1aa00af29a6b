"""The facts of a matter that survive rewording: named places and units, codes, and what the writer says
about the letter's history.

A second letter of one person is shorter, angrier and in another order, but it names the same 小区, village,
road, bus line, company or boss, and usually says that it is a follow-up ("上次反映后至今没人管", "一月份写过信").
A letter that says it is about something else ("这回不是电梯的事", "想问个别的事") is not a repeat even when it
names the earlier matter's place; "这不是钱的事，是理的事" (it is the principle) and "不更新的问题" say no such thing. Everything here is linear in the text and bounded by `MAX_CHARS`.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

import jieba

MAX_CHARS = 20_000  # the matter is stated in a letter's first pages; attachments beyond do not change it

_NAMED_SUFFIX = ("小区", "花园", "家园", "华府", "华苑", "名苑", "公寓", "大厦", "广场", "新城", "安置房", "社区", "村",
                 "组", "街道", "大道", "路", "街", "巷", "胡同", "号院", "家属院", "宿舍", "有限公司", "公司", "集团",
                 "合作社", "化工", "厂", "矿", "煤矿", "砖厂", "采石场", "养殖场", "学校", "小学", "中学", "幼儿园",
                 "医院", "卫生院", "卫生室", "工地", "项目", "市场", "景区", "园区", "车站", "酒店", "茶楼", "超市",
                 "物业", "驾校", "银行", "河", "渠", "水库", "桥", "站", "苑", "城")
_SUFFIX_RE = re.compile("|".join(sorted(map(re.escape, _NAMED_SUFFIX), key=len, reverse=True)))
_SUFFIX_AT_END = re.compile(f"(?:{_SUFFIX_RE.pattern})$")
_STOP = set("的了在是和与把被对向从给让将我们他她你就都也还又再令求告请个这那该此其家到及说没有不去来要给叫于住位近旁边"
            "县市区省镇乡里个一拆建修占挖关开办拨欠找问反映")
_GENERIC = {"小区", "社区", "村里", "我们村", "本村", "该村", "全村", "村组", "公司", "物业公司", "物业", "工地", "项目",
            "学校", "医院", "市场", "厂", "工厂", "该公司", "这个厂", "那个厂", "街道", "马路", "道路", "这条路",
            "开发商", "小组", "车站", "银行", "派出所", "居委会", "村委会", "安置房", "老小区", "各村", "邻村",
            "附近村", "周边村", "农村", "乡村", "城市", "城", "站", "河", "桥", "苑", "家属院", "宿舍"}
_CODE = re.compile(r"[〔\[（(]\s*(?:19|20)\d{2}\s*[〕\]）)]\s*\d{1,4}\s*号|[A-Za-z]{0,3}\d{1,4}(?:路|号楼|栋|号线|路公交|路车)|"
                   r"[A-Z]{1,3}\d{2,6}")
_ROLE_NAME = re.compile(r"(?:包工头|老板|经理|法官|书记|支书|主任|村长|镇长|乡长|会计|队长|组长|站长|校长|院长|医生|"
                        r"老师|民警|所长|开发商|承包人|负责人|被执行人|对方)[是叫]?([\u4e00-\u9fff]{2,3})")
FOLLOWUP = re.compile(r"再次|又一次|多次(?:反映|来信|反应|投诉|上访)|上次|上回|前次|曾(?:经)?(?:来信|反映|写信|留言)|"
                      r"写过信|写过一封|写了[两二三几]|(?:反映|反应|投诉|来信|留言|写信)过|第[二三四五两]次|第[二三四五两]回|"
                      r"[0-9一二三四五六七八九十]{1,2}月(?:份|初|中旬|底|[0-9]{1,2}[日号]|[一二三四五六七八九十]{1,3}[日号])?"
                      r"[^，。\n]{0,6}?(?:写|来信|寄|递|反映|反应|留言|申诉|投诉)|我就(?:写|给你们写)|年前|至今(?:没|未|无|仍|还)|仍(?:然)?未|"
                      r"还是没|一直没(?:人|有人)|没人(?:管|理|回)|没有(?:任何)?(?:人|回音|答复|回复|下文)|"
                      r"(?:答复|回复|处理)(?:意见)?不满意|继续反映|再反映|又来|追问|催办|督办|跟进")
NEW_MATTER = re.compile(r"(?:这回|这次|今天|现在|此次)(?:不是|想问(?:个|一下)?别的|说个别的|换个)|别的事|另外一件事|"
                        r"另一件事|另一个问题|另外一个问题|不是(?:上次|之前|原来)?[\u4e00-\u9fff]{1,8}的事(?![，,]?是[\u4e00-\u9fff]{1,2}的事)|"
                        r"(?<!更)新的问题|"
                        r"(?:后来|已经)[\u4e00-\u9fff]{0,12}(?:把钱要到了|解决了|处理好了|落实了)")
_ADMIN = re.compile(r"街道|社区|县|市|区|镇|乡|村|组|路|街|号")
_CN_NUM = "一二三四五六七八九十"
_MONTH_DAY = re.compile(rf"(?<![0-9])([0-9]{{1,2}}|[{_CN_NUM}]{{1,3}})月([0-9]{{1,2}}|[{_CN_NUM}]{{1,3}})[日号]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


@lru_cache(maxsize=1)
def _idf_all() -> dict[str, float]:
    """jieba's IDF table (ships with jieba): rarer words name a matter better than common ones."""
    path = Path(jieba.__file__).parent / "analyse" / "idf.txt"
    table: dict[str, float] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            word, _, value = line.partition(" ")
            table[word] = float(value)
    return table


def idf(word: str) -> float:
    """How telling an anchor is: unknown words (names of places, people, firms) count the most."""
    return _idf_all().get(word, 12.0)


def name_start(text: str, end: int, longest: int, stop: set[str], words: bool = False) -> int:
    """Where a name that ends at `end` (before its suffix) starts: back over Chinese characters to a function
    word, at most `longest` characters.

    With `words`, a stop character that opens a word with the characters already in the name does not end it:
    firms' registered names hold words starting with the verbs and nouns the scan stops on (恒泰新型|建材,
    鑫源|再生塑料颗粒, 房地产|开发), which the scan cut into a stray character (材) or a broken name (生塑料颗粒).
    Such a name is a firm's long registered name, so it may run to `LONG_NAME` characters; the ordinary words
    that longer scan picks up before the name are left to `_trim` and `_common_start`."""
    i = end
    while i > 0 and "\u4e00" <= text[i - 1] <= "\u9fff":
        if text[i - 1] in stop:
            if not (words and i < end and _opens_word(text, i - 1, end)):
                break
            longest = max(longest, LONG_NAME)
        elif end - i >= longest:
            break
        i -= 1
    return i


LONG_NAME = 8  # 鑫源再生塑料颗粒: a registered firm name before its suffix rarely runs longer


def _opens_word(text: str, at: int, end: int) -> bool:
    """The character at `at` is part of a word that runs on into the name `text[at + 1:end]` (as jieba cuts
    the text: 王家|坪, 建|材, 新型建|材) and belongs to the name, not a function word before it (在|宏达,
    现在|建材, 这|条路, 一条|路, 我们|村, 不顺|路) nor an administrative place word (县城, 省政府).

    A rare proper name (王家坪, 向阳) belongs to the name. An ordinary noun or verb does only where a firm's
    registered name holds it: nouns alone follow it (再生|塑料颗粒, 建筑|劳务), or it is the trade
    the firm's name ends in (新型建材|有限公司, 房地产开发|有限公司). A word of the sentence is followed by
    the name it speaks of (开通|周楠中学, 拆除|原水泥厂), by more words of the sentence (不能|享受|村, 建模|为何|社区)
    or makes a place of itself (依纪严肃办理|村)."""
    if text[at] in _AREA_CHARS:
        return False
    start = max(0, at - 3)
    pos = start
    tokens = jieba.lcut(text[start:end], HMM=False)
    for k, token in enumerate(tokens):
        if pos <= at < pos + len(token):
            tag = _tag(token)
            if pos + len(token) == at + 1 or tag[:1] not in ("n", "v", "s", "j"):
                return False
            rest = tokens[k + 1:]
            if tag[:2] in ("nr", "ns", "nz"):
                return idf(token) >= COMMON_IDF  # not 开元 of 开元东路: `_common_start` would drop the name
            nouns = all(len(t) > 1 and (_tag(t)[:1] == "n" or _tag(t) == "vn") for t in rest)
            return nouns and bool(rest or _FIRM_END.match(text, end))
        pos += len(token)
    return False


_AREA_CHARS = frozenset("县市区省镇乡")
_FIRM_END = re.compile("有限公司|公司|集团|厂")


@lru_cache(maxsize=1)
def pos_tags() -> dict[str, str]:
    """jieba's part-of-speech dictionary (word -> tag: n noun, nr/ns/nt/nz names, v verb, r pronoun, m numeral,
    ...), loaded once for the name scan and pair scoring (`score._broken`)."""
    import jieba.posseg

    jieba.posseg.dt.initialize()
    return dict(jieba.posseg.dt.word_tag_tab)


def _tag(word: str) -> str:
    return pos_tags().get(word, "x")


def _named(text: str) -> list[str]:
    """小区/村/road/company names: the characters before a suffix, back to a function word, with the suffix."""
    found: list[str] = []
    for match in _SUFFIX_RE.finditer(text):
        start = match.start()
        core = text[name_start(text, start, 5, _STOP, words=True):start]
        cut = _ADMIN.search(core)  # 前进街道锦绣家园: the name starts after the last administrative word
        while cut:
            core = core[cut.end():]
            cut = _ADMIN.search(core)
        core = _trim(core)
        if len(core) < 2 or _common_start(core):
            continue
        whole = core + match.group(0)
        if whole in _GENERIC or core in _GENERIC:
            continue
        found.append(whole)
        found.append(core)
    return found


def _trim(core: str) -> str:
    """Drop the ordinary words a backward scan picks up before a name (他老婆名下|滨河苑, 前年|工业园区)."""
    tokens = jieba.lcut(core, HMM=False)
    while len(tokens) > 1 and len("".join(tokens[1:])) >= 2 and _leading_filler(tokens):
        tokens.pop(0)
    return "".join(tokens)


def _common_start(core: str) -> bool:
    """The name still starts with an ordinary word (时候|村, 非法|采|矿, 起进|厂): not a name at all."""
    first = jieba.lcut(core, HMM=False)[0]
    return len(first) > 1 and idf(first) < COMMON_IDF


# Common surnames: a person named with a role (包工头耿二虎) starts with one (老板在外地… does not).
_SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
                "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
                "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季")


def _leading_filler(tokens: list[str]) -> bool:
    """A common word, a function character, or a stray character before a common word (婆|名下|滨河)."""
    first = tokens[0]
    if len(first) > 1:
        return idf(first) < COMMON_IDF
    return first in _LEAD_CHARS or (len(tokens[1]) > 1 and idf(tokens[1]) < COMMON_IDF)


COMMON_IDF = 9.0
_LEAD_CHARS = set("地在的了是把被给向从于对和与及将说找到去来得着过他她它这那其该年月日号起")


def anchors(text: str, remove: list[str] | None = None) -> list[str]:
    """The named things of a letter (places, units, codes, people named with their role), deduplicated.

    The writer's own name, numbers and address are removed first (`remove`): they say who, not what.
    """
    body = text[:MAX_CHARS]
    for value in remove or []:
        if value and len(value) >= 2:
            body = body.replace(value, " ")
    found = _named(body)
    found += [re.sub(r"\s", "", m.group(0)) for m in _CODE.finditer(body)]
    found += role_names(body)
    return list(dict.fromkeys(found))[:40]


def role_names(text: str) -> list[str]:
    """People named with their role (包工头耿二虎, 村支书王德才): the person complained about, who stays the same
    when a writer tells the matter again in other words."""
    return list(dict.fromkeys(m.group(1) for m in _ROLE_NAME.finditer(text[:MAX_CHARS]) if m.group(1)[0] in _SURNAMES))


def key_anchors(found: list[str], limit: int = 6) -> list[str]:
    """The anchors worth an index key: whole names with their suffix (白岩村, 锦绣家园), rarest first."""
    named = [a for a in found if len(a) >= 3 and _SUFFIX_RE.search(a[-4:]) and a not in _GENERIC]
    return sorted(dict.fromkeys(named), key=lambda a: -idf(a))[:limit]


def keyed_names(found: list[str], units: list[str]) -> list[str]:
    """The places and units a letter is indexed by (`features.index_keys`): its key anchors, then its first
    unit names; eight at most."""
    return list(dict.fromkeys(key_anchors(found) + units[:3]))[:8]


def name_variants(found: list[str], limit: int = 2) -> list[str]:
    """Key names without the place word a writer puts before a firm or 小区 (滨河|鑫泰化工 -> 鑫泰化工): one
    neighbour writes the firm's registered name, another the name the village calls it by. Pair scoring
    already takes them as one name (`anchor_overlap`); the index must also bring the two letters together.
    What is left must still be a name: not an ordinary word (阳光|花园小区, 第一|人民医院) nor a kind of place."""
    out: list[str] = []
    for name in found:
        suffix = _SUFFIX_AT_END.search(name, max(0, len(name) - 4))
        if not suffix:
            continue
        tokens = jieba.lcut(name[:suffix.start()], HMM=False)
        rest = "".join(tokens[1:])
        variant = rest + suffix.group(0)
        if (len(tokens) > 1 and len(tokens[0]) > 1 and len(rest) >= 2 and idf(variant) >= NAME_IDF
                and not _common_start(rest) and rest not in _GENERIC and variant not in _GENERIC):
            out.append(variant)
    return list(dict.fromkeys(v for v in out if v not in found))[:limit]


NAME_IDF = 11.0  # rarer than any ordinary word (农贸市场, 公交站): a proper name, safe to find inside another


def followup(text: str) -> bool:
    """The letter says it follows an earlier one (再次反映, 一月份写过信, 至今没人管)."""
    return bool(FOLLOWUP.search(text[:MAX_CHARS]))


def new_matter(text: str) -> bool:
    """The letter says it is about something other than before (这回不是电梯的事, 想问个别的事)."""
    return bool(NEW_MATTER.search(text[:MAX_CHARS]))


def _number(raw: str) -> int:
    if raw.isdigit():
        return int(raw)
    digits = {c: i + 1 for i, c in enumerate(_CN_NUM[:9])}
    if "十" not in raw:
        return digits.get(raw, 0)
    tens, _, ones = raw.partition("十")
    return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)


def month_days(text: str) -> list[str]:
    """Every month-day the letter names (3月19日, 三月五号, 4月8号) as MM-DD, in order: a follow-up cites
    the day of the earlier letter, often without its year."""
    found = []
    for m in _MONTH_DAY.finditer(text[:MAX_CHARS]):
        month, day = _number(m.group(1)), _number(m.group(2))
        if 1 <= month <= 12 and 1 <= day <= 31:
            found.append(f"{month:02d}-{day:02d}")
    return found[:20]


KEYWORDS = 60          # words kept per letter (most telling first); the index stores them
KEYWORD_MIN_IDF = 7.0  # rarer than this in a general corpus: 罗巷, 养老金, 变电站; not 领导, 问题, 解决
KEYWORD_TOP = 20       # the words of a letter looked for in the other's keywords
_KEYWORD = re.compile(r"^[0-9A-Za-z]*[\u4e00-\u9fff]{2,}[0-9A-Za-z]*$|^[A-Za-z]{2,}[0-9]*$")
_KEYWORD_STOP = frozenset({"领导", "您好", "你好", "反映", "问题", "要求", "希望", "请问", "谢谢", "相关", "部门", "政府", "我们",
                           "他们", "现在", "没有", "什么", "这个", "那个", "已经", "一个", "因为", "所以", "但是", "可是", "如果",
                           "还是", "这样", "怎么", "为什么", "情况"})
# The form of a letter, not its matter: salutation, closing, signature and identity labels, the bureau it is
# sent to. Any two letters of one writer share them (此致敬礼, 住址, 身份证号, 现将…反映如下).
_LETTER_FORM = frozenset({"此致", "敬礼", "此致敬礼", "具名", "署名", "落款", "住址", "地址", "家住", "身份证", "身份证号",
                          "身份证号码", "公民身份", "号码", "手机", "手机号", "电话", "联系电话", "联系方式", "信访人",
                          "反映人", "来信人", "信访局", "信访", "尊敬", "负责同志", "现将", "如下", "恳请", "拜托", "盼望",
                          "早日", "答复", "回复", "百忙之中", "特此", "来信"})
_DATE_WORD = re.compile(rf"^[{_CN_NUM}〇零两0-9]+[年月日号]$|^[{_CN_NUM}〇零两0-9]*[年月]?[{_CN_NUM}〇零两0-9]+[日号]$")


_ADMIN_WORD = re.compile(r"(?:省|市|县|区|镇|乡|街道)$")  # where a writer lives or writes to, not what about


def keywords(body: str, limit: int = KEYWORDS) -> list[str]:
    """The letter's rarer words, most telling first (tf-idf with jieba's IDF): what the matter is about.

    A second letter of one person keeps few sentences but many of these words (the 集镇 it asks about, the
    养老金 it wants raised, the 变电站 it opposes), in any order and whatever else it adds; another matter
    of the same person shares only the writer's own place words.
    """
    counts: dict[str, int] = {}
    for word in jieba.lcut(body[:MAX_CHARS]):
        if len(word) >= 2 and _KEYWORD.match(word) and _telling(word):
            counts[word] = counts.get(word, 0) + 1
    weights = {w: (1 + math.log(n)) * idf(w) for w, n in counts.items() if idf(w) >= KEYWORD_MIN_IDF}
    return [w for w, _ in sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:limit]]


@lru_cache(maxsize=65536)
def _telling(word: str) -> bool:
    """A word that can say what a letter is about: not a stop word, a letter-form word, a date or an
    administrative place (where the writer lives or writes to)."""
    return not (word in _KEYWORD_STOP or word in _LETTER_FORM or _DATE_WORD.match(word) or _ADMIN_WORD.search(word))


def containment(a: list[str], b: list[str], top: int = KEYWORD_TOP) -> float:
    """IDF-weighted share of `a`'s first `top` words that `b` also has (one direction)."""
    head = a[:top]
    total = sum(idf(w) for w in head)
    other = set(b)
    return sum(idf(w) for w in head if w in other) / total if total else 0.0


KEYWORD_HEAD = 8  # a letter's rarest words, looked for in all of the other's
KEYWORD_HEAD_CAP = 4


def matter_words(words: list[str], home: frozenset[str]) -> list[str]:
    """The words that can tell what a matter is: telling words (`_telling`) that do not name the writers'
    own places (`home`). Filtering a filtered list again changes nothing, so a caller comparing one pair
    several ways filters each list once and passes no `home` on."""
    return [w for w in words if _telling(w) and not any(_names_home(w, h) for h in home)]


def keywords_top(a: list[str], b: list[str], home: frozenset[str] = frozenset()) -> float:
    """How many of either letter's `KEYWORD_HEAD` rarest words the other letter has (capped, 0..1): a letter
    asking the same question again keeps a few of them, however short or reworded it is."""
    a, b = matter_words(a, home), matter_words(b, home)
    found = (set(a[:KEYWORD_HEAD]) & set(b)) | (set(b[:KEYWORD_HEAD]) & set(a))
    return min(KEYWORD_HEAD_CAP, len(found)) / KEYWORD_HEAD_CAP


def keyword_overlap(a: list[str], b: list[str], home: frozenset[str] = frozenset(),
                    top: int = KEYWORD_TOP) -> tuple[float, float, list[str]]:
    """Keyword containment both ways, as (lower, higher), and the shared words rarest first: a shorter
    rewording is contained in the longer letter (higher), one matter told twice is contained both ways.
    Words naming the writers' own places (`home`) are left out: every letter they write names them."""
    # Filtered here too: keywords stored by an earlier version may still hold letter-form words; a home place
    # is also left out when split into pieces (高家洼 -> 高家 | 洼村).
    a, b = matter_words(a, home), matter_words(b, home)
    one, two = containment(a, b, top), containment(b, a, top)
    shared = sorted(set(a) & set(b), key=lambda w: (-idf(w), w))
    return min(one, two), max(one, two), shared


def _names_home(word: str, home: str) -> bool:
    """The word is the home place, holds it, or is a piece of it (高家洼村 cut as 高家 | 洼村)."""
    return home in word or word in home or (word.endswith("村") and len(word) >= 2 and home.endswith(word[:-1]))


def _same_name(a: str, b: str) -> bool:
    """One named thing written with and without a prefix (鑫泰化工 / 滨河鑫泰化工, 天誉华府 / 通天誉华府)."""
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 3 and short in long_ and idf(short) >= NAME_IDF


def anchor_overlap(a: list[str], b: list[str]) -> tuple[float, list[str]]:
    """IDF-weighted share of the smaller letter's anchors that the other letter also names; a name and
    the same name with a place or other prefix count as one (滨河鑫泰化工 names 鑫泰化工)."""
    left, right = set(a), set(b)
    shared = left & right
    shared |= {x for x in left - shared if any(_same_name(x, y) for y in right)}
    if not shared:
        return 0.0, []
    weight = lambda items: sum(idf(x) for x in items)  # noqa: E731
    smaller = min(weight(left), weight(right))
    return (min(1.0, weight(shared) / smaller) if smaller else 0.0), sorted(shared, key=lambda x: -idf(x))


def place_conflict(a: list[str], b: list[str]) -> float:
    """The first place or unit each letter names (its subject, as a title or opening states it) appears
    nowhere in the other letter: two matters, even in one wording (template letters about two 小区)."""
    if not a or not b:
        return 0.0
    heads = [x for x in (a[0], a[1:2] and a[1]) if x], [x for x in (b[0], b[1:2] and b[1]) if x]
    if any(_same_name(x, y) for x in heads[0] for y in b) or any(_same_name(x, y) for x in a for y in heads[1]):
        return 0.0
    return 1.0


_AREA_END = ("村", "组", "社区", "街道", "镇", "乡", "县", "市", "区")
_CJK_NAME = re.compile(r"[\u4e00-\u9fff]{2,}")


def _common_core(a: str, b: str) -> str:
    """The longest run of characters two names share (恒泰新型建材 / 恒泰建材 -> 恒泰)."""
    best = ""
    for i in range(len(a)):
        for j in range(i + len(best) + 1, len(a) + 1):
            if a[i:j] in b:
                best = a[i:j]
            else:
                break
    return best


def shared_target(a_names: list[str], b_names: list[str], home: frozenset[str] = frozenset()) -> str | None:
    """A named target (a firm, site, 小区, road, school, an official by name) both letters give, or None.

    Neighbours write the same firm differently (恒泰新型建材有限公司 / 恒泰建材厂, 鑫泰化工 / 滨河鑫泰化工): the
    proper-name part they share is rarer than any ordinary word. Villages and other areas are not targets
    (one village holds many matters), nor are the writers' own places (`home`).
    """
    left = [n for n in dict.fromkeys(a_names) if _target_name(n, home)]
    right = [n for n in dict.fromkeys(b_names) if _target_name(n, home)]
    best: tuple[float, str] | None = None
    for x in left:
        for y in right:
            core = x if _same_name(x, y) and len(x) <= len(y) else y if _same_name(x, y) else _common_core(x, y)
            core = core.lstrip("".join(_LEAD_CHARS | _STOP))
            if len(core) < 2 or not _CJK_NAME.fullmatch(core) or idf(core) < NAME_IDF or core in _GENERIC:
                continue
            if core.endswith(_AREA_END) or any(h in core or core in h for h in home):
                continue
            if best is None or (idf(core), len(core)) > (best[0], len(best[1])):
                best = (idf(core), core)
    return best[1] if best else None


def _target_name(name: str, home: frozenset[str]) -> bool:
    return len(name) >= 2 and not name.endswith(_AREA_END) and name not in _GENERIC and name not in home

