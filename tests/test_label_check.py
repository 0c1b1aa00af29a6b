"""The hand-checked label fixtures stay well-formed, and the accuracy arithmetic is what the README reports.

Reads only tests/fixtures (ids, labels, verdicts); no message text and no shared data needed.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bench.realdata.label_check import VERDICTS, accuracy, read_fixture, weighted

LABELS = {"teddy": {"交通运输", "劳动和社会保障", "卫生健康", "商贸旅游", "城乡建设", "教育文体", "环境保护"},
          "rmw": {"求决", "意见建议", "咨询"}}


@pytest.mark.parametrize("source", sorted(LABELS))
def test_fixture_rows_are_complete_verdicts_within_the_label_set(source):
    rows = read_fixture(source)
    assert len(rows) >= 100
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert r["verdict"] in VERDICTS and r["label"] in LABELS[source], r
        if r["verdict"] == "right":
            assert not r["better_label"], r
        else:  # a doubted label names the better one, from the same set, and says why
            assert r["better_label"] in LABELS[source] - {r["label"]} and r["note"], r


def test_half_of_an_ambiguous_label_counts_as_right():
    rows = [{"verdict": v} for v in ["right"] * 6 + ["ambiguous"] * 2 + ["wrong"] * 2]
    a = accuracy(rows)
    assert (a["right"], a["ambiguous"], a["wrong"]) == (6, 2, 2)
    assert a["p_right"] == 0.6 and a["p_right_half_ambiguous"] == 0.7


def test_weighting_follows_the_calibration_shares_not_the_stratified_sample():
    labels = {"a": {"p_right": 1.0, "p_right_half_ambiguous": 1.0},
              "b": {"p_right": 0.0, "p_right_half_ambiguous": 0.5}}
    w = weighted(labels, Counter({"a": 90, "b": 10}))
    assert w == {"p_right": 0.9, "p_right_half_ambiguous": 0.95, "letters": 100}
