"""The department-label hand check: sampling rule, figures, and a fixture the lead's fit can trust."""

from __future__ import annotations

from bench.realdata import dept_check


def _records(counts: dict[str, int]) -> list[dict]:
    out, n = [], 0
    for dept, k in counts.items():
        for _ in range(k):
            n += 1
            out.append({"id": str(n), "department": dept, "text": "", "title": ""})
    return out


def test_sample_caps_each_department_and_keeps_small_ones_whole():
    records = _records({"教育局": 40, "法院": 2, "住建局": 15})
    got = dept_check.sample(records, per=15)
    by = {d: sum(1 for r in got if r["department"] == d) for d in ("教育局", "法院", "住建局")}
    assert by == {"教育局": 15, "法院": 2, "住建局": 15}
    assert dept_check.sample(records, per=15) == got  # fixed seed: the fixture can be re-read


def test_figures_count_ambiguous_as_half():
    rows = [{"verdict": v, "label": "x"} for v in ("right", "right", "ambiguous", "wrong")]
    f = dept_check.figures(rows)
    assert (f["right"], f["ambiguous"], f["wrong"]) == (2, 1, 1)
    assert f["p_right"] == 0.5
    assert f["p_right_half_ambiguous"] == 0.625


def test_wilson_interval_contains_the_share():
    lo, hi = dept_check.wilson(121, 158)
    assert lo < 121 / 158 < hi
    assert 0.05 < hi - lo < 0.2


def test_fixture_is_well_formed():
    rows = dept_check.read_fixture()
    departments = set(dept_check.departments()) | {"other"}
    assert len(rows) >= 100
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert r["label"] in departments and r["label"] != "乡镇人民政府"
        assert (r["verdict"] == "right") == (r["better_label"] == ""), r["id"]
        if r["better_label"]:
            assert r["better_label"] in departments and r["better_label"] != r["label"], r["id"]
            assert r["note"], r["id"]
        assert r["in_reply_check"] in ("0", "1")
