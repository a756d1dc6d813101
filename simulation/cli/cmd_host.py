"""``umkm-sim host start|stop|status``: a report host that keeps a brief's fixed costs paid.

``start`` launches :mod:`simulation.cli.host_server` as a detached process (its own session, its
output in a log beside the socket) and returns once it answers: its kernel started and its imports
done, papermill imported, the HTML exporter built and WeasyPrint warmed. From then on
``umkm-sim report`` in this checkout runs through it (``--no-host`` to run cold), until it has been
idle for ``--idle-minutes``, is stopped, or sees that the checkout's code changed. Linux only.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from simulation.cli import CommandError

DESCRIPTION = (
    "A report host is a process of your own that keeps a Jupyter kernel, papermill, nbconvert and WeasyPrint "
    "ready, so that `umkm-sim report` in this checkout takes about half as long. `start` returns once it "
    "answers; from then on every report runs through it (`--no-host` runs one cold) until it has been idle "
    "for --idle-minutes, is stopped with `stop`, or sees that the checkout's code changed. Linux only."
)
"""What ``umkm-sim host --help`` says."""

START_SECONDS = 180
"""Longest wait for a new host to answer (its kernel's imports on a loaded machine are slow)."""


def register(sub) -> None:
    p = sub.add_parser(
        "host",
        help="start, stop or ask about a report host that makes `umkm-sim report` faster (Linux)",
        description=DESCRIPTION,
    )
    p.add_argument("action", choices=("start", "stop", "status"), help="start a host, stop it, or show it")
    p.add_argument(
        "--idle-minutes",
        type=float,
        default=30.0,
        help="start: stop the host after this many minutes without a brief (default: 30)",
    )
    p.set_defaults(func=main)


def main(args) -> int:
    # deferred: the command line imports what a command needs only when it runs
    from simulation.cli import host

    if not host.supported():
        raise CommandError(f"a report host runs on Linux only, not on {sys.platform}; `umkm-sim report` runs cold")
    try:
        folder = host.socket_folder()
    except host.HostError as exc:
        raise CommandError(str(exc)) from None
    return {"start": _start, "stop": _stop, "status": _status}[args.action](args, folder)


def _start(args, folder) -> int:
    # deferred: the command line imports what a command needs only when it runs
    from simulation.cli import host

    if args.idle_minutes <= 0:
        raise CommandError(f"--idle-minutes must be positive, got {args.idle_minutes:g}")
    running = host.ask({"op": "status"}, folder)
    if running and "pid" in running and not running.get("stale"):
        print(f"a report host already runs: pid {running['pid']}, socket {host.socket_path(folder)}")
        return 0
    log = host.log_path(folder)
    with open(log, "ab") as out:
        os.chmod(log, 0o600)
        process = subprocess.Popen(
            [sys.executable, "-m", "simulation.cli.host_server", "--idle-minutes", f"{args.idle_minutes:g}"],
            cwd=host.ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # detached: not stopped with this terminal's Ctrl-C or hang-up
            close_fds=True,
        )
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CommandError(f"the report host stopped while starting (exit {process.returncode}); see {log}")
        reply = host.ask({"op": "status"}, folder)
        if reply and reply.get("pid") == process.pid:
            print(f"report host ready: pid {process.pid}, socket {host.socket_path(folder)}")
            print(f"  it stops after {args.idle_minutes:g} idle minutes; `umkm-sim host stop` stops it now")
            return 0
        time.sleep(0.1)
    process.terminate()
    raise CommandError(f"the report host did not answer within {START_SECONDS} s; stopped it (see {log})")


def _stop(args, folder) -> int:
    # deferred: the command line imports what a command needs only when it runs
    from simulation.cli import host

    reply = host.ask({"op": "stop"}, folder)
    if reply is None or reply.get("gone"):
        print("no report host runs for this checkout")
        return 0
    pid = reply.get("pid")
    path = host.socket_path(folder)
    deadline = time.monotonic() + 30
    while path.exists() and time.monotonic() < deadline:  # it removes its socket as it stops its kernel
        time.sleep(0.05)
    said = "stopped" if reply.get("stopped") else "ran older code than this checkout's; it has stopped"
    print(f"report host (pid {pid}) {said}")
    return 0


def _status(args, folder) -> int:
    # deferred: the command line imports what a command needs only when it runs
    from simulation.cli import host

    reply = host.ask({"op": "status"}, folder)
    if reply is None or reply.get("gone"):
        print("no report host runs for this checkout")
        return 0
    if reply.get("stale"):
        print(f"the report host (pid {reply.get('pid')}) ran older code than this checkout's; it has stopped")
        return 0
    print(
        f"report host: pid {reply['pid']}, started {reply['started']}, briefs served {reply['served']}, "
        f"{reply['idle_minutes_left']:g} idle minutes left, code current\n  socket {reply['socket']}"
    )
    return 0
