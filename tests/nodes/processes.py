"""The portal's own processes for tests that need more than one: gunicorn app servers and RQ workers
started as subprocesses on 127.0.0.1, each with a log file, and killed with every process under
them (RQ's work horse and the report pool included). Plain functions; the fixtures that make sure
they are always killed are in `tests/nodes/conftest.py`.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SECRET_KEY = "nodes-test-secret-key-shared-by-every-process"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def node_env(database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment every process of one installation shares: one database, one Redis, one key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "PYTEST_"))}
    env.update(DATABASE_URL=database_url, REDIS_URL=redis_url, SECRET_KEY=SECRET_KEY,
               LOG_LEVEL="WARNING", JOB_HEARTBEAT_SECONDS="1", REPORTS_WORKERS="1",
               PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


@dataclass
class Node:
    """One started process: its name, Popen, log file and (for a server) base URL."""

    name: str
    process: subprocess.Popen
    log: Path
    url: str = ""

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def _start(name: str, command: list[str], env: dict, log_dir: Path, url: str = "") -> Node:
    log = log_dir / f"{name}.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                                   stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
    return Node(name, process, log, url)


def start_server(name: str, env: dict, log_dir: Path, threads: int = 4) -> Node:
    """gunicorn with one worker process serving `create_app()` on a free port of 127.0.0.1."""
    port = free_port()
    command = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1",
               "--threads", str(threads), "--timeout", "60", "--graceful-timeout", "2",
               "portal:create_app()"]
    return _start(name, command, env, log_dir, url=f"http://127.0.0.1:{port}")


def start_worker(name: str, env: dict, log_dir: Path) -> Node:
    """`flask --app portal worker`, the documented worker command."""
    return _start(name, [str(BIN / "flask"), "--app", "portal", "worker", "--name", name], env,
                  log_dir)


def wait_until_serving(node: Node, timeout: float = 60) -> None:
    """Block until the server answers its home page (AssertionError with its log if it died or
    did not answer in ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if node.process.poll() is not None:
            raise AssertionError(f"{node.name} exited with {node.process.returncode}:\n"
                                 f"{node.log_tail()}")
        try:
            with urllib.request.urlopen(node.url + "/", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{node.name} did not answer in {timeout} s:\n{node.log_tail()}")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process under it (RQ's work horse leaves the worker's process group, so
    killing the group is not enough)."""
    tree, found, todo = _children(), [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(tree.get(current, []))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def kill_tree(node: Node) -> list[int]:
    """SIGKILL the process and everything under it, as a lost machine or `systemctl kill` would;
    returns the pids killed, all gone when it returns."""
    pids = process_tree(node.process.pid)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    node.process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return pids


class Browser:
    """A person's browser against several servers of one installation: one cookie jar (cookies
    are per host, not per port, so a session started on one server is sent to the others), no
    automatic redirects, and the CSRF token read from the last page that had one."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  NoRedirect())
        self.csrf_token = ""

    def request(self, url: str, data: dict | None = None) -> tuple[int, dict, bytes]:
        body = None
        if data is not None:
            body = urllib.parse.urlencode({"csrf_token": self.csrf_token, **data}).encode()
        try:
            with self.opener.open(url, data=body, timeout=30) as response:
                status, headers, content = response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            status, headers, content = error.code, dict(error.headers), error.read()
        match = re.search(rb'name="csrf_token"[^>]*? value="([^"]+)"', content)
        if match:
            self.csrf_token = match.group(1).decode()
        return status, headers, content

    def get(self, url: str) -> tuple[int, dict, bytes]:
        return self.request(url)

    def post(self, url: str, data: dict) -> tuple[int, dict, bytes]:
        return self.request(url, data)

    def copy(self) -> Browser:
        """Another browser holding the same cookies: a copied (stolen) session cookie."""
        other = Browser()
        for cookie in self.jar:
            other.jar.set_cookie(cookie)
        return other
