"""The worker's warm-up loads what a letter's job would otherwise load in every forked horse."""

from __future__ import annotations

from xinfang.intake import stages
from xinfang.intake.warm import SAMPLE
from xinfang.matching import score


def test_matching_warm_up_loads_the_part_of_speech_table_pair_scoring_reads() -> None:
    score._pos_tags.cache_clear()
    stages.sample_features(SAMPLE, {})
    assert score._pos_tags.cache_info().currsize == 1
    assert score._pos_tags().get("排") == "v"  # the table the broken-name test reads
