"""The office's label lists for the reviewer's drop-downs, from the editable office tables."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

STARTER = Path(__file__).resolve().parent.parent / "classifier" / "office" / "starter.json"


@lru_cache(maxsize=1)
def office_choices() -> dict[str, list[str]]:
    """Categories, purposes, departments and forms; the office's own tables when the classifier has them."""
    try:
        from xinfang.classifier.routing_table import load_office

        office = load_office()
        lists = {"category": list(office.categories), "purpose": list(office.purposes),
                 "department": list(office.departments)}
        forms = list(getattr(office, "forms", []) or [])
    except ImportError:  # the routing table module is not there yet: read the starter file directly
        data = json.loads(STARTER.read_text(encoding="utf-8"))
        lists = {"category": list(data["categories"]), "purpose": list(data["purposes"]),
                 "department": list(data["departments"])}
        forms = list(data.get("forms", []))
    lists["form"] = forms or ["来信", "来访", "网上信访", "来电"]
    return lists
