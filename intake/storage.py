"""Content-addressed storage of original files: written once, read-only afterwards, never modified.

The original is the evidence of what the petitioner sent; everything else (page images, OCR text) is
derived from it and can be made again. So originals are stored before any processing, by their sha256,
and a second upload of the same bytes finds the first copy.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from xinfang.core.errors import EmptyFileError, TooLargeFileError

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    path: Path
    head: bytes  # the first bytes, for type sniffing
    created: bool  # False when these bytes were stored already


class OriginalStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, stream: BinaryIO, max_bytes: int | None = None) -> StoredBlob:
        """Copy a stream into the store, hashing as it goes; never overwrite an existing original."""
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        head = b""
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    if len(head) < 4096:
                        head += chunk[: 4096 - len(head)]
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise TooLargeFileError(
                            f"文件超过上传上限 {max_bytes // (1024 * 1024)} MB。请拆分文件或降低扫描分辨率后重新上传。")
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            final = self.path_for(sha)
            if final.exists():
                return StoredBlob(sha, size, final, head, created=False)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(tmp_name, 0o444)
            os.replace(tmp_name, final)
            tmp_name = ""
            return StoredBlob(sha, size, final, head, created=True)
        finally:
            if tmp_name and os.path.exists(tmp_name):
                os.unlink(tmp_name)

    def put_path(self, path: Path, max_bytes: int | None = None) -> StoredBlob:
        with path.open("rb") as stream:
            return self.put(stream, max_bytes)

    def read(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()


def require_nonempty(blob: StoredBlob) -> None:
    if blob.size == 0:
        raise EmptyFileError("文件是空的（0 字节）。请重新扫描或重新上传该信件。")
