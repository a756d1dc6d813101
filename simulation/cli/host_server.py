"""The report host: one process that keeps a brief's fixed costs paid, and runs ``umkm-sim report``.

A cold ``umkm-sim report`` spends most of its time on a fresh process tree: importing papermill,
nbconvert and WeasyPrint, building the HTML exporter, starting a kernel and importing the package in
it. The host does all that once (:func:`warm_up`), then listens on this checkout's socket
(:func:`simulation.cli.host.socket_path`) and, for each request, runs the very same
``simulation.cli.main(argv)`` in its own process: in the client's working folder, with what it prints
captured and sent back, and with :mod:`simulation.cli.cmd_report` using the host's warm kernel
(:class:`Hosted`) instead of starting one. Papermill still executes every cell of the notebook, in a
kernel whose namespace is emptied and whose counter starts at 1 again before each brief
(:meth:`~simulation.reporting.warm_kernel.WarmKernel.fresh`).

One request at a time (the others wait in the socket's queue). The host stops after
``--idle-minutes`` without a request, on SIGTERM or ``umkm-sim host stop``, and when a client's code
digest differs from its own (the checkout's code changed). Its log holds the command, exit code and
seconds of each brief: never a command line, a path or a name.

SIGTERM between briefs stops the host at once. During a brief (or the warm-up) it is not raised into
papermill, nbclient and ZeroMQ, which do not survive an exception at any instruction (a client's
channels were seen to hang for good as they closed): the kernel is killed (:meth:`Hosted.stop`), so
the brief fails at its next wait on the kernel, its working folder removed and the report folder left
as it was, and the host stops without answering (the client runs the brief cold). A brief already
past its notebook finishes (its HTML and PDF take about a second) and is answered before the host stops.

Run as ``python -m simulation.cli.host_server`` by ``umkm-sim host start`` (:mod:`simulation.cli.cmd_host`).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import os
import signal
import socket
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from simulation.cli import host

WARM_BRIEF = host.ROOT / "scenarios" / "baseline.yaml"
"""The brief a host runs once as it starts, into a temporary folder, so that the first real one is warm."""

CHECK_SECONDS = 30.0
"""How often an idle host wakes to check its idle time and its own code (seconds)."""


class Stop(BaseException):
    """The host stops: raised by SIGTERM between briefs, and after one during a brief (by
    :meth:`Hosted.kernel` and :meth:`Hosted.renew`, and for a brief that did not succeed)."""


class Hosted:
    """The host's warm kernel, lent to :mod:`simulation.cli.cmd_report` for each brief.

    :meth:`kernel` is the kernel to run in; :meth:`renew` replaces one that died (a brief that lost
    its kernel gets one more try in a new one, as a batch worker's does).
    """

    def __init__(self, root: Path):
        # deferred: the host's kernel is started only once the host runs
        from simulation.reporting.warm_kernel import WarmKernel

        self._make = lambda: WarmKernel(root)
        self._kernel = self._make()
        self.stopping = False

    def kernel(self):
        """The warm kernel (:class:`Stop` once :meth:`stop` was called)."""
        if self.stopping:
            raise Stop
        return self._kernel

    def renew(self):
        """Stop the current kernel (if it still runs) and start another; return it (:class:`Stop` once
        :meth:`stop` was called: a brief whose kernel the host killed is not tried again)."""
        if self.stopping:
            raise Stop
        with contextlib.suppress(Exception):
            self._kernel.shutdown()
        self._kernel = self._make()
        return self._kernel

    def stop(self) -> None:
        """Kill the kernel at once, from SIGTERM's handler during a brief: papermill's wait on it ends as
        for a kernel that died (nbclient checks every second), and nothing is run in it again."""
        self.stopping = True
        self._kernel.kill()

    def shutdown(self) -> None:
        self._kernel.shutdown()


def warm_up(hosted: Hosted) -> None:
    """Pay a brief's fixed costs once: papermill imported (with the warm engine), nbconvert's HTML
    exporter built, WeasyPrint warmed, the command line imported, the kernel's imports done, and one
    brief of :data:`WARM_BRIEF` run into a temporary folder and thrown away (the first brief of a
    process pays for lazy imports, font and glyph caches in the kernel and in WeasyPrint: 0.7-1 s)."""
    # deferred: the host imports what a brief needs once it runs, not when `umkm-sim --help` imports cli
    from simulation.reporting import pdf
    from simulation.reporting.papermill_run import _exporter, _papermill, run_report

    _papermill()
    _exporter()
    pdf.warm()
    # deferred: the command line and its report command, as a brief runs them
    import simulation.cli.cmd_report  # noqa: F401
    import simulation.scenario.loader  # noqa: F401

    kernel = hosted.kernel()
    kernel.fresh()  # waits for the kernel's imports (WARM_IMPORTS)
    if WARM_BRIEF.exists():
        with tempfile.TemporaryDirectory(prefix="umkm-host-warm-") as folder:
            try:
                run_report(WARM_BRIEF, Path(folder) / "brief", kernel=kernel)  # empties the kernel after
            except Exception as exc:  # noqa: BLE001 - a brief that fails says why when a user runs it
                log(f"the warm-up brief failed ({type(exc).__name__})")
    # what the host holds now (papermill, nbconvert, WeasyPrint and their caches) is kept for good: out
    # of every later garbage collection (the host's collections took 0.41-0.59 s of each brief's
    # 1.9-2.0 CPU-s, 0.06-0.12 s once frozen; 2026-11-26 17:42 UTC, load 2.5-4.5)
    gc.collect()
    gc.freeze()


class Host:
    """The listening host: its socket, its state (started, briefs served, last request) and its loop."""

    def __init__(self, folder: Path, idle_minutes: float, digest: str):
        self.folder = folder
        self.path = host.socket_path(folder)
        self.idle_seconds = idle_minutes * 60
        self.digest = digest
        self.started = datetime.now(UTC)
        self.served = 0
        self.last = time.monotonic()
        self.running = True
        self.busy = False  # a brief (or the warm-up) is running
        self.terminated = False  # SIGTERM came
        self.hosted: Hosted | None = None
        self.sock: socket.socket | None = None

    def on_term(self, signum, frame) -> None:
        """SIGTERM: :class:`Stop` at once between briefs; during one, the kernel killed and the host
        stopped after it (see the module docstring)."""
        self.terminated = True
        self.running = False
        if not self.busy:
            raise Stop
        if self.hosted is not None:  # None while the host starts its kernel: not started again, see main
            self.hosted.stop()

    @contextlib.contextmanager
    def brief(self):
        """A brief (or the warm-up) runs in this block: SIGTERM then kills its kernel, not raised here."""
        self.busy = True
        try:
            yield
        finally:
            self.busy = False

    def listen(self) -> None:
        """Bind this checkout's socket (a stale one removed; refused if another host answers)."""
        if host.connect(self.path) is not None:
            raise host.HostError(f"another host already answers on {self.path}")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(str(self.path))
        os.chmod(self.path, 0o600)
        sock.listen(16)
        self.sock = sock
        self.last = time.monotonic()  # idle from now on, not from before the warm-up

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
        if self.hosted is not None:
            self.hosted.shutdown()

    def idle_left(self) -> float:
        """Seconds until the host stops for want of requests."""
        return max(0.0, self.idle_seconds - (time.monotonic() - self.last))

    def serve(self) -> None:
        """Answer requests one at a time until idle, stopped, stale or SIGTERM."""
        while self.running:
            left = self.idle_left()
            if left <= 0:
                log("stopping: idle")
                return
            self.sock.settimeout(min(left, CHECK_SECONDS))
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                if host.code_digest() != self.digest:
                    log("stopping: the checkout's code changed")
                    return
                continue
            with conn:
                conn.settimeout(None)
                self.answer(conn)

    def answer(self, conn: socket.socket) -> None:
        try:
            request = host.receive(conn, host.MAX_REQUEST)
        except (host.HostError, OSError) as exc:
            log(f"refused a request: {exc}")
            return
        reply = self.reply(request)
        with contextlib.suppress(OSError):  # a client gone (Ctrl-C) does not stop the host
            host.send(conn, reply)

    def reply(self, request: dict) -> dict:
        """The answer to one request (``op``: ``report``, ``status``, ``stop``)."""
        op = request.get("op")
        if request.get("root") != str(host.ROOT):
            return {"error": "this host serves another checkout"}
        if request.get("digest") != self.digest:
            log("stopping: a client runs other code")
            self.running = False
            return {"stale": True, "pid": os.getpid()}
        if op == "status":
            return self.status()
        if op == "stop":
            log("stopping: asked to")
            self.running = False
            return {"stopped": True, "pid": os.getpid()}
        if op != "report":
            return {"error": f"the host runs only 'umkm-sim report', not {op!r}"}
        argv = request.get("argv")
        if not isinstance(argv, list) or not argv or argv[0] != "report" or not all(isinstance(a, str) for a in argv):
            return {"error": "the host runs only 'umkm-sim report'"}
        cwd = request.get("cwd")
        if not isinstance(cwd, str) or not os.path.isdir(cwd):
            return {"error": "the client's working folder is not a folder here"}
        began = time.perf_counter()
        with self.brief():
            code, out, err = run_report(argv, cwd)
        if self.terminated and code != 0:
            raise Stop  # failed for its killed kernel (most likely): not answered, the client runs it cold
        self.served += 1
        self.last = time.monotonic()
        log(f"report exit {code} {time.perf_counter() - began:.2f} s")
        return {"code": code, "stdout": out, "stderr": err, "pid": os.getpid()}

    def status(self) -> dict:
        return {
            "pid": os.getpid(),
            "started": self.started.isoformat(timespec="seconds"),
            "served": self.served,
            "idle_minutes_left": round(self.idle_left() / 60, 1),
            "current": True,
            "socket": str(self.path),
        }


def run_report(argv: list[str], cwd: str) -> tuple[int, str, str]:
    """``simulation.cli.main(argv)`` in ``cwd``, its printed lines captured: (exit code, stdout, stderr)."""
    # deferred: the command line, imported by warm_up before the first request
    from simulation.cli import main

    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    try:
        os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse (the client parsed the same line already)
                code = exc.code if isinstance(exc.code, int) else 2
            except Exception:  # noqa: BLE001 - as a cold run: the traceback printed, exit 1; the host goes on
                traceback.print_exc()
                code = 1
    finally:
        os.chdir(here)
    return code, out.getvalue(), err.getvalue()


def log(text: str) -> None:
    """One line in the host's log (its stdout): time and ``text`` (never a command line or a name)."""
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} {text}", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Warm up, listen and serve (see the module docstring); the exit code is 0 after a normal stop."""
    parser = argparse.ArgumentParser(prog="python -m simulation.cli.host_server")
    parser.add_argument("--idle-minutes", type=float, default=30.0)
    args = parser.parse_args(argv)
    digest = host.code_digest()  # before the code is imported: a later edit makes the host stale
    folder = host.socket_folder()
    server = Host(folder, args.idle_minutes, digest)
    signal.signal(signal.SIGTERM, server.on_term)
    # deferred: cmd_report is the report command the host lends its kernel to
    from simulation.cli import cmd_report

    try:
        log(f"starting (pid {os.getpid()}, idle limit {args.idle_minutes:g} min)")
        with server.brief():
            server.hosted = Hosted(host.ROOT)
            cmd_report.HOSTED = server.hosted
            if not server.terminated:
                warm_up(server.hosted)
        if server.terminated:
            raise Stop
        server.listen()
        log("ready")
        server.serve()
        if server.terminated:
            raise Stop  # SIGTERM came during a brief that was then answered
    except Stop:
        log("stopping: SIGTERM")
    except host.HostError as exc:
        log(f"not started: {exc}")
        return 1
    finally:
        server.close()
    return 0


if __name__ == "__main__":  # pragma: no cover - run by `umkm-sim host start`
    sys.exit(main())
