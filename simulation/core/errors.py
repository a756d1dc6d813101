"""Domain exceptions: every user-facing error names what was wrong and what is allowed."""

from __future__ import annotations


class ScenarioError(ValueError):
    """A scenario file (or an override) cannot be used.

    The message names the file, the dotted key path, the offending value and
    what is allowed, one problem per line, so the CLI can print it as is.

    Parameters
    ----------
    problems : list of (file, key, value, allowed)
        Each problem found; ``value`` may be ``None`` when a key is missing.
    """

    def __init__(self, problems: list[tuple[str, str, object, str]]):
        self.problems = problems
        lines = [_line(*p) for p in problems]
        super().__init__("\n".join(lines))

    def __reduce__(self):
        # rebuilt from its problems, so it crosses a process pool intact (the default pickles the message)
        return (type(self), (self.problems,))


class OutputError(Exception):
    """An output cannot be written where asked (a file in the way, a folder of other files, a lock held).

    The message names the path and what to do; the command line prints it without a traceback.
    """


class BusyError(OutputError):
    """Another command holds the lock of an output folder (a batch writing the same reports)."""


def _line(file: str, key: str, value: object, allowed: str) -> str:
    where = f"{file}: " if file else ""
    if value is NO_VALUE:
        return f"{where}{key + ': ' if key else ''}{allowed}"
    shown = "(missing)" if value is _MISSING else repr(value)
    key_part = f"{key} = {shown}" if key else shown
    return f"{where}{key_part}: {allowed}"


class _Sentinel:
    """A named marker that stays itself when pickled (a problem may cross a process pool)."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:  # pragma: no cover - only for debugging
        return "(missing)" if self.name == "MISSING" else f"<{self.name}>"

    def __reduce__(self) -> str:
        return self.name


MISSING = _Sentinel("MISSING")
"""A required key that is absent (shown as ``(missing)``)."""
_MISSING = MISSING
NO_VALUE = _Sentinel("NO_VALUE")
"""A problem with no value to show (a file that is not found, not YAML)."""
