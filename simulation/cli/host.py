"""The report host's client side: where its socket is, the code digest, the messages, the asking.

A report host (:mod:`simulation.cli.host_server`, started by ``umkm-sim host start``) keeps a Jupyter
kernel warm, papermill imported and WeasyPrint ready, and runs ``umkm-sim report`` for the commands
of the same user, checkout and code. This module is what ``umkm-sim report`` imports to find out
whether one answers: the standard library only, a few milliseconds when no host runs.

Safety:

- the socket lives in a per-user folder (:func:`socket_folder`, mode 0700, refused when it is a
  symlink, another user's, or open to the group or others), named by a hash of the checkout's root,
  so two clones never share a host;
- messages are JSON (never pickle), each preceded by its length; a request is at most
  :data:`MAX_REQUEST` bytes;
- the client sends :func:`code_digest` with each request; a host whose code differs stops, and the
  report runs without it.

Linux only: elsewhere (Windows, macOS) :func:`supported` is false and every report runs cold.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import stat
import struct
import sys
import tempfile
from pathlib import Path

from simulation.core.version import __version__

ROOT = Path(__file__).resolve().parents[2]
"""The checkout whose code this is (the repository root; one host per checkout)."""

FOLDER_ENV = "UMKM_SIM_HOST_DIR"
"""Environment variable naming the socket folder instead of the default (tests use a temporary one)."""

MAX_REQUEST = 64 * 1024
"""Largest request a host reads, in bytes (a report's command line is far smaller)."""

MAX_REPLY = 64 * 1024 * 1024
"""Largest reply a client reads, in bytes (a report's printed lines and messages)."""

CONNECT_SECONDS = 2.0
"""How long a client waits for a host to accept its connection before running cold (a host busy with
another brief accepts only when that one is done; the wait then goes on inside :func:`ask`)."""

HEADER = struct.Struct(">I")
"""Each message: its length in bytes (4 bytes, big-endian), then that many bytes of UTF-8 JSON."""


class HostError(RuntimeError):
    """The host's folder is unsafe, or the host broke the protocol; the message says which."""


def supported() -> bool:
    """True on Linux, the one system the host is built and tested for (Unix sockets, sessions)."""
    return sys.platform.startswith("linux")


def socket_folder(create: bool = True) -> Path:
    """The per-user folder of host sockets and logs, made private (mode 0700) if ``create``.

    ``$UMKM_SIM_HOST_DIR`` if set, else ``umkm-sim-<uid>`` in ``$XDG_RUNTIME_DIR`` or the temporary folder.

    Raises
    ------
    HostError
        If the folder is a symlink, is not owned by this user, or grants the group or others any access.
    """
    folder = folder_path()
    if create:
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            pass
    check_private(folder)
    return folder


def folder_path() -> Path:
    """Where the host folder is (see :func:`socket_folder`), without making or checking it."""
    given = os.environ.get(FOLDER_ENV)
    if given:
        return Path(given)
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    return Path(base) / f"umkm-sim-{os.getuid()}"


def check_private(folder: Path) -> None:
    """Refuse ``folder`` unless it is a real folder of this user that nobody else can enter.

    Raises
    ------
    HostError
        Naming the folder and what is wrong with it.
    """
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        raise HostError(f"the host folder {folder} does not exist") from None
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise HostError(f"the host folder {folder} is not a folder (a symlink or a file); refused")
    if info.st_uid != os.getuid():
        raise HostError(f"the host folder {folder} belongs to another user (uid {info.st_uid}); refused")
    if info.st_mode & 0o077:
        raise HostError(f"the host folder {folder} is open to others (mode {stat.S_IMODE(info.st_mode):o}); refused")


def checkout_key(root: Path = ROOT) -> str:
    """A short hash of the checkout's root path: the socket's name, so two clones never share a host."""
    return hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]


def socket_path(folder: Path | None = None) -> Path:
    """This checkout's socket (``<key>.sock``) in the host folder."""
    return (folder or socket_folder()) / f"{checkout_key()}.sock"


def log_path(folder: Path | None = None) -> Path:
    """The host's log beside its socket (command, exit code and seconds of each brief; nothing else)."""
    return (folder or socket_folder()) / f"{checkout_key()}.log"


def code_digest(root: Path = ROOT) -> str:
    """A digest of the code a report runs: the package version and the (path, size, mtime_ns) of every
    ``simulation/**/*.py`` and ``notebooks/*.ipynb``, read with ``os.stat`` only (a few milliseconds).
    A host whose digest differs from its client's runs stale code, and stops."""
    h = hashlib.sha256(__version__.encode())
    files = sorted([*(root / "simulation").rglob("*.py"), *(root / "notebooks").glob("*.ipynb")])
    for path in files:
        info = path.stat()
        h.update(f"\0{path.relative_to(root)}\0{info.st_size}\0{info.st_mtime_ns}".encode())
    return h.hexdigest()


def send(conn: socket.socket, message: dict) -> None:
    """Send one message (its length, then JSON)."""
    data = json.dumps(message).encode()
    conn.sendall(HEADER.pack(len(data)) + data)


def receive(conn: socket.socket, limit: int) -> dict:
    """Read one message of at most ``limit`` bytes.

    Raises
    ------
    HostError
        If the other side closed early, announced more than ``limit`` bytes, or sent no JSON object.
    """
    size = HEADER.unpack(_exactly(conn, HEADER.size))[0]
    if size > limit:
        raise HostError(f"a message of {size} bytes (at most {limit})")
    try:
        message = json.loads(_exactly(conn, size))
    except ValueError:
        raise HostError("a message that is not JSON") from None
    if not isinstance(message, dict):
        raise HostError("a message that is not a JSON object")
    return message


def _exactly(conn: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = conn.recv(min(left, 1 << 20))
        if not chunk:
            raise HostError("the other side closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def connect(path: Path) -> socket.socket | None:
    """A connection to the host at ``path``, or None when none answers (a socket file with no process
    behind it is removed)."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.settimeout(CONNECT_SECONDS)
    try:
        conn.connect(str(path))
    except FileNotFoundError:
        conn.close()
        return None
    except ConnectionRefusedError:
        conn.close()
        _remove_stale(path)
        return None
    except OSError:
        conn.close()
        return None
    conn.settimeout(None)
    return conn


def _remove_stale(path: Path) -> None:
    """Remove a socket file nobody listens on (its host was killed); leave anything else alone."""
    try:
        if stat.S_ISSOCK(os.lstat(path).st_mode):
            path.unlink()
    except OSError:
        pass


GONE = {"gone": True}
"""What :func:`ask` returns when the host took the request and went away before answering (stopped,
killed, or stale)."""


def ask(message: dict, folder: Path | None = None) -> dict | None:
    """Send ``message`` (with this checkout's root and code digest added) to the host and return its
    reply, or None when no host answers (:data:`GONE` when it went away before answering). Waits
    while the host serves another brief.

    Raises
    ------
    HostError
        If the host folder is unsafe or the host broke the protocol.
    """
    conn = connect(socket_path(folder))
    if conn is None:
        return None
    with conn:
        try:
            send(conn, {**message, "root": str(ROOT), "digest": code_digest()})
            return receive(conn, MAX_REPLY)
        except (HostError, OSError):
            return dict(GONE)


def forward(argv: list[str]) -> int | None:
    """Run ``umkm-sim report`` (``argv``, without the program name) in this checkout's host.

    The host's printed lines are printed here and its exit code returned; None when no host answers
    for this checkout and code, and the report should run cold (a host with other code stops, and one
    line says so). Costs a few milliseconds when no host runs.
    """
    if not supported() or not os.path.lexists(folder_path()):
        return None  # no host was ever started here: nothing is made or checked
    try:
        reply = ask({"op": "report", "argv": list(argv), "cwd": os.getcwd()})
    except HostError as exc:
        print(f"umkm-sim: {exc}; running without the report host", file=sys.stderr)
        return None
    if reply is None:
        return None
    if reply.get("gone"):
        print("umkm-sim: the report host stopped before answering; running without it", file=sys.stderr)
        return None
    if reply.get("stale"):
        print("umkm-sim: the report host ran older code and has stopped; running without it", file=sys.stderr)
        return None
    if "code" not in reply:
        print(f"umkm-sim: the report host refused: {reply.get('error')}; running without it", file=sys.stderr)
        return None
    sys.stdout.write(reply.get("stdout", ""))
    sys.stderr.write(reply.get("stderr", ""))
    return int(reply["code"])
