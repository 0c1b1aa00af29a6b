"""The office's own labels and routing table, loaded from a file the office edits (not from code).

Offices rename categories and departments (卫生计生 -> 卫生健康, 国土资源 -> 自然资源), so everything the
classifier and the review drop-downs offer comes from `starter.json` or the office's `office.json`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from xinfang.core.config import load_settings
from xinfang.core.errors import OfficeFileError

STARTER = Path(__file__).resolve().parent / "office" / "starter.json"
SAMPLE_PLACES = Path(__file__).resolve().parent.parent / "samples" / "places.json"
# Sections of knowledge a clerk uses (classifier/knowledge.py): phrases per label, edited by the office.
KNOWLEDGE_SECTIONS = ("duties", "category_cues", "purpose_cues", "locality", "rule_words", "not_petition")
RULE_WORD_KINDS = ("legal", "misconduct", "official", "threat")


@dataclass
class Office:
    """Labels, the category -> usual departments table and the rule settings of one office."""

    name: str
    categories: dict[str, dict]
    purposes: list[str]
    departments: dict[str, dict]
    rules: dict = field(default_factory=dict)
    abstain_threshold: float | None = None
    knowledge: dict = field(default_factory=dict)  # the KNOWLEDGE_SECTIONS as written in the file

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


def office_path() -> Path:
    """$XINFANG_DATA_DIR/office.json when the office has one, else the starter set."""
    data_dir = os.environ.get("XINFANG_DATA_DIR")
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


def validate_office(data: object) -> list[str]:
    """Every problem of an office file's content, in words an administrator can act on ([] when fine).

    Checks the labels the desk offers and the knowledge sections: cue phrases must name known labels, so a
    typo in a department's name does not silently switch its knowledge off.
    """
    if not isinstance(data, dict):
        return ["办公室配置应是一个 JSON 对象"]
    problems: list[str] = []
    categories, departments = data.get("categories", {}), data.get("departments", {})
    purposes = data.get("purposes", [])
    if not isinstance(categories, dict | list) or not categories:
        problems.append("categories（内容分类）不能为空")
    if not isinstance(departments, dict | list) or not departments:
        problems.append("departments（责任单位）不能为空")
    if not isinstance(purposes, list) or not purposes:
        problems.append("purposes（信访目的）不能为空")
    if isinstance(categories, dict):
        for name, spec in categories.items():
            for dept in (spec or {}).get("departments", []) if isinstance(spec, dict) else []:
                if dept not in departments:
                    problems.append(f"内容分类「{name}」的常用单位「{dept}」不在 departments 中")
    threshold = data.get("abstain_threshold")
    if threshold is not None and not (isinstance(threshold, int | float) and 0 <= threshold <= 1):
        problems.append("abstain_threshold 应是 0 到 1 之间的数")
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
        raise OfficeFileError(f"{path} 有误：" + "；".join(problems[:8]) + "。请改正后再试。")
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
                  knowledge={k: raw[k] for k in KNOWLEDGE_SECTIONS if k in raw})
