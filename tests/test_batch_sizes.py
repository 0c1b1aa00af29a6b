"""How many scans share a job as a run is queued: many at a time, fewer as the run ends (pure logic)."""

from __future__ import annotations

import pytest

from xinfang.intake.jobs import SCAN_BATCH, scan_batch_size, scan_chunks


def _schedule(files: int, workers: int) -> list[int]:
    return [len(chunk) for chunk in scan_chunks(list(range(files)), None, workers)]


@pytest.mark.parametrize(("files", "workers"), [(1, 1), (7, 2), (143, 2), (500, 4), (30, 0)])
def test_batches_never_grow_and_a_run_ends_with_single_letters(files, workers):
    sizes = _schedule(files, workers)
    assert sum(sizes) == files
    assert all(1 <= size <= SCAN_BATCH for size in sizes)
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[-1] == 1


def test_a_long_run_needs_few_horses_and_its_last_jobs_are_short():
    sizes = _schedule(1000, 2)
    assert sizes.count(SCAN_BATCH) >= 1000 // SCAN_BATCH - 8
    assert len(sizes) <= 1000 // SCAN_BATCH + 2 * SCAN_BATCH
    # whatever a worker is handed last is small beside a full batch
    assert max(sizes[-4:]) <= 2


def test_a_few_scans_are_spread_over_the_workers():
    assert _schedule(4, 2) == [1, 1, 1, 1]
    assert scan_batch_size(10, 2) == 3


def test_a_fixed_batch_is_capped_and_keeps_its_order():
    assert scan_chunks(list(range(10)), 4, 2) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert [len(c) for c in scan_chunks(list(range(40)), 99, 2)] == [SCAN_BATCH, SCAN_BATCH, 40 - 2 * SCAN_BATCH]
