"""``umkm-sim app``: the planner app in the browser, served by Voila.

It listens on 127.0.0.1 unless ``--host`` says otherwise; on any other address it requires a
token (printed with the URL). Ctrl-C stops the server and its kernels.
"""

from __future__ import annotations

import ipaddress
import secrets
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from simulation.cli import CommandError

LOOPBACK = "127.0.0.1"


def register(sub) -> None:
    p = sub.add_parser("app", help="start the planner app in the browser (Voila); Ctrl-C stops it")
    p.add_argument("--port", type=int, default=8866, help="port to listen on (default: 8866)")
    p.add_argument("--host", default=LOOPBACK, help="address to listen on (default: 127.0.0.1, this computer only)")
    p.add_argument("--scenarios", default="scenarios", help="scenario folder, where saved scenarios go too")
    p.add_argument("--out", default="reports/app", help="folder for the downloads (default: reports/app)")
    p.add_argument("--language", default="id", choices=["id", "en"], help="starting language (default: id)")
    p.set_defaults(func=main)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this computer only (``localhost`` or a loopback address)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def command(notebook: Path, port: int, host: str, token: str) -> list[str]:
    """The Voila command line for ``notebook``."""
    # deferred: the kernel client module imports jupyter_client, which `umkm-sim --help` need not load
    from simulation.reporting.kernel import CLIENT_CLASS

    return [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        f"--port={port}",
        f"--Voila.ip={host}",
        f"--Voila.token={token}",
        "--no-browser",
        "--theme=light",
        "--show_tracebacks=True",
        "--Voila.port_retries=0",
        # a browser tab closed without saying so leaves its kernel idle: stop it after 15 minutes
        "--MappingKernelManager.cull_idle_timeout=900",
        "--MappingKernelManager.cull_interval=60",
        # a reply whose wake-up an Output widget's message consumed is still received (reporting/kernel.py)
        f"--ServerKernelManager.client_class={CLIENT_CLASS}",
    ]


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main(args) -> int:
    # deferred: the command line imports what a command needs only when it runs
    from simulation.app.notebook import write

    folder = Path(args.scenarios)
    if not folder.is_dir():
        raise CommandError(f"scenario folder {folder} not found (run from a clone of the repository)")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    token = "" if is_loopback(args.host) else secrets.token_urlsafe(24)
    signal.signal(signal.SIGTERM, _interrupt)  # `kill PID` stops the server too, like Ctrl-C
    server = None
    with tempfile.TemporaryDirectory(prefix="umkm-app-") as directory:
        try:
            notebook = write(Path(directory), folder, Path(args.out), args.language)
            url = f"http://{args.host}:{args.port}/" + (f"?token={token}" if token else "")
            if token:
                print(f"listening on {args.host}, reachable from other computers: a token is required")
            print(f"planner app: {url}  (Ctrl-C stops it)", flush=True)
            # its own session, so Ctrl-C reaches this process only and the server is stopped here, once
            server = subprocess.Popen(command(notebook, args.port, args.host, token), start_new_session=True)
            return server.wait()
        except KeyboardInterrupt:
            print("stopping the planner app", flush=True)
            return 0
        finally:
            if server is not None and server.poll() is None:
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
