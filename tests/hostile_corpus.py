"""The project's corpus of hostile inputs and faults, each with the outcome it must have.

A case is a command line of ``umkm-sim`` (run in-process through :func:`simulation.cli.main`), an
optional setup that writes hostile files into a fresh folder, an optional injected fault (a full
or read-only disk), and the expected exit code with a piece of the message. Every case must end as
expected with no traceback. ``test_hostile_corpus.py`` runs them all; :func:`tally` counts outcomes
(it runs against any version of the package, so the counts before and after a change can be
compared).

Placeholders in the arguments: ``{tmp}`` the case's own empty folder, ``{root}`` the repository,
``{base}`` the shipped baseline scenario.
"""

from __future__ import annotations

import contextlib
import errno
import io
import signal
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
BROKEN = ROOT / "tests" / "fixtures" / "broken"
TIMEOUT = 10
"""Seconds a case may take before it counts as a hang."""


@dataclass(frozen=True)
class Case:
    """One hostile input: arguments, setup, fault, and the expected exit code and message."""

    id: str
    argv: tuple[str, ...]
    exit: int
    message: str = ""
    setup: Callable[[Path], None] | None = None
    fault: str | None = None


def _write(name: str, data: bytes | str) -> Callable[[Path], None]:
    def setup(tmp: Path) -> None:
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")

    return setup


def _both(*setups: Callable[[Path], None]) -> Callable[[Path], None]:
    def setup(tmp: Path) -> None:
        for s in setups:
            s(tmp)

    return setup


def _folder(name: str) -> Callable[[Path], None]:
    return lambda tmp: (tmp / name).mkdir(parents=True)


def _previous_run(tmp: Path) -> None:
    from simulation.cli import main

    with contextlib.redirect_stdout(io.StringIO()):
        main(["run", str(ROOT / "scenarios" / "baseline.yaml"), "--out", str(tmp / "out"), "--set", "years=2"])


ALIAS_BOMB = (BROKEN / "alias_bomb.yaml").read_bytes()
BASE_TEXT = (ROOT / "scenarios" / "baseline.yaml").read_text(encoding="utf-8")
CHILD = "extends: {parent}\ndescription: a reform of a hostile parent\n"


def _fixture_cases() -> list[Case]:
    """Every deliberately broken file: ``validate`` exits 2 with the file's first expected line."""
    import re

    cases = []
    for path in sorted(BROKEN.glob("*.yaml")):
        expected = re.findall(r"^# expect: (.+)$", path.read_text(encoding="utf-8"), flags=re.M)
        cases.append(Case(f"file-{path.stem}", ("validate", str(path)), 2, expected[0].strip()))
    return cases


FILE_CASES = [
    Case("file-binary", ("validate", "{tmp}/x.yaml"), 2, "is a binary file", _write("x.yaml", bytes(range(256)))),
    Case(
        "file-utf16",
        ("validate", "{tmp}/x.yaml"),
        2,
        "is UTF-16 text; save it as UTF-8",
        _write("x.yaml", BASE_TEXT.encode("utf-16")),
    ),
    Case(
        "file-latin1",
        ("validate", "{tmp}/x.yaml"),
        2,
        "is not UTF-8 text",
        _write("x.yaml", "description: caf\u00e9\n".encode("latin-1")),
    ),
    Case("file-folder", ("validate", "{tmp}/x.yaml"), 2, "is a folder, not a scenario file", _folder("x.yaml")),
    Case("file-missing", ("validate", "{tmp}/none.yaml"), 2, "file not found"),
    Case(
        "file-huge",
        ("validate", "{tmp}/x.yaml"),
        2,
        "a scenario file is at most 1,000,000 bytes",
        _write("x.yaml", "description: x\n" + "#" * 2_000_000 + "\n"),
    ),
    Case("file-empty", ("validate", "{tmp}/x.yaml"), 2, "description = (missing)", _write("x.yaml", "")),
    Case("file-a-list", ("validate", "{tmp}/x.yaml"), 2, "must be a mapping of keys", _write("x.yaml", "- 1\n- 2\n")),
    Case("file-a-scalar", ("validate", "{tmp}/x.yaml"), 2, "must be a mapping of keys", _write("x.yaml", "42\n")),
    Case("file-tab-indent", ("validate", "{tmp}/x.yaml"), 2, "not valid YAML", _write("x.yaml", "a:\n\tb: 1\n")),
    Case(
        "extends-binary",
        ("validate", "{tmp}/x.yaml"),
        2,
        "is a binary file",
        _both(_write("p.bin", bytes(range(256))), _write("x.yaml", CHILD.format(parent="p.bin"))),
    ),
    Case(
        "extends-utf16",
        ("validate", "{tmp}/x.yaml"),
        2,
        "is UTF-16 text",
        _both(_write("p.yaml", BASE_TEXT.encode("utf-16")), _write("x.yaml", CHILD.format(parent="p.yaml"))),
    ),
    Case(
        "extends-folder",
        ("validate", "{tmp}/x.yaml"),
        2,
        "is a folder, not a scenario file",
        _both(_folder("p.yaml"), _write("x.yaml", CHILD.format(parent="p.yaml"))),
    ),
    Case(
        "extends-secrets",
        ("validate", "{tmp}/x.yaml"),
        2,
        "its contents are not shown",
        _both(_write("p.env", "token: s3cret-token\n"), _write("x.yaml", CHILD.format(parent="p.env"))),
    ),
    Case(
        "extends-a-list",
        ("validate", "{tmp}/x.yaml"),
        2,
        "extends = ['a', 'b']: the path of one scenario file",
        _write("x.yaml", "extends: [a, b]\ndescription: x\n"),
    ),
    Case(
        "extends-itself",
        ("validate", "{tmp}/x.yaml"),
        2,
        "circular 'extends'",
        _write("x.yaml", "extends: x.yaml\ndescription: x\n"),
    ),
]

OVERRIDES = [
    ("umkm-inf", "population.initial_umkm=.inf", "not a finite number"),
    ("umkm-1e400", "population.initial_umkm=1e400", "not a finite number"),
    ("umkm-minus-1e400", "population.initial_umkm=-1e400", "greater than or equal to 0"),
    ("umkm-1e308", "population.initial_umkm=1e308", "beyond sense; allowed: at most 100,000,000 UMKM"),
    ("umkm-above-limit", "population.initial_umkm=100000001", "beyond sense"),
    ("umkm-huge-int", "population.initial_umkm=" + "9" * 400, "must be a valid number"),
    ("umkm-true", "population.initial_umkm=true", "a boolean is not allowed here"),
    ("umkm-no", "population.initial_umkm=no", "a boolean is not allowed here"),
    ("umkm-negative", "population.initial_umkm=-5", "greater than or equal to 0"),
    ("umkm-text", "population.initial_umkm=many", "valid number"),
    ("umkm-list", "population.initial_umkm=[1, 2]", "population.initial_umkm"),
    ("umkm-null", "population.initial_umkm=", "the value is empty"),
    ("jkk-1e400", "contribution.jkk=1e400", "not a finite number"),
    ("jkk-nan", "contribution.jkk=.nan", "not a finite number"),
    ("jkk-above-limit", "contribution.jkk=10000001", "allowed: at most 10,000,000 rupiah per member per month"),
    ("jkk-true", "contribution.jkk=true", "a boolean is not allowed here"),
    ("jkk-negative", "contribution.jkk=-1", "greater than or equal to 0"),
    ("jkm-inf", "contribution.jkm=.inf", "not a finite number"),
    ("jkm-dated-inf", "contribution.jkm={2026-01: .inf}", "not a finite number"),
    ("jht-above-limit", "contribution.jht=2e7", "beyond sense"),
    ("years-true", "years=true", "a boolean is not allowed here"),
    ("years-false", "years=false", "a boolean is not allowed here"),
    ("years-zero", "years=0", "greater than or equal to 1"),
    ("years-41", "years=41", "less than or equal to 40"),
    ("years-fraction", "years=1.5", "valid integer"),
    ("years-1e400", "years=1e400", "years"),
    ("years-text", "years=ten", "valid integer"),
    ("years-null", "years=", "the value is empty"),
    ("years-short", "years=1", "override years (against"),
    ("start-early", "start=2020-01", "override start (against"),
    ("start-garbage", "start=soon", "start"),
    ("start-month-13", "start=2026-13", "start"),
    ("start-true", "start=true", "a boolean is not allowed here"),
    ("closure-nan", "assumptions.closure_rate=.nan", "not a finite number"),
    ("closure-two", "assumptions.closure_rate=2", "less than or equal to 1"),
    ("closure-negative", "assumptions.closure_rate=-0.1", "greater than or equal to 0"),
    ("closure-yes", "assumptions.closure_rate=yes", "a boolean is not allowed here"),
    ("inflation-inf", "assumptions.inflation=.inf", "not a finite number"),
    ("rate-inf-text", "policy.graduation.rate=inf", "policy.graduation.rate"),
    ("rollout-1e9", "policy.rollout={2026-01: 1e9}", "beyond sense"),
    ("rollout-inf", "policy.rollout={2026-01: .inf}", "not a finite number"),
    ("rollout-falls", "policy.rollout={2026-01: 5000, 2027-01: 3000}", "cannot fall"),
    ("rollout-empty", "policy.rollout={}", "policy.rollout"),
    ("target-1e9", "policy.coverage_target=1e9", "beyond sense"),
    ("payers-half", "policy.payers={apbd_kabupaten: 0.5}", "sum to 0.5"),
    ("payers-unknown", "policy.payers={nobody: 1.0}", "nobody"),
    ("rule-unknown", "policy.graduation.rule=magic", "allowed:"),
    ("rule-on", "policy.graduation.rule=on", "a boolean is not allowed here"),
    ("ceiling-inf", "policy.budget_ceiling=.inf", "not a finite number"),
    ("discount-inf", "fiscal.discount_rate=.inf", "not a finite number"),
    ("income-1e11", "benefits.declared_income=1e11", "beyond sense"),
    ("revenue-1e14", "population.revenue_mean=1e14", "beyond sense"),
    ("revenue-inf", "population.revenue_mean=.inf", "not a finite number"),
    ("sectors-other", "population.sector_shares={a: 1.0}", "override population.sector_shares (against"),
    ("unknown-key", "assumptions.closure_rat=0.1", "Did you mean 'closure_rate'?"),
    ("unknown-section", "nonsense.key=1", "unknown key"),
    ("no-equals", "assumptions.closure_rate", "an override is KEY=VALUE"),
    ("description-empty", "description=''", "description"),
    ("value-recursive-alias", "years=&a [*a]", "override years: the value line 1: an alias refers to the node"),
    ("value-duplicate-key", "years={a: 1, a: 2}", "override years: the value key 'a' appears twice"),
    ("value-many-aliases", "description=&a [" + ", ".join(["*a"] * 101) + "]", "more than 100 YAML aliases"),
    ("registry-missing", "population.registry={tmp}/none.csv", "file not found"),
    ("registry-folder", "population.registry={tmp}", "is a folder, not a registry file"),
]
OVERRIDE_CASES = [Case(f"set-{key}", ("validate", "{base}", "--set", value), 2, msg) for key, value, msg in OVERRIDES]

RUN = ("run", "{base}", "--set", "years=2", "--out")
OUTPUT_CASES = [
    Case("out-is-a-file", (*RUN, "{tmp}/f"), 3, "is a file, not a folder", _write("f", "keep")),
    Case("out-holds-other-files", (*RUN, "{tmp}/d"), 3, "not an output of umkm-sim", _write("d/notes.txt", "mine")),
    Case("out-full-disk", (*RUN, "{tmp}/out"), 3, "No space left on device", fault="full_disk"),
    Case(
        "out-full-disk-over-a-run",
        (*RUN, "{tmp}/out"),
        3,
        "the previous output there is unchanged",
        _previous_run,
        "full_disk",
    ),
    Case("out-read-only", (*RUN, "{tmp}/out"), 3, "Read-only file system", fault="read_only"),
    Case("out-over-a-previous-run", (*RUN, "{tmp}/out"), 0, "", _previous_run),
    Case("out-deep-new-folder", (*RUN, "{tmp}/a/b/c"), 0),
    Case("run-bad-scenario", ("run", str(BROKEN / "unknown_key.yaml"), "--out", "{tmp}/o"), 2, "Did you mean"),
    Case(
        "run-inf-override",
        ("run", "{base}", "--set", "population.initial_umkm=1e400", "--out", "{tmp}/o"),
        2,
        "not a finite number",
    ),
    Case(
        "run-missing-registry",
        ("run", "{base}", "--set", "population.registry={tmp}/none.csv", "--engine", "micro", "--out", "{tmp}/o"),
        2,
        "file not found",
    ),
    Case("run-zero-reps", ("run", "{base}", "--engine", "micro", "--reps", "0", "--out", "{tmp}/o"), 1, "--reps"),
    Case("list-empty-folder", ("list", "{tmp}"), 1, "no scenario files"),
    Case("list-binary-scenario", ("list", "{tmp}"), 1, "INVALID: ", _write("x.yaml", bytes(range(256)))),
    Case("list-folder-named-yaml", ("list", "{tmp}"), 1, "INVALID: ", _folder("x.yaml")),
    Case("list-alias-bomb", ("list", "{tmp}"), 1, "INVALID: ", _write("x.yaml", ALIAS_BOMB)),
    Case("usage-unknown-command", ("fly",), 2, "invalid choice"),
    Case("usage-run-without-out", ("run", "{base}"), 2, "--out"),
]

CASES = [*_fixture_cases(), *FILE_CASES, *OVERRIDE_CASES, *OUTPUT_CASES]


@contextlib.contextmanager
def _fault(kind: str | None):
    if kind is None:
        yield
        return
    if kind == "full_disk":
        import pandas as pd

        original, calls = pd.DataFrame.to_csv, []

        def to_csv(self, *args, **kwargs):
            calls.append(1)
            if len(calls) > 1:
                raise OSError(errno.ENOSPC, "No space left on device")
            return original(self, *args, **kwargs)

        with mock.patch.object(pd.DataFrame, "to_csv", to_csv):
            yield
        return
    if kind == "read_only":

        def mkdir(self, *args, **kwargs):
            raise OSError(errno.EROFS, "Read-only file system", str(self))

        with mock.patch.object(Path, "mkdir", mkdir):
            yield
        return
    raise ValueError(kind)


class _Hang(Exception):
    pass


def run_case(case: Case, tmp: Path) -> tuple[int | None, str]:
    """Run one case in ``tmp``; return (exit code or None for a traceback or hang, stdout + stderr)."""
    # deferred: the corpus module is imported by a test runner before the package under test is chosen
    from simulation.cli import main

    if case.setup is not None:
        case.setup(tmp)
    values = {"tmp": str(tmp), "root": str(ROOT), "base": str(ROOT / "scenarios" / "baseline.yaml")}
    argv = list(case.argv)
    for key, value in values.items():
        argv = [a.replace("{" + key + "}", value) for a in argv]
    out, err = io.StringIO(), io.StringIO()

    def alarm(signum, frame):
        raise _Hang

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(TIMEOUT)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), _fault(case.fault):
            try:
                code = main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 2
    except _Hang:
        return None, f"HANG after {TIMEOUT} s"
    except Exception:  # noqa: BLE001 - a traceback is the outcome being counted
        return None, out.getvalue() + err.getvalue() + traceback.format_exc()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return code, out.getvalue() + err.getvalue()


def outcome(case: Case, code: int | None, text: str) -> str:
    """``as expected``, or what went wrong: ``traceback``, ``hang``, ``accepted`` (exit 0 where a refusal
    was due), ``wrong exit code``, ``wrong message``."""
    if code is None:
        return "hang" if text.startswith("HANG") else "traceback"
    if "Traceback" in text:
        return "traceback"
    if code != case.exit:
        return "accepted" if code == 0 else "wrong exit code"
    if case.message not in text:
        return "wrong message"
    return "as expected"


def tally(base: Path) -> Counter:
    """Run every case (each in its own folder under ``base``) and count the outcomes."""
    counts = Counter()
    for case in CASES:
        tmp = base / case.id
        tmp.mkdir(parents=True)
        counts[outcome(case, *run_case(case, tmp))] += 1
    return counts


if __name__ == "__main__":  # pragma: no cover - a measurement, run by hand
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        counts = tally(Path(folder))
    print(f"{len(CASES)} cases: " + ", ".join(f"{n} {k}" for k, n in counts.most_common()))
    sys.exit(0)
