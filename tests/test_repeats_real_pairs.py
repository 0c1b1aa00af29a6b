"""The pair models on real messages they were not fitted on: the `test` split of the hand-labelled 泰迪杯 pairs.

Texts are read from ../shared/data (never copied into the project); a missing data directory fails loudly.
"""

from __future__ import annotations

import pytest

from bench.repeats_fit import DATA, held_out

pytestmark = pytest.mark.slow


def test_held_out_real_pairs_keep_precision_and_a_recall_floor():
    if not (DATA / "replies.csv").exists():
        pytest.fail(f"泰迪杯 data missing at {DATA}: the real-pair test needs ../shared/data beside the checkout")
    result = held_out()
    same, other = result["same_person"], result["other_person"]
    assert same["pairs"] >= 200 and other["pairs"] >= 150
    assert same["precision"] >= 0.95 and same["recall"] >= 0.65, same
    assert other["precision"] >= 0.9 and other["recall"] >= 0.35, other
