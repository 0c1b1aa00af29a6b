"""依法分类处理 rules: 涉法涉诉 to 政法 units, officials' misconduct to 纪委监委, 扬言 marked urgent.

Keyword rules, because these decisions must be explainable to a reviewer by a word in the letter, and they
must hold even when a model trained on few letters has not seen the pattern. They flag and route; they
never hide what the model said (the suggestion keeps the model's own choice beside the rule's).
The office adds its own words in the office file (`rule_words`: legal, misconduct, official, threat,
personnel, escalation); they extend the built-in patterns, never replace them. The 扬言 phrasings are in
classifier/threats.py. In the pipeline a letter's threats are read once (`office_threats`), by intake's urgency
field, and the rule takes that reading, so the letter page and the urgent flag cannot disagree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from xinfang.classifier.threats import find_threats
from xinfang.classifier.wordlists import with_words

LEGAL = re.compile(
    r"起诉|上诉|诉讼|判决|裁定书|法院|开庭|强制执行|申请执行|执行局|执行款|报警|报案|立案侦查|派出所|民警|刑警|"
    r"检察院|抗诉|冤案|错案|刑事|拘留|逮捕")
# Misconduct words count only when an official or unit is named, so 工资被拖欠 alone is not 纪检.
MISCONDUCT = re.compile(
    r"贪污|受贿|行贿|索贿|挪用|侵吞|截留|私分|吃拿卡要|失职|渎职|作风|公款吃喝|违规发放|优亲厚友|以权谋私|"
    r"权钱交易|收受|好处费|红包|滥用职权|打击报复|雁过拔毛|虚报冒领")
OFFICIAL = re.compile(
    r"干部|书记|支书|村主任|村长|镇长|乡长|局长|所长|科长|站长|队长|村会计|公职人员|官员|村委|村干部|两委")
# 选人用人: misconduct in appointing cadres (跑官买官, a 提拔 despite a bad record) is the organisation
# department's to handle (its 12380 reporting line), so these words keep the 纪检 rule from firing.
PERSONNEL = re.compile(r"任前公示|选拔任用|干部任用|提拔|跑官|买官|带病提拔")
# A report written to the discipline body itself ("县纪委：", "尊敬的纪委监委领导", "特向纪委举报") is meant for it:
# the writer chose the unit that handles misconduct, even when no misconduct word of ours names what was done.
TO_DISCIPLINE = re.compile(
    r"(?:^|\n)[^，。！!？?\n]{0,10}?(?:纪委|监委|纪检|纪律检查委员会|监察委员会)[^，。：:！!\n]{0,10}?(?:[：:\n]|您好|你好)|"
    r"(?:向|给|致)[^，。！!\n]{0,8}?(?:纪委|监委|纪检|纪律检查委员会|监察委员会)[^，。！!\n]{0,6}?"
    r"(?:举报|检举|揭发|控告|反映|实名)")
REPORTING = re.compile(r"举报|检举|揭发|控告")
_DISCIPLINE_BODY = re.compile(r"纪委监委|纪委|监委|纪检|纪律检查委员会|监察委员会")

# The addressee is not the accused: "尊敬的张书记：", "县长您好" name an official the letter writes to.
_ADDRESSED_BEFORE = re.compile(r"(?:尊敬的|敬爱的|致|呈|报)[^，。：:！!\s]{0,6}$")
_ADDRESSED_AFTER = re.compile(r"(?:同志)?(?:[：:]|您好|你好|好[，,！!]|们好)")


@dataclass
class RuleResult:
    legal: bool = False
    discipline: bool = False
    urgent: bool = False
    notes: list[str] = field(default_factory=list)
    matched: dict[str, list[str]] = field(default_factory=dict)


def _found(pattern: re.Pattern[str], text: str) -> list[str]:
    seen: list[str] = []
    for match in pattern.finditer(text):
        if match.group(0) not in seen:
            seen.append(match.group(0))
    return seen


def _accused(pattern: re.Pattern[str], text: str) -> list[str]:
    """Officials named in `text` other than as the letter's addressee."""
    seen: list[str] = []
    for match in pattern.finditer(text):
        word = match.group(0)
        if word in seen or _ADDRESSED_AFTER.match(text, match.end()) or \
                _ADDRESSED_BEFORE.search(text[max(0, match.start() - 8):match.start()]):
            continue
        seen.append(word)
    return seen


@lru_cache(maxsize=8)
def _patterns(extra: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, re.Pattern[str]]:
    words = dict(extra)
    out = {}
    for kind, base in (("legal", LEGAL), ("misconduct", MISCONDUCT), ("official", OFFICIAL),
                       ("personnel", PERSONNEL)):
        out[kind] = re.compile(with_words(base, words.get(kind, ())))
    return out


def office_threats(text: str, words: Mapping[str, Sequence[str]] | None = None) -> list[tuple[str, int, int]]:
    """(phrase, start, end) of each 扬言 in `text`, the built-in phrasings extended by the office's own `threat`
    and `escalation` words: the one reading that intake's urgency field and the urgent rule share."""
    words = words or {}
    return find_threats(text, tuple(words.get("threat", ())), tuple(words.get("escalation", ())))


def apply_rules(text: str, words: Mapping[str, Sequence[str]] | None = None,
                threats: Sequence[str] | None = None) -> RuleResult:
    """Which of the three rules a letter triggers, with the words that triggered them (for the reviewer).

    `words`: the office's own rule words (kind -> words), added to the built-in patterns.
    `threats`: the 扬言 phrases already read in this letter with the same words (the pipeline's urgency field),
    used as they are instead of reading the letter a second time; None reads them here.
    """
    patterns = _patterns(tuple(sorted((k, tuple(v)) for k, v in (words or {}).items())))
    LEGAL, MISCONDUCT, OFFICIAL, PERSONNEL = (  # noqa: N806
        patterns[k] for k in ("legal", "misconduct", "official", "personnel"))
    result = RuleResult()
    legal = _found(LEGAL, text)
    if legal:
        result.legal = True
        result.matched["legal"] = legal
        result.notes.append(f"涉法涉诉：信中提到「{'、'.join(legal[:4])}」，依法分类处理应导入诉讼程序，由政法单位办理。")
    misconduct = _found(MISCONDUCT, text)
    officials = _accused(OFFICIAL, text)
    addressed = TO_DISCIPLINE.search(text)
    if addressed and not (misconduct and officials) and (misconduct or officials or REPORTING.search(text)):
        officials = officials or [m.group(0) for m in REPORTING.finditer(text)][:1]
        misconduct = [*misconduct, f"写给{_DISCIPLINE_BODY.search(addressed.group(0)).group(0)}"]  # type: ignore[union-attr]
    if misconduct and officials and not PERSONNEL.search(text):
        result.discipline = True
        result.matched["discipline"] = misconduct + officials
        result.notes.append(
            f"纪检监察：反映{'、'.join(officials[:2])}「{'、'.join(misconduct[:3])}」，应转纪委监委；"
            "注意揭发控告内容不得转给被反映人或其单位。")
    said = list(threats) if threats is not None else [word for word, _, _ in office_threats(text, words)]
    if said:
        result.urgent = True
        result.matched["urgent"] = said
        result.notes.append(f"扬言：信中有「{'、'.join(said[:4])}」，列为紧急件优先处理，并及时通报属地和公安。")
    return result
