"""One writer per knowledge base: a lock file that says who holds it.

The lock is an flock on DIR/rapportkb.lock, so the kernel releases it when the holder dies, even by
kill -9: a lock left behind by a dead writer is stale by construction and simply taken over. The file's
content (pid, host, start time, command) is for the person who finds the knowledge base busy.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

LOCK = "rapportkb.lock"


class KnowledgeBaseLocked(RuntimeError):
    """Another writer holds the knowledge base."""

    def __init__(self, path: Path, holder: dict[str, Any]) -> None:
        self.path = path
        self.holder = holder
        who = (
            f"pid {holder.get('pid')} on {holder.get('host')}, since {holder.get('started')}"
            if holder
            else "an unknown process"
        )
        hint = ""
        if holder.get("host") == socket.gethostname() and not _alive(holder.get("pid")):
            hint = " (that process is gone; a child process it started may still hold the lock)"
        super().__init__(
            f"the knowledge base is being written by {who}{hint}; wait for it to finish or stop it. "
            f"Lock file: {path}"
        )


def _alive(pid: Any) -> bool:
    if not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _holder(fd: int) -> dict[str, Any]:
    os.lseek(fd, 0, os.SEEK_SET)
    raw = os.read(fd, 4096)
    try:
        holder = json.loads(raw) if raw.strip() else {}
    except ValueError:
        holder = {}
    return holder if isinstance(holder, dict) else {}


@contextmanager
def writer_lock(directory: Path) -> Iterator[dict[str, Any]]:
    """Hold the knowledge base's writer lock; yields the stale holder's details ({} if none)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LOCK
    # O_CLOEXEC (Python's default) keeps the lock out of spawned worker processes, so an orphaned
    # worker can never keep a dead writer's lock alive.
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise KnowledgeBaseLocked(path, _holder(fd)) from None
        stale = _holder(fd)
        me = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "command": " ".join(sys.argv),
        }
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, json.dumps(me, ensure_ascii=False).encode("utf-8"))
        try:
            yield stale
        finally:
            # An empty lock file means "released cleanly"; content with no flock means a writer died.
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)
