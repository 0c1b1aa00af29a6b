"""Calibration measures: what an ECE figure can and cannot say on a small set of letters."""

from __future__ import annotations

import numpy as np
import pytest

from xinfang.classifier.metrics import ece_noise_floor, expected_calibration_error


def test_ece_is_zero_when_confidence_matches_accuracy_in_every_bin() -> None:
    confidence = [0.95] * 20 + [0.55] * 20
    correct = [True] * 19 + [False] + [True] * 11 + [False] * 9
    assert expected_calibration_error(confidence, correct) == pytest.approx(0.0, abs=1e-9)


def test_ece_reads_an_under_confident_head() -> None:
    assert expected_calibration_error([0.5] * 10, [True] * 10) == pytest.approx(0.5)


def test_floor_matches_the_sampling_error_of_one_bin() -> None:
    # One bin of n letters at p = 0.5: E|mean - p| = sqrt(p(1-p)/n) * sqrt(2/pi), about 0.04 for n = 100.
    expected = np.sqrt(0.25 / 100) * np.sqrt(2 / np.pi)
    assert ece_noise_floor([0.5] * 100) == pytest.approx(expected, rel=0.15)


def test_floor_shrinks_with_more_letters_and_vanishes_for_certain_suggestions() -> None:
    small = ece_noise_floor(list(np.linspace(0.4, 0.95, 120)))
    large = ece_noise_floor(list(np.linspace(0.4, 0.95, 12000)), draws=200)
    assert large < small / 5
    assert ece_noise_floor([1.0] * 50) == 0.0
    assert ece_noise_floor([]) == 0.0


def test_floor_is_repeatable() -> None:
    confidence = list(np.linspace(0.3, 0.9, 60))
    assert ece_noise_floor(confidence) == ece_noise_floor(confidence)
