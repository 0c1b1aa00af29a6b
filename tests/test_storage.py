import io
import os
import stat

import pytest

from xinfang.core.errors import TooLargeFileError
from xinfang.intake.storage import OriginalStore


def test_same_bytes_are_stored_once_and_read_only(tmp_path):
    store = OriginalStore(tmp_path / "originals")
    first = store.put(io.BytesIO(b"letter bytes"))
    second = store.put(io.BytesIO(b"letter bytes"))
    assert first.created and not second.created
    assert first.sha256 == second.sha256
    assert first.path.read_bytes() == b"letter bytes"
    assert not os.stat(first.path).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert [p.name for p in (tmp_path / "originals").rglob(".incoming-*")] == []


def test_sha256_names_the_file(tmp_path):
    import hashlib

    store = OriginalStore(tmp_path)
    blob = store.put(io.BytesIO(b"x" * 3_000_000))
    assert blob.sha256 == hashlib.sha256(b"x" * 3_000_000).hexdigest()
    assert blob.path == tmp_path / blob.sha256[:2] / blob.sha256[2:4] / blob.sha256
    assert blob.size == 3_000_000 and blob.head == b"x" * 4096


def test_too_large_leaves_nothing_behind(tmp_path):
    store = OriginalStore(tmp_path)
    with pytest.raises(TooLargeFileError):
        store.put(io.BytesIO(b"y" * 5000), max_bytes=1000)
    assert list(tmp_path.rglob("*")) == []
