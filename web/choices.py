"""The office's label lists for the reviewer's drop-downs, read from the office's file as it is now.

`current_office` stats the file on each call and reloads it only when an administrator saved a change,
so a new department or category shows up at the next page without a restart. Departments come sorted
by their pinyin with the initials clerks type ("rsj" for 人社局), computed here rather than in the browser.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import current_app, has_app_context
from pypinyin import Style, lazy_pinyin

from xinfang.classifier.routing_table import current_office

DEFAULT_FORMS = ["来信", "来访", "网上信访", "来电"]


def _data_dir() -> Path | None:
    return current_app.config["XINFANG"].data_dir if has_app_context() else None


def office_choices() -> dict[str, list[str]]:
    """Categories, purposes, departments (sorted by pinyin) and forms of the office."""
    office = current_office(_data_dir())
    return {"category": list(office.categories), "purpose": list(office.purposes),
            "department": sorted(office.departments, key=pinyin_key),
            "form": list(office.forms) or DEFAULT_FORMS}


@lru_cache(maxsize=4096)
def pinyin_key(label: str) -> str:
    return "".join(lazy_pinyin(label)).lower()


@lru_cache(maxsize=4096)
def initials(label: str) -> str:
    return "".join(p[:1] for p in lazy_pinyin(label, style=Style.FIRST_LETTER)).lower()


def search_keys(label: str, full_name: str = "") -> dict[str, str]:
    """The data attributes the review form's type-to-search matches (letter.js): initials and pinyin of the
    label, and of a department's full name (清河县人力资源和社会保障局) after a space."""
    keys = {"data-initials": initials(label), "data-pinyin": pinyin_key(label)}
    if full_name and full_name != label:
        keys = {k: f"{v} {(initials if k == 'data-initials' else pinyin_key)(full_name)}" for k, v in keys.items()}
        keys["data-full"] = full_name
    return keys


def full_name(department: str) -> str:
    return current_office(_data_dir()).full_name(department)
