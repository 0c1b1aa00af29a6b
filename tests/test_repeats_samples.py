"""Repeat detection measured on generated letters with ground truth, through the pipeline's calls."""

from __future__ import annotations

import pytest

from bench.repeats_eval import run, score

pytestmark = pytest.mark.slow


def test_generated_letters_repeats_found_with_high_precision_and_recall(db_settings):
    from xinfang.samples.generate import generate_letters

    records = generate_letters(300, 21)
    ids, _source = run(records, db_settings.database_url, use_extractor=False)
    result = score(records, ids, db_settings.database_url)
    assert result["true_repeats"] >= 20
    assert result["repeat_precision"] >= 0.9, result["errors"][:5]
    assert result["repeat_recall"] >= 0.85, result["errors"][:5]
    assert result["group_pair_precision"] >= 0.9
    assert result["same_matter_precision"] >= 0.9, [e for e in result["errors"] if "same_matter" in e["kind"]][:5]
