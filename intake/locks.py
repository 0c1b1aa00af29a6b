"""A per-letter lock in Redis, so two deliveries of one letter never run at the same time.

rq may deliver a letter twice: a retry after a killed work horse, or a requeue by the stranded-letter
sweeper racing a slow original. The database claim stops a finished letter from being redone; this lock
stops two live runs. The lock is short-lived and kept alive by a heartbeat thread while the job runs, so
the lock of a process killed with SIGKILL (worker and work horse together) frees itself within
`TTL_SECONDS`, and a lock that exists means a live process is working on the letter.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from redis import Redis
from redis.exceptions import RedisError

TTL_SECONDS = 30
BEAT_SECONDS = 10

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end
"""
# Extend our own lock; re-create it if it vanished (Redis restarted empty) so a live run keeps it.
_REFRESH = """
local current = redis.call('get', KEYS[1])
if current == ARGV[1] then return redis.call('expire', KEYS[1], ARGV[2]) end
if not current then redis.call('set', KEYS[1], ARGV[1], 'EX', ARGV[2]) return 1 end
return 0
"""


def lock_key(namespace: str, letter_id: int) -> str:
    """`namespace` is the deployment's queue name: offices (or test runs) sharing one Redis never collide."""
    return f"xinfang:{namespace}:letter:{letter_id}:lock"


def acquire(connection: Redis, namespace: str, letter_id: int, owner: str, ttl_seconds: int = TTL_SECONDS) -> bool:
    return bool(connection.set(lock_key(namespace, letter_id), owner, nx=True, ex=max(ttl_seconds, 1)))


def refresh(connection: Redis, namespace: str, letter_id: int, owner: str, ttl_seconds: int = TTL_SECONDS) -> bool:
    return bool(connection.eval(_REFRESH, 1, lock_key(namespace, letter_id), owner, ttl_seconds))


def release(connection: Redis, namespace: str, letter_id: int, owner: str) -> None:
    connection.eval(_RELEASE, 1, lock_key(namespace, letter_id), owner)


def force_release(connection: Redis, namespace: str, letter_id: int) -> None:
    connection.delete(lock_key(namespace, letter_id))


def is_locked(connection: Redis, namespace: str, letter_id: int) -> bool:
    return bool(connection.exists(lock_key(namespace, letter_id)))


@contextmanager
def held(connection: Redis, namespace: str, letter_id: int, owner: str) -> Iterator[bool]:
    """Hold the letter's lock for the block, refreshing it in the background; yields False if taken.

    A Redis outage during the block is survived: the heartbeat keeps trying, and the database claim still
    guarantees that a letter is finished only once.
    """
    if not acquire(connection, namespace, letter_id, owner):
        yield False
        return
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(BEAT_SECONDS):
            try:
                refresh(connection, namespace, letter_id, owner)
            except RedisError:
                continue

    thread = threading.Thread(target=beat, name=f"lock-{letter_id}", daemon=True)
    thread.start()
    try:
        yield True
    finally:
        stop.set()
        thread.join(timeout=2)
        with suppress(RedisError):  # if Redis is down, the lock expires by itself
            release(connection, namespace, letter_id, owner)
