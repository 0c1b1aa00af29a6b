"""The worker's malloc tuning takes effect where the C library is glibc (every supported Linux)."""

import platform

import pytest

from xinfang.intake.malloc_tuning import keep_freed_memory


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_mallopt_accepts_every_value() -> None:
    assert keep_freed_memory() is True


def test_warm_up_tunes_before_loading(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # noqa: ANN001
    """warm_up calls the tuning first, so the horses forked after it inherit it."""
    from xinfang.core.config import Settings
    from xinfang.intake import warm

    calls: list[str] = []
    monkeypatch.setattr(warm, "keep_freed_memory", lambda: calls.append("tuned") or True)
    monkeypatch.setattr(warm.stages, "extract_sample", lambda *a: calls.append("fields") or {})
    monkeypatch.setattr(warm.stages, "current_model", lambda *a: None)
    monkeypatch.setattr(warm.stages, "sample_features", lambda *a: None)
    warm.warm_up(Settings(tmp_path, "sqlite://", "redis://127.0.0.1:6379/0"), ocr=False)
    assert calls[:2] == ["tuned", "fields"]
