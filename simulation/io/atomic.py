"""Output folders that appear complete or not at all.

:func:`atomic_folder` gives a temporary folder beside the target (same parent, so the same file
system); the caller writes every file there; on success the temporary folder takes the target's
place in one step (Linux ``renameat2(RENAME_EXCHANGE)``: the old outputs stay in place until the
very moment the new ones replace them; elsewhere two renames a few microseconds apart). If the
writer fails or is killed, the target is untouched and the temporary folder (named
``.NAME.partial-*``) is removed, or left behind to be deleted by hand after a kill.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RENAME_EXCHANGE = 2
AT_FDCWD = -100


class OutputFolderError(OSError):
    """The target folder holds files the writer did not make (it is never replaced)."""


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False where the system cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return fn(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        with open(path, "rb") as fh:
            os.fsync(fh.fileno())


@contextmanager
def atomic_folder(target: str | Path, allowed: frozenset[str]) -> Iterator[Path]:
    """Write a folder atomically.

    Parameters
    ----------
    target : path
        The folder that will hold the outputs.
    allowed : frozenset of str
        File names the writer produces. An existing target holding anything else is refused, so a
        folder of the user's own files is never replaced.

    Yields
    ------
    Path
        The temporary folder to write into.

    Raises
    ------
    OutputFolderError
        If ``target`` exists and is not a folder, or holds other files.
    """
    target = Path(target)
    if target.exists():
        if not target.is_dir():
            raise OutputFolderError(f"{target.name} exists and is not a folder")
        strangers = sorted(p.name for p in target.iterdir() if p.name not in allowed)
        if strangers:
            raise OutputFolderError(
                f"{target.name} holds other files ({', '.join(strangers[:5])}); choose an empty or new folder"
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    try:
        yield temp
        _fsync_tree(temp)
        if target.exists():
            if _exchange(temp, target):
                shutil.rmtree(temp)  # now holds the old outputs
            else:
                old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
                os.replace(target, old / "x")
                os.replace(temp, target)
                shutil.rmtree(old)
        else:
            os.replace(temp, target)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def file_record(path: Path, rows: int | None) -> dict:
    """A manifest entry: the file's SHA-256 and, for a table, its rows below the header."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"sha256": digest, "rows": rows}
