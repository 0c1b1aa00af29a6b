"""Editing the office's own data files one top-level section at a time, whatever the sections are.

Two documents: `office.json` (labels, departments, the routing table, rules and any section an office or a
later feature adds) and `places.json` (乡镇/街道 and 村/社区). Each section is edited as the JSON it is, so a
new section needs no new page; the whole document with the edited section passes the document's one
validation function before anything is written, and a bad edit changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xinfang.classifier.routing_table import (
    STARTER,
    file_stamp,
    office_path,
    save_office,
    validate_office,
    write_json_atomic,
)
from xinfang.core.errors import OfficeDataError
from xinfang.intake.fields.places import validate_places
from xinfang.intake.stages import DEFAULT_PLACES

SECTION_NAME = r"[A-Za-z_][A-Za-z0-9_]{0,39}"

SECTION_LABELS = {
    "name": "办公室名称", "version": "版本", "purposes": "信访目的", "forms": "信访形式",
    "categories": "内容分类（一级、二级）与路由表（各分类的常用责任单位）", "departments": "责任单位",
    "rules": "分流规则（政法单位、纪检监察、属地）", "abstain_threshold": "人工分流阈值",
    "duties": "部门职责", "department_duties": "部门职责", "purpose_cues": "信访目的提示词",
    "complaint_kinds": "诉求类别（重复件比对：类别与信中的说法）",
    "province": "省", "city": "市", "county": "县（区）", "region_code": "行政区划代码", "townships": "乡镇/街道与村/社区",
}


@dataclass(frozen=True)
class Document:
    """One editable data file: how to find, read, check and write it."""

    key: str
    title: str
    path: Callable[[Path], Path]
    validate: Callable[[object], list[str]]
    save: Callable[[dict, Path], Path]
    starter: Path | None = None  # the file a new office starts from, where there is one

    def read(self, data_dir: Path) -> dict:
        return json.loads(self.path(data_dir).read_text(encoding="utf-8"))

    def default(self, section: str) -> Any:
        """What a section the office's file lacks starts from in the editor: the starter's, so that an office
        whose file predates a section (complaint_kinds) extends the starter's entries instead of replacing
        them all with the one it adds; {} where the starter has none."""
        try:
            found = json.loads(self.starter.read_text(encoding="utf-8")).get(section) if self.starter else None
        except (OSError, ValueError):
            found = None
        return found if found is not None else {}

    def stamp(self, data_dir: Path) -> str:
        mtime, size = file_stamp(self.path(data_dir))
        return f"{mtime}-{size}"


def _places_path(data_dir: Path) -> Path:
    own = Path(data_dir) / "places.json"
    return own if own.exists() else DEFAULT_PLACES


def _save_places(data: dict, data_dir: Path) -> Path:
    problems = validate_places(data)
    if problems:
        raise OfficeDataError(problems)
    return write_json_atomic(Path(data_dir) / "places.json", data)


DOCUMENTS = {
    "office": Document("office", "办公室数据（office.json）", office_path, validate_office, save_office, STARTER),
    "places": Document("places", "乡镇与村（places.json）", _places_path, validate_places, _save_places),
}


def section_label(name: str) -> str:
    return SECTION_LABELS.get(name, name)


def section_text(value: Any) -> str:
    """A section as the admin edits it: JSON, indented, one table entry a line where that stays readable."""
    if isinstance(value, dict) and all(isinstance(v, dict | list) for v in value.values()):
        inner = ",\n".join(f"  {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}"
                           for k, v in value.items())
        return "{\n" + inner + "\n}" if value else "{}"
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return "[\n" + ",\n".join(f"  {json.dumps(v, ensure_ascii=False)}" for v in value) + "\n]"
    return json.dumps(value, ensure_ascii=False, indent=2)


def parse_section(text: str, current: Any) -> Any:
    """The edited text as a value; a plain word for a text section needs no quotes.

    Raises OfficeDataError with the line and column of a JSON mistake.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if isinstance(current, str) and "\n" not in text.strip():
            return text.strip()
        raise OfficeDataError([f"第 {exc.lineno} 行第 {exc.colno} 列：JSON 格式错误（{_explain(exc.msg)}）"]) from exc


def _explain(message: str) -> str:
    words = {"Expecting ',' delimiter": "缺少逗号", "Expecting value": "缺少值或多了逗号",
             "Expecting property name enclosed in double quotes": "名称要用英文双引号，或末尾多了逗号",
             "Unterminated string starting at": "引号没有配对", "Extra data": "结尾多了内容",
             "Expecting ':' delimiter": "缺少冒号"}
    return words.get(message, message)


def apply_edit(document: Document, data_dir: Path, section: str, text: str, base_stamp: str | None) -> tuple[Any, Any]:
    """Replace one section and save the document; returns (before, after). Nothing is written on a problem.

    `base_stamp` is the file's stamp when the form was opened: an edit made meanwhile by someone else is
    not overwritten silently.
    """
    if base_stamp and base_stamp != document.stamp(data_dir):
        raise OfficeDataError(["文件在您打开编辑后已被他人修改。请重新打开此部分，在最新内容上再修改。"])
    data = document.read(data_dir)
    before = data.get(section)
    after = parse_section(text, before)
    problems = document.validate({**data, section: after})
    if problems:
        raise OfficeDataError(problems)
    document.save({**data, section: after}, data_dir)
    return before, after
