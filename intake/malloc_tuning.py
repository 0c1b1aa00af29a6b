"""Keep freed memory in the worker's heap instead of handing it back to the kernel after every page.

OCR allocates and frees arrays of tens of megabytes per page (the page image, its float copies,
onnxruntime's buffers). glibc serves such sizes with a fresh mmap and unmaps them on free, so every
page touches hundreds of megabytes of new memory, one page fault per 4 KiB; in a work horse forked
for each letter the same happens again on top of the copy-on-write of the parent's heap. Raising the
mmap threshold to glibc's maximum and never trimming the heap lets the freed blocks be reused, which
the benchmark showed to be a large part of a scanned letter's CPU beyond OCR itself. The horse dies
after its job, so the memory it keeps is returned then; the parent allocates little after warm-up.

Only glibc has `mallopt`; elsewhere (musl, macOS) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

# mallopt parameter numbers from glibc's <malloc.h>
M_TRIM_THRESHOLD = -1
M_TOP_PAD = -2
M_MMAP_THRESHOLD = -3

MMAP_THRESHOLD = 32 * 1024 * 1024  # glibc's largest allowed value on 64-bit (DEFAULT_MMAP_THRESHOLD_MAX)
TOP_PAD = 256 * 1024 * 1024  # grow the heap in large steps: fewer brk calls for a page's buffers
NEVER_TRIM = 2**31 - 1  # mallopt takes an int


def keep_freed_memory() -> bool:
    """Tune glibc's malloc for this process and the horses it forks; True when it took effect."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    done = all(mallopt(param, value) == 1 for param, value in
               ((M_MMAP_THRESHOLD, MMAP_THRESHOLD), (M_TRIM_THRESHOLD, NEVER_TRIM), (M_TOP_PAD, TOP_PAD)))
    if not done:
        log.warning("malloc tuning not applied (mallopt refused a value)")
    return done
