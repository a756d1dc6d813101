"""The report host (``umkm-sim host``): real host processes in a temporary socket folder.

One host serves most tests (module-scoped, started by ``umkm-sim host start`` and stopped after
them); the tests that end a host (stop, stale code) start their own when theirs is gone. Every
process a test starts is stopped by its fixture. ``$UMKM_SIM_HOST_DIR`` points every command at the
temporary folder, so no test touches a user's real host.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import BASELINE, ROOT, pdf_pages

from simulation.cli import host

pytestmark = pytest.mark.skipif(not host.supported(), reason="the report host runs on Linux only")

CLI = [sys.executable, "-m", "simulation"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_gone(pid: int, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


class Hosts:
    """Starts this module's host on demand (again when a test ended it) and stops it at the end."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.env = {**os.environ, host.FOLDER_ENV: str(folder)}
        self.pids: list[int] = []

    def cli(self, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
        return subprocess.run([*CLI, *args], cwd=cwd, env=self.env, capture_output=True, text=True, timeout=300)

    def status(self) -> dict | None:
        """The host's status, or None when none answers."""
        reply = host.ask({"op": "status"}, self.folder)
        return reply if reply and "served" in reply else None

    def ensure(self) -> int:
        """The running host's pid, starting one if none runs."""
        running = self.status()
        if running:
            return running["pid"]
        done = self.cli("host", "start", "--idle-minutes", "10")
        assert done.returncode == 0, done.stderr
        pid = self.status()["pid"]
        assert f"pid {pid}" in done.stdout
        self.pids.append(pid)
        return pid

    def stop_all(self) -> None:
        self.cli("host", "stop")
        for pid in self.pids:
            if not _wait_gone(pid, 10):
                os.kill(pid, signal.SIGTERM)  # a host this module started, by its pid
                _wait_gone(pid, 10)


@pytest.fixture(scope="module")
def hosts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hosts") / "sockets"
    folder.mkdir(mode=0o700)
    before = os.environ.get(host.FOLDER_ENV)
    os.environ[host.FOLDER_ENV] = str(folder)  # in-process asks (host.ask, host.forward) go there too
    made = Hosts(folder)
    try:
        yield made
    finally:
        made.stop_all()
        if before is None:
            os.environ.pop(host.FOLDER_ENV, None)
        else:
            os.environ[host.FOLDER_ENV] = before


def _execution_counts(notebook: Path) -> list[int]:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return [c["execution_count"] for c in cells if c["cell_type"] == "code"]


def test_a_brief_through_the_host_is_the_cold_brief(hosts, tmp_path):
    pid = hosts.ensure()
    served = hosts.status()["served"]

    cold = hosts.cli("report", str(BASELINE), "--out", str(tmp_path / "cold"), "--no-host")
    assert cold.returncode == 0, cold.stderr
    assert hosts.status()["served"] == served  # --no-host never asked the host

    first = hosts.cli("report", str(BASELINE), "--out", str(tmp_path / "one"))
    second = hosts.cli("report", str(BASELINE), "--out", str(tmp_path / "two"))
    assert (first.returncode, second.returncode) == (0, 0), first.stderr + second.stderr
    now = hosts.status()
    assert now["pid"] == pid and now["served"] == served + 2  # both served by the same host process

    for name, run in (("one", first), ("two", second)):
        assert run.stdout == cold.stdout.replace(str(tmp_path / "cold"), str(tmp_path / name))
        for table in ("annual.csv", "monthly.csv"):
            assert (tmp_path / name / table).read_bytes() == (tmp_path / "cold" / table).read_bytes()
        pdf = "scenario_report.pdf"
        assert pdf_pages(tmp_path / name / pdf) == pdf_pages(tmp_path / "cold" / pdf) >= 3
        counts = _execution_counts(tmp_path / name / "scenario_report.ipynb")
        assert counts == list(range(1, len(counts) + 1))  # as from a new kernel, every cell run


def test_a_relative_path_is_read_from_the_clients_folder(hosts, tmp_path):
    hosts.ensure()
    served = hosts.status()["served"]
    (tmp_path / "mine.yaml").write_text(f"extends: {BASELINE}\ndescription: mine\n", encoding="utf-8")
    done = hosts.cli("report", "mine.yaml", "--language", "en", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert hosts.status()["served"] == served + 1
    assert (tmp_path / "reports" / "mine" / "annual.csv").exists()


def test_a_bad_override_exits_2_with_the_cold_message(hosts, tmp_path):
    hosts.ensure()
    line = ("report", str(BASELINE), "--out", str(tmp_path / "bad"), "--set", "policy.graduation.rate=1.7")
    through = hosts.cli(*line)
    cold = hosts.cli(*line, "--no-host")
    assert through.returncode == cold.returncode == 2
    assert through.stderr == cold.stderr
    assert "policy.graduation.rate.value = 1.7" in through.stderr
    assert not (tmp_path / "bad").exists()


def test_only_report_is_served(hosts):
    hosts.ensure()
    for request in ({"op": "report", "argv": ["run", str(BASELINE)], "cwd": str(ROOT)}, {"op": "batch"}):
        reply = host.ask(request, hosts.folder)
        assert "code" not in reply and "only 'umkm-sim report'" in reply["error"]
    assert hosts.status()["served"] >= 0  # still answering


def test_an_oversized_request_is_refused_and_the_host_goes_on(hosts):
    hosts.ensure()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.connect(str(host.socket_path(hosts.folder)))
        conn.sendall(host.HEADER.pack(host.MAX_REQUEST + 1) + b"{}")
        try:
            answer = conn.recv(10)
        except ConnectionResetError:
            answer = b""
        assert answer == b""  # closed without an answer
    assert hosts.status() is not None


def test_the_log_holds_command_exit_code_and_seconds_only(hosts):
    hosts.ensure()
    lines = host.log_path(hosts.folder).read_text(encoding="utf-8").splitlines()
    allowed = re.compile(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d "
        r"(starting \(pid \d+, idle limit [\d.]+ min\)|ready|report exit \d+ [\d.]+ s|stopping: [a-z' ]+"
        r"|refused a request: a message of \d+ bytes \(at most \d+\))$"
    )
    assert [line for line in lines if not allowed.match(line)] == []
    assert any(line.endswith(" s") and "report exit 0" in line for line in lines)


def test_sigterm_during_a_brief_stops_the_host_and_the_report_runs_cold(hosts, tmp_path):
    pid = hosts.ensure()
    out = tmp_path / "brief"
    argv = [*CLI, "report", str(BASELINE), "--out", str(out)]
    client = subprocess.Popen(argv, cwd=ROOT, env=hosts.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob(f".brief.*-{pid}-*/*.ipynb")) and time.monotonic() < deadline:
            time.sleep(0.01)  # until papermill has begun the notebook (its cells take about a second)
        os.kill(pid, signal.SIGTERM)  # the host this module started, by its pid
        _, err = client.communicate(timeout=300)
    finally:
        if client.poll() is None:
            client.kill()
    assert client.returncode == 0, err
    assert "the report host stopped before answering; running without it" in err
    assert _wait_gone(pid) and not host.socket_path(hosts.folder).exists()
    assert list(tmp_path.glob(f".brief.*-{pid}-*")) == []  # the host removed its half-written brief
    assert (out / "annual.csv").is_file() and (out / "scenario_report.pdf").is_file()  # written by the cold run
    assert host.log_path(hosts.folder).read_text(encoding="utf-8").splitlines()[-1].endswith(" stopping: SIGTERM")


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def test_sigterm_during_the_warm_up_stops_the_host_and_its_kernel(tmp_path):
    folder = tmp_path / "sockets"
    folder.mkdir(mode=0o700)
    env = {**os.environ, host.FOLDER_ENV: str(folder)}
    server = subprocess.Popen(
        [sys.executable, "-m", "simulation.cli.host_server", "--idle-minutes", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not _children(server.pid) and time.monotonic() < deadline:
            time.sleep(0.01)  # until the host has started its kernel
        kernels = _children(server.pid)
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=120)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0, err
    assert kernels and all(_wait_gone(k, 10) for k in kernels)
    lines = out.splitlines()
    assert lines[-1].endswith(" stopping: SIGTERM") and not any(line.endswith(" ready") for line in lines)
    assert not host.socket_path(folder).exists()


def test_sigterm_between_briefs_stops_the_host_at_once(hosts):
    pid = hosts.ensure()
    began = time.monotonic()
    os.kill(pid, signal.SIGTERM)  # the host this module started, by its pid
    assert _wait_gone(pid) and time.monotonic() - began < 10
    assert not host.socket_path(hosts.folder).exists()
    assert host.log_path(hosts.folder).read_text(encoding="utf-8").splitlines()[-1].endswith(" stopping: SIGTERM")


def test_an_idle_host_stops_by_itself(hosts):
    if hosts.status():
        hosts.cli("host", "stop")
    done = hosts.cli("host", "start", "--idle-minutes", "0.05")  # 3 s
    assert done.returncode == 0, done.stderr
    pid = int(done.stdout.split("pid ")[1].split(",")[0])
    hosts.pids.append(pid)
    assert _wait_gone(pid, 60)
    assert not host.socket_path(hosts.folder).exists()
    assert host.log_path(hosts.folder).read_text(encoding="utf-8").splitlines()[-1].endswith("stopping: idle")


def test_stop_removes_the_socket_and_ends_the_process(hosts):
    pid = hosts.ensure()
    done = hosts.cli("host", "stop")
    assert done.returncode == 0 and f"pid {pid}" in done.stdout
    assert not host.socket_path(hosts.folder).exists()
    assert _wait_gone(pid)
    assert "no report host runs" in hosts.cli("host", "status").stdout


def test_other_code_stops_the_host_and_the_report_runs_cold(hosts, monkeypatch, capsys):
    pid = hosts.ensure()
    monkeypatch.setattr(host, "code_digest", lambda root=host.ROOT: "0" * 64)
    assert host.forward(["report", str(BASELINE)]) is None  # the caller runs cold
    assert "older code" in capsys.readouterr().err
    assert _wait_gone(pid)
    assert not host.socket_path(hosts.folder).exists()


def test_the_digest_follows_the_code(tmp_path):
    (tmp_path / "simulation").mkdir()
    (tmp_path / "notebooks").mkdir()
    code = tmp_path / "simulation" / "a.py"
    code.write_text("x = 1\n")
    before = host.code_digest(tmp_path)
    assert host.code_digest(tmp_path) == before
    code.write_text("x = 22\n")  # another size
    assert host.code_digest(tmp_path) != before
    again = host.code_digest(tmp_path)
    (tmp_path / "notebooks" / "n.ipynb").write_text("{}")
    assert host.code_digest(tmp_path) != again


def test_the_socket_folder_is_private(tmp_path, monkeypatch):
    folder = tmp_path / "mine"
    monkeypatch.setenv(host.FOLDER_ENV, str(folder))
    assert host.socket_folder() == folder
    assert folder.stat().st_mode & 0o777 == 0o700
    for mode in (0o770, 0o702, 0o755):
        folder.chmod(mode)
        with pytest.raises(host.HostError, match="open to others"):
            host.socket_folder()
    folder.chmod(0o700)
    link = tmp_path / "link"
    link.symlink_to(folder)
    monkeypatch.setenv(host.FOLDER_ENV, str(link))
    with pytest.raises(host.HostError, match="symlink"):
        host.socket_folder()


def test_an_unsafe_folder_leaves_the_report_cold(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "open"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    monkeypatch.setenv(host.FOLDER_ENV, str(folder))
    assert host.forward(["report", str(BASELINE)]) is None
    assert "open to others" in capsys.readouterr().err


def test_without_a_host_folder_a_report_makes_none(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(host.FOLDER_ENV, str(tmp_path / "never"))
    assert host.forward(["report", str(BASELINE)]) is None
    assert not (tmp_path / "never").exists()
    assert capsys.readouterr().err == ""


def test_a_socket_with_no_process_behind_it_is_removed(tmp_path, monkeypatch):
    folder = tmp_path / "sockets"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv(host.FOLDER_ENV, str(folder))
    path = host.socket_path(folder)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as dead:
        dead.bind(str(path))  # bound, never listening: what a killed host leaves
    assert path.exists()
    assert host.ask({"op": "status"}, folder) is None
    assert not path.exists()


def test_two_checkouts_have_two_sockets(tmp_path):
    assert host.checkout_key(tmp_path / "a") != host.checkout_key(tmp_path / "b")
    assert host.checkout_key(ROOT) == host.checkout_key(ROOT / "." / "notebooks" / "..")


def test_looking_for_a_host_loads_no_heavy_library(tmp_path):
    """What ``umkm-sim report`` does before its cold path (no host answering) imports nothing heavy."""
    folder = tmp_path / "sockets"
    folder.mkdir(mode=0o700)
    probe = (
        "import sys\nfrom simulation.cli import host\n"
        f"assert host.forward(['report', {str(BASELINE)!r}]) is None\n"
        "heavy = ('numpy', 'pandas', 'papermill', 'jupyter_client', 'zmq', 'weasyprint')\n"
        "print(' '.join(m for m in heavy if m in sys.modules))"
    )
    env = {**os.environ, host.FOLDER_ENV: str(folder)}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env)
    assert done.stdout.split() == []
