"""The office's own labels and routing table, loaded from a file the office edits (not from code).

Offices rename categories and departments (卫生计生 -> 卫生健康, 国土资源 -> 自然资源), so everything the
classifier and the review drop-downs offer comes from `starter.json` or the office's `office.json`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

STARTER = Path(__file__).resolve().parent / "office" / "starter.json"


@dataclass
class Office:
    """Labels, the category -> usual departments table and the rule settings of one office."""

    name: str
    categories: dict[str, dict]
    purposes: list[str]
    departments: dict[str, dict]
    rules: dict = field(default_factory=dict)
    abstain_threshold: float | None = None

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


def load_office(path: Path | None = None) -> Office:
    raw = json.loads((path or office_path()).read_text(encoding="utf-8"))
    departments = raw.get("departments", {})
    if isinstance(departments, list):
        departments = {name: {"full_name": name} for name in departments}
    categories = raw.get("categories", {})
    if isinstance(categories, list):
        categories = {name: {"subcategories": [], "departments": []} for name in categories}
    threshold = raw.get("abstain_threshold")
    return Office(name=raw.get("name", ""), categories=categories, purposes=list(raw.get("purposes", [])),
                  departments=departments, rules=raw.get("rules", {}),
                  abstain_threshold=float(threshold) if threshold is not None else None)
