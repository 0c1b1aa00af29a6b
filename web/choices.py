"""The office's label lists for the reviewer's drop-downs, read from the office's file as it is now.

`current_office` stats the file on each call and reloads it only when an administrator saved a change,
so a new department or category shows up at the next page without a restart. Departments come sorted
by their pinyin with the initials clerks type ("rsj" for 人社局), computed here rather than in the browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from flask import current_app, has_app_context
from pypinyin import Style, lazy_pinyin

from xinfang.classifier.routing_table import current_office

DEFAULT_FORMS = ["来信", "来访", "网上信访", "来电"]


def _data_dir() -> object | None:
    return current_app.config["XINFANG"].data_dir if has_app_context() else None


def office_choices() -> dict[str, list[str]]:
    """Categories, purposes, departments (sorted by pinyin) and forms of the office."""
    office = current_office(_data_dir())
    return {"category": list(office.categories), "purpose": list(office.purposes),
            "department": sorted(office.departments, key=pinyin_key),
            "form": list(office.forms) or DEFAULT_FORMS}


@dataclass(frozen=True)
class Option:
    """A label with what a typed search matches: the full name, its pinyin and its initials."""

    value: str
    full_name: str
    pinyin: str
    initials: str


@lru_cache(maxsize=4096)
def pinyin_key(label: str) -> str:
    return "".join(lazy_pinyin(label)).lower()


@lru_cache(maxsize=4096)
def initials(label: str) -> str:
    return "".join(p[:1] for p in lazy_pinyin(label, style=Style.FIRST_LETTER)).lower()


def department_options(extra: list[str] | tuple[str, ...] = ()) -> list[Option]:
    """The office's departments (plus any label the letter already carries), sorted by pinyin."""
    office = current_office(_data_dir())
    names = list(dict.fromkeys([*office.departments, *(e for e in extra if e)]))
    return [Option(name, office.full_name(name), pinyin_key(name) + " " + pinyin_key(office.full_name(name)),
                   initials(name) + " " + initials(office.full_name(name)))
            for name in sorted(names, key=pinyin_key)]
