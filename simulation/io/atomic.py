"""Writing a folder atomically: into a hidden sibling, flushed to disk, then renamed into place.

A command that writes a folder of outputs (``run``, ``report``) writes into
``.<name>.partial-<pid>-<random>`` beside the target. Only when everything is written and flushed is
the previous folder (if any) moved aside to ``.<name>.old-<pid>-<random>``, the new one renamed to
``<name>``, and the old one removed. A command killed at any moment therefore leaves the previous
complete folder, or the new complete one, never a mix; the hidden leftovers of a killed command are
cleaned (or, for a folder moved aside just before the kill, put back) by the next write to the same
target. A command interrupted rather than killed (Ctrl-C, a report host's SIGTERM) removes its working
folder itself, and puts back a folder it had moved aside, before it stops.

An existing target is replaced only when it is empty or looks like an output (it holds
``manifest.json`` or an executed notebook), so ``--out`` naming a folder of other files is refused
rather than emptied.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

from simulation.core.errors import OutputError

PARTIAL = "partial"
"""Marker in the name of a folder being written."""
OLD = "old"
"""Marker in the name of a previous folder moved aside during the swap."""

_HIDDEN = re.compile(r"^\.(?P<name>.+)\.(?P<kind>partial|old)-(?:(?P<pid>\d+)-)?[0-9a-f]+$")


def is_work_folder(path: Path) -> bool:
    """Whether ``path`` (or a folder above it) is a folder being written by :func:`reserve` and :func:`create`."""
    return any((m := _HIDDEN.match(p.name)) and m["kind"] == PARTIAL for p in (Path(path), *Path(path).parents))


def looks_like_output(folder: Path) -> bool:
    """Whether an existing folder may be replaced: empty, or holding ``manifest.json`` or a notebook."""
    entries = list(folder.iterdir())
    return not entries or any(e.name == "manifest.json" or e.suffix == ".ipynb" for e in entries)


def reserve(target: str | Path) -> Path:
    """Check ``target``, clean leftovers of killed writes to it, and name its working folder.

    The folder is not created here: the writer creates it (:func:`create`) inside the block that
    removes it on any exception, so that no interrupt (Ctrl-C, a report host's SIGTERM) can fall
    between the folder's creation and the code that removes it.

    Parameters
    ----------
    target : str or Path
        The folder the output will have in the end.

    Returns
    -------
    Path
        The hidden working folder beside ``target`` (not yet created).

    Raises
    ------
    OutputError
        If ``target`` is a file, the working folder or one holding it, a folder of other files, or its
        parent cannot be created or written (read-only or full disk, no permission).
    """
    target = Path(target)
    if target.exists() or target.is_symlink():
        if not target.is_dir():
            raise OutputError(f"{target} is a file, not a folder; name a folder for the output")
        here = Path.cwd().resolve()
        if here == target.resolve() or target.resolve() in here.parents:
            raise OutputError(f"{target} is the working folder or holds it; name a folder inside it for the output")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        clean_stale(target)
        if target.is_dir() and not looks_like_output(target):
            raise OutputError(
                f"{target} exists and holds files that are not an output of umkm-sim (no manifest.json); "
                "name a new folder or empty this one"
            )
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    return target.parent / f".{target.name}.{PARTIAL}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def create(work: Path, target: str | Path) -> None:
    """Create the working folder ``work`` named by :func:`reserve` for ``target``.

    Raises
    ------
    OutputError
        If it cannot be created (read-only or full disk, no permission), naming ``target``.
    """
    try:
        work.mkdir()
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc


def commit(work: Path, target: str | Path) -> None:
    """Flush ``work`` to disk and put it in place of ``target``; the previous folder is removed last."""
    target = Path(target)
    _fsync_tree(work)
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.{OLD}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        os.rename(target, old)
        try:
            os.rename(work, target)
        except BaseException:
            os.rename(old, target)  # interrupted between the renames: the previous folder goes back now
            raise
    else:
        os.rename(work, target)
    _fsync(target.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def abort(work: Path) -> None:
    """Remove a working folder (nothing happens if it was already moved away)."""
    shutil.rmtree(work, ignore_errors=True)


@contextlib.contextmanager
def atomic_folder(target: str | Path) -> Iterator[Path]:
    """Write a folder atomically: ``with atomic_folder(out) as work:`` write into ``work``.

    On leaving the block normally the folder is committed (:func:`commit`); on any exception
    (including KeyboardInterrupt) the working folder is removed and ``target`` is left as it was;
    an OSError (full or read-only disk) becomes an :class:`OutputError` naming ``target``.
    """
    work = reserve(target)
    try:
        create(work, target)
        yield work
        commit(work, target)
    except OSError as exc:
        abort(work)
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}; {_left(target)}") from exc
    except BaseException:
        abort(work)
        raise


@contextlib.contextmanager
def atomic_file(target: str | Path) -> Iterator[Path]:
    """Write one file atomically: ``with atomic_file(path) as temp:`` write ``temp``.

    ``temp`` is a hidden sibling with the same suffix (so a writer choosing its format by suffix
    still does); on leaving the block normally it is flushed and renamed over ``target``; on any
    exception it is removed and ``target`` is left as it was; an OSError (full or read-only disk)
    becomes an :class:`OutputError` naming ``target``.
    """
    target = Path(target)
    if target.is_dir():
        raise OutputError(f"cannot write {target}: it is a folder; name a file")
    temp = target.with_name(f".{target.stem}.{PARTIAL}-{os.getpid()}-{uuid.uuid4().hex[:8]}{target.suffix}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        yield temp
        _fsync(temp)
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}; it was left as it was") from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _left(target: Path) -> str:
    return "the previous output there is unchanged" if Path(target).exists() else "nothing was written there"


def writes_folder(argument: str):
    """Decorate a function that writes into the folder given as ``argument`` so it writes atomically.

    Paths the function returns that lie inside the working folder are returned as they will be
    inside the target. A folder that is already being written atomically (a report's working
    folder, for instance) is written directly: it is renamed into place as a whole later.
    """

    def decorate(func):
        signature = inspect.signature(func)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            target = Path(bound.arguments[argument])
            if is_work_folder(target):
                return func(*bound.args, **bound.kwargs)
            with atomic_folder(target) as work:
                bound.arguments[argument] = work
                returned = func(*bound.args, **bound.kwargs)
            return _moved(returned, work, target)

        return wrapper

    return decorate


def _moved(value, work: Path, target: Path):
    if isinstance(value, Path) and value.is_relative_to(work):
        return target / value.relative_to(work)
    if isinstance(value, list):
        return [_moved(v, work, target) for v in value]
    return value


def clean_stale(target: str | Path) -> list[Path]:
    """Remove the hidden leftovers of killed writes to ``target``; put back a folder moved aside.

    A working folder whose process is still alive is left alone (another command is writing it).

    Returns
    -------
    list of Path
        The leftovers removed or restored.
    """
    target = Path(target)
    if not target.parent.is_dir():
        return []
    cleaned = []
    for entry in sorted(target.parent.iterdir()):
        m = _HIDDEN.match(entry.name)
        if not m or m["name"] != target.name or not entry.is_dir():
            continue
        if m["pid"] is not None and _alive(int(m["pid"])):
            continue
        if m["kind"] == OLD and not target.exists():
            os.rename(entry, target)  # killed between the two renames: the previous output comes back
        else:
            shutil.rmtree(entry, ignore_errors=True)
        cleaned.append(entry)
    return cleaned


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(folder: Path) -> None:
    """fsync every file and folder under ``folder`` (the data reaches the disk before the rename)."""
    for root, _, names in os.walk(folder):
        for name in names:
            _fsync(Path(root) / name)
        _fsync(Path(root))
