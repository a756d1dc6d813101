"""A lock on an output folder, so two commands cannot interleave their writes into it.

The lock is an advisory ``flock`` on ``<folder>/.umkm-sim.lock``: the operating system releases it
when its holder ends, even when killed, so a stale lock never blocks the next run. The file keeps
the holder's description (command, process id, start time) for the message of whoever is refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from simulation.core.errors import BusyError

LOCK_NAME = ".umkm-sim.lock"
"""Name of the lock file inside the locked folder."""


@contextlib.contextmanager
def folder_lock(folder: str | Path, holder: str) -> Iterator[Path]:
    """Hold the lock of ``folder`` (created if missing) for the duration of the block.

    Parameters
    ----------
    folder : str or Path
        The output folder (e.g. ``reports``).
    holder : str
        What holds it, for the message of a refused command (e.g. ``"umkm-sim batch"``).

    Yields
    ------
    Path
        The lock file.

    Raises
    ------
    BusyError
        If another process holds the lock; the message names it and when it started.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            other = os.read(fd, 1000).decode("utf-8", "replace").strip() or "another command"
            raise BusyError(
                f"{folder} is being written by {other}; wait until it ends, or choose another --out"
            ) from None
        started = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{holder} (process {os.getpid()}, started {started})".encode(), 0)
        try:
            yield path
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
