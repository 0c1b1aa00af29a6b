"""The office's own labels and routing table, loaded from a file the office edits (not from code).

Offices rename categories and departments (卫生计生 -> 卫生健康, 国土资源 -> 自然资源), so everything the
classifier and the review drop-downs offer comes from `starter.json` or the office's `office.json`.

The administration page edits `office.json` section by section: `validate_office` is the one check every
edit passes before `save_office` writes it, and `current_office` reloads the file when it changes, so the
web app and the workers pick up an edit without a restart.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xinfang.core.config import load_settings
from xinfang.core.errors import OfficeDataError

STARTER = Path(__file__).resolve().parent / "office" / "starter.json"
SAMPLE_PLACES = Path(__file__).resolve().parent.parent / "samples" / "places.json"
# Sections of knowledge a clerk uses (classifier/knowledge.py): phrases per label, edited by the office.
KNOWLEDGE_SECTIONS = ("duties", "category_cues", "purpose_cues", "locality", "rule_words", "not_petition",
                      "cue_precedence", "rule_cues")
RULE_KINDS = ("legal", "discipline", "urgent")  # the rules whose firing `rule_cues` turns into cue evidence
RULE_WORD_KINDS = ("legal", "misconduct", "official", "threat", "personnel", "escalation")


@dataclass
class Office:
    """Labels, the category -> usual departments table and the rule settings of one office."""

    name: str
    categories: dict[str, dict]
    purposes: list[str]
    departments: dict[str, dict]
    rules: dict = field(default_factory=dict)
    abstain_threshold: float | None = None
    forms: list[str] = field(default_factory=list)
    knowledge: dict = field(default_factory=dict)  # the KNOWLEDGE_SECTIONS as written in the file
    # kind -> the words writers use for it, for repeat matching (matching/kinds.py); None: the file has no
    # such section, and matching uses the starter's
    complaint_kinds: dict[str, list[str]] | None = None

    @property
    def rule_words(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in self.knowledge.get("rule_words", {}).items()}

    @property
    def subcategories(self) -> dict[str, list[str]]:
        return {name: list(spec.get("subcategories", [])) for name, spec in self.categories.items()}

    def usual_departments(self, category: str | None) -> list[str]:
        return list(self.categories.get(category or "", {}).get("departments", []))

    @property
    def legal_units(self) -> list[str]:
        return list(self.rules.get("legal_units", ["法院", "检察院", "公安局", "司法局"]))

    @property
    def discipline_unit(self) -> str:
        return str(self.rules.get("discipline_unit", "纪委监委"))

    @property
    def discipline_category(self) -> str:
        """The 一级 of a report that the 纪检 rule routes to the discipline unit (贪污贿赂, 失职渎职, 干部作风)."""
        return str(self.rules.get("discipline_category", "纪检监察"))

    @property
    def township_unit(self) -> str:
        return str(self.rules.get("township_unit", "乡镇人民政府"))

    def table_allows(self, category: str | None, department: str, place: str | None = None) -> bool:
        """Whether the routing table expects `department` for `category` (and the place's township)."""
        if department in self.usual_departments(category):
            return True
        return bool(place) and department == self.township_unit

    def full_name(self, department: str, place: str | None = None) -> str:
        if department == self.township_unit and place:
            return f"{place}人民政府"
        return str(self.departments.get(department, {}).get("full_name", department))

    def dictionary_words(self) -> list[str]:
        """Label words for the segmenter, so 劳动和社会保障 or 纪委监委 stay one token."""
        words: list[str] = list(self.categories) + list(self.purposes) + list(self.departments)
        for spec in self.categories.values():
            words += spec.get("subcategories", [])
        for spec in self.departments.values():
            words.append(spec.get("full_name", ""))
        return [w for w in words if w and " " not in w]


def office_path(data_dir: Path | str | None = None) -> Path:
    """<data dir>/office.json when the office has one, else the starter set ($XINFANG_DATA_DIR by default)."""
    data_dir = data_dir or load_settings().data_dir
    if data_dir:
        own = Path(data_dir) / "office.json"
        if own.exists():
            return own
    return STARTER


def places_path() -> Path:
    """The office's own places.json in the data directory when it has one, else the sample county's."""
    own = load_settings().data_dir / "places.json"
    return own if own.exists() else SAMPLE_PLACES


def _phrases(value: object, where: str, problems: list[str]) -> None:
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        problems.append(f"{where} 应是词语列表（字符串数组）")


def _precedence_count(value: object) -> bool:
    """n > 0, or {"n": n > 0, "phrases": [...]} (only those phrases of the label count)."""
    if isinstance(value, dict):
        n, phrases = value.get("n", 1), value.get("phrases", [])
        return (isinstance(n, int) and n > 0 and isinstance(phrases, list)
                and all(isinstance(x, str) for x in phrases) and set(value) <= {"n", "phrases"})
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def knowledge_problems(data: dict) -> list[str]:
    """Problems of the knowledge sections: cue phrases must name known labels, so a typo in a department's
    name does not silently switch its knowledge off."""
    problems: list[str] = []
    categories, departments = data.get("categories", {}), data.get("departments", {})
    purposes = data.get("purposes", [])
    for dept, spec in (data.get("duties") or {}).items():
        if dept not in departments:
            problems.append(f"duties 中的「{dept}」不是 departments 中的单位")
        if not isinstance(spec, dict):
            problems.append(f"duties「{dept}」应包含 duty（职能说明）和 cues（关键词列表）")
            continue
        if not isinstance(spec.get("duty", ""), str):
            problems.append(f"duties「{dept}」的 duty 应是文字")
        _phrases(spec.get("cues", []), f"duties「{dept}」的 cues", problems)
    for section, labels in (("category_cues", categories), ("purpose_cues", purposes)):
        for label, phrases in (data.get(section) or {}).items():
            if label not in labels:
                problems.append(f"{section} 中的「{label}」不是已定义的标签")
            _phrases(phrases, f"{section}「{label}」", problems)
    locality = data.get("locality")
    if locality is not None:
        if not isinstance(locality, dict):
            problems.append("locality 应包含 unit（属地单位）和 cues（关键词列表）")
        else:
            if locality.get("unit") and locality["unit"] not in departments:
                problems.append(f"locality 的单位「{locality['unit']}」不在 departments 中")
            _phrases(locality.get("cues", []), "locality 的 cues", problems)
    for kind, words in (data.get("rule_words") or {}).items():
        if kind not in RULE_WORD_KINDS:
            problems.append(f"rule_words 的「{kind}」不是 {'、'.join(RULE_WORD_KINDS)} 之一")
        _phrases(words, f"rule_words「{kind}」", problems)
    head_labels = {"category": set(categories), "purpose": set(purposes), "department": set(departments)}
    for head, labels in (data.get("cue_precedence") or {}).items():
        if head not in head_labels or not isinstance(labels, dict):
            problems.append(f"cue_precedence 的「{head}」应是 category、purpose 或 department，内容为 标签: [标签…]")
            continue
        for label, over in labels.items():
            if isinstance(over, list):
                _phrases(over, f"cue_precedence「{head}」「{label}」", problems)
            elif not isinstance(over, dict) or not all(_precedence_count(n) for n in over.values()):
                problems.append(f"cue_precedence「{head}」「{label}」应是 标签列表 或 {{标签: 正整数}}"
                                "（或 {标签: {\"n\": 正整数, \"phrases\": [词语…]}}）")
                continue
            for name in [label, *over]:
                if name not in head_labels[head]:
                    problems.append(f"cue_precedence「{head}」中的「{name}」不是已定义的标签")
    for kind, heads in (data.get("rule_cues") or {}).items():
        if kind not in RULE_KINDS or not isinstance(heads, dict):
            problems.append(f"rule_cues 的「{kind}」不是 {'、'.join(RULE_KINDS)} 之一，或内容不是 head: 标签")
            continue
        for head, label in heads.items():
            if head not in head_labels or label not in head_labels[head]:
                problems.append(f"rule_cues「{kind}」的「{head}: {label}」不是已定义的标签")
    gate = data.get("not_petition")
    if gate is not None:
        if not isinstance(gate, dict):
            problems.append("not_petition 应包含 petition_cues 和 min_signal")
        else:
            _phrases(gate.get("petition_cues", []), "not_petition 的 petition_cues", problems)
            if not isinstance(gate.get("min_signal", 2), int) or gate.get("min_signal", 2) < 0:
                problems.append("not_petition 的 min_signal 应是非负整数")
    return problems


def load_office(path: Path | None = None) -> Office:
    path = path or office_path()
    raw = json.loads(path.read_text(encoding="utf-8"))
    problems = validate_office(raw)
    if problems:
        raise OfficeDataError(problems, f"{path} 有误：" + "；".join(problems[:8]) + "。请改正后再试。")
    departments = raw.get("departments", {})
    if isinstance(departments, list):
        departments = {name: {"full_name": name} for name in departments}
    categories = raw.get("categories", {})
    if isinstance(categories, list):
        categories = {name: {"subcategories": [], "departments": []} for name in categories}
    threshold = raw.get("abstain_threshold")
    return Office(name=raw.get("name", ""), categories=categories, purposes=list(raw.get("purposes", [])),
                  departments=departments, rules=raw.get("rules", {}),
                  abstain_threshold=float(threshold) if threshold is not None else None,
                  forms=list(raw.get("forms", [])),
                  knowledge={k: raw[k] for k in KNOWLEDGE_SECTIONS if k in raw},
                  complaint_kinds=({k: list(v) for k, v in raw["complaint_kinds"].items()}
                                   if "complaint_kinds" in raw else None))


# ---- the office's edits: one validation, an atomic write, reloading when the file changes ----------------
# Column widths of the letter's label columns (models/letters.py): a longer label could not be stored.
_MAX_LEN = {"category": 50, "purpose": 20, "department": 100}
_KNOWN_TYPES: dict[str, type | tuple[type, ...]] = {
    "name": str, "version": str, "purposes": list, "forms": list, "categories": (dict, list),
    "departments": (dict, list), "rules": dict, "abstain_threshold": (int, float, type(None)),
}
# Checks of further sections, by name: a section added to office.json gets its own check here, and the
# administration page edits it with no more work (every section is edited as the JSON it is).
SECTION_CHECKS: dict[str, Callable[[Any, dict], list[str]]] = {}


def complaint_kinds_problems(value: object, data: dict) -> list[str]:
    """Problems of `complaint_kinds` (kind -> the words writers use for it; matching/kinds.py), each naming
    the kind: a kind without words could never be found, and a blank word is found in every letter."""
    if not isinstance(value, dict):
        return ["complaint_kinds 应是 {\"类别\": [\"词语\", …]} 的对象"]
    problems: list[str] = []
    for kind, words in value.items():
        if not kind.strip() or kind != kind.strip():
            problems.append(f"complaint_kinds 中的类别名「{kind}」为空或前后有空格")
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            problems.append(f"complaint_kinds「{kind}」应是词语列表（字符串数组）")
        elif not words:
            problems.append(f"complaint_kinds「{kind}」没有词语（至少写一个信中会用的词）")
        elif any(not w.strip() for w in words):
            problems.append(f"complaint_kinds「{kind}」中有空词语（空词语会在每封信中都被找到）")
        elif any(w != w.strip() for w in words):
            problems.append(f"complaint_kinds「{kind}」中的"
                            + "、".join(f"“{w}”" for w in words if w != w.strip()) + " 前后有空格")
    return problems


SECTION_CHECKS["complaint_kinds"] = complaint_kinds_problems


def _labels(value: object, what: str, max_len: int, problems: list[str]) -> list[str]:
    """A list of distinct, non-empty label strings; problems are appended in words an admin can act on."""
    if not isinstance(value, list):
        problems.append(f"{what}应是一个列表")
        return []
    out: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            problems.append(f"{what}中有空项或不是文字的项：{json.dumps(item, ensure_ascii=False)}")
        elif item != item.strip() or len(item) > max_len:
            problems.append(f"{what}中的“{item}”前后有空格或超过 {max_len} 个字")
        elif item in out:
            problems.append(f"{what}中“{item}”重复")
        else:
            out.append(item)
    return out


def _named(value: object, what: str, max_len: int, problems: list[str]) -> dict[str, dict]:
    """A table keyed by label (a list of labels is accepted as a table without details)."""
    if isinstance(value, list):
        return {name: {} for name in _labels(value, what, max_len, problems)}
    if not isinstance(value, dict) or not value:
        problems.append(f"{what}不能为空")
        return {}
    _labels(list(value), what, max_len, problems)
    for name, spec in value.items():
        if not isinstance(spec, dict):
            problems.append(f"{what}“{name}”的内容应是一个对象（{{…}}）")
    return {name: spec for name, spec in value.items() if isinstance(spec, dict)}


def validate_office(data: object) -> list[str]:
    """Every problem of an office file, in Chinese; an empty list means it can be saved and loaded.

    Labels must be distinct and fit their database columns, and every department the routing table or the
    rules name must be in the department list: a reviewer could otherwise confirm a label that no list has.
    """
    if not isinstance(data, dict):
        return ["办公室数据应是一个 JSON 对象（{…}）"]
    problems: list[str] = []
    for key, kind in _KNOWN_TYPES.items():
        if key in data and not isinstance(data[key], kind):
            problems.append(f"“{key}”的格式不对")
    if problems:
        return problems
    for key in ("purposes", "categories", "departments"):
        if key not in data:
            problems.append(f"缺少“{key}”部分")
    _labels(data.get("purposes", []), "信访目的", _MAX_LEN["purpose"], problems)
    if "forms" in data:
        _labels(data["forms"], "信访形式", 20, problems)
    departments = _named(data.get("departments", {}), "责任单位", _MAX_LEN["department"], problems)
    for name, spec in departments.items():
        if not isinstance(spec.get("full_name", ""), str):
            problems.append(f"责任单位“{name}”的全称应是文字")
    categories = _named(data.get("categories", {}), "内容分类", _MAX_LEN["category"], problems)
    for name, spec in categories.items():
        _labels(spec.get("subcategories", []), f"内容分类“{name}”的二级分类", 50, problems)
        for unit in _labels(spec.get("departments", []), f"内容分类“{name}”的责任单位", 100, problems):
            if departments and unit not in departments:
                problems.append(f"内容分类“{name}”的责任单位“{unit}”不在责任单位列表中")
    rules = data.get("rules", {})
    for unit in _labels(rules.get("legal_units", []), "政法单位", 100, problems) if "legal_units" in rules else []:
        if departments and unit not in departments:
            problems.append(f"政法单位“{unit}”不在责任单位列表中")
    for key, what in (("discipline_unit", "纪检监察单位"), ("township_unit", "属地乡镇单位")):
        if key in rules and (not isinstance(rules[key], str) or rules[key] not in departments):
            problems.append(f"{what}“{rules[key]}”不在责任单位列表中")
    if "discipline_category" in rules and rules["discipline_category"] not in categories:
        problems.append(f"纪检监察分类“{rules['discipline_category']}”不在内容分类列表中")
    threshold = data.get("abstain_threshold")
    if threshold is not None and not 0 < float(threshold) < 1:
        problems.append("abstain_threshold 应在 0 和 1 之间")
    problems += knowledge_problems(data)
    for key, check in SECTION_CHECKS.items():
        if key in data:
            problems += check(data[key], data)
    return problems


def read_office_data(data_dir: Path | str | None = None) -> dict:
    """The office file as stored (the starter set until the office saves its own)."""
    return json.loads(office_path(data_dir).read_text(encoding="utf-8"))


def save_office(data: dict, data_dir: Path | str) -> Path:
    """Write <data dir>/office.json after `validate_office`; readers see the old file or the new, never half."""
    problems = validate_office(data)
    if problems:
        raise OfficeDataError(problems)
    return write_json_atomic(Path(data_dir) / "office.json", data)


def write_json_atomic(path: Path, data: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
    os.replace(tmp, path)
    return path


def file_stamp(path: Path) -> tuple[int, int]:
    """What changes when a file is replaced: its modification time (ns) and size."""
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


_current: dict[str, tuple[tuple[int, int], Office]] = {}


def current_office(data_dir: Path | str | None = None) -> Office:
    """The office as its file is now: a stat per call, a reload only when the file changed.

    A file that no longer loads (a hand edit gone wrong) keeps the last good version in use.
    """
    path = office_path(data_dir)
    key = str(path)
    stamp = file_stamp(path)
    cached = _current.get(key)
    if cached and cached[0] == stamp:
        return cached[1]
    try:
        office = load_office(path)
    except (OSError, ValueError, AttributeError, TypeError):
        if cached:
            return cached[1]
        raise
    _current[key] = (stamp, office)
    return office
