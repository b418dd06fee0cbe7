"""Real `caseflow serve` and `caseflow worker` processes for tests, and a plain HTTP client."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

CASEFLOW = str(Path(sys.executable).parent / "caseflow")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def call(port: int, method: str, path: str, *, body: bytes | None = None,
         headers: dict[str, str] | None = None, timeout: float = 30) -> Reply:  # fmt: skip
    """One request on its own connection; redirects are returned, not followed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        found: dict[str, str] = {}
        for name, value in response.getheaders():  # Set-Cookie may come more than once
            key = name.lower()
            found[key] = f"{found[key]}\n{value}" if key in found else value
        return Reply(response.status, found, response.read())
    finally:
        conn.close()


def api(port: int, method: str, path: str, token: str, payload: Any = None) -> Reply:
    headers = {"Authorization": f"Bearer {token}"}
    body = None
    if payload is not None:
        body = json.dumps(payload).encode()
        headers["Content-Type"] = "application/json"
    return call(port, method, f"/api/v1{path}", body=body, headers=headers)


LOGIN_FORM_TOKEN = "t" * 32  # the login form's CSRF token: the cookie and the field must agree


def login(port: int, email: str, password: str) -> Reply:
    """POST /login as the form does (its CSRF cookie and field)."""
    form = urlencode({"email": email, "password": password, "csrf_token": LOGIN_FORM_TOKEN,
                      "next": "/"})  # fmt: skip
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "Cookie": f"caseflow_login={LOGIN_FORM_TOKEN}"}  # fmt: skip
    return call(port, "POST", "/login", body=form.encode(), headers=headers)


def session_of(reply: Reply) -> str:
    for cookie in reply.headers.get("set-cookie", "").splitlines():
        if cookie.startswith("caseflow_session="):
            return cookie.split(";", 1)[0].split("=", 1)[1]
    raise AssertionError(f"no session cookie: {reply.status} {reply.headers}")


@dataclass
class Process:
    """A child process with its log file."""

    popen: subprocess.Popen[bytes]
    log: Path
    port: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self, timeout: float = 15) -> int:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        return self.popen.returncode


def start(args: list[str], *, env: dict[str, str], log: Path, port: int | None = None,
          program: str = CASEFLOW) -> Process:  # fmt: skip
    with log.open("ab") as sink:
        popen = subprocess.Popen([program, *args], env={**os.environ, **env}, cwd=log.parent,
                                 stdout=sink, stderr=subprocess.STDOUT)  # fmt: skip
    return Process(popen, log, port)


def start_server(*, env: dict[str, str], log: Path, workers: int = 1) -> Process:
    port = free_port()
    args = ["serve", "--port", str(port)] + (["--workers", str(workers)] if workers > 1 else [])
    return start(args, env=env, log=log, port=port)


def wait_until_serving(server: Process, timeout: float = 40) -> None:
    assert server.port is not None
    deadline = time.monotonic() + timeout
    while True:
        try:
            if call(server.port, "GET", "/login", timeout=5).status == 200:
                return
        except OSError:
            pass
        assert server.popen.poll() is None, server.output()
        assert time.monotonic() < deadline, f"no answer in {timeout} s: {server.output()}"
        time.sleep(0.2)


def children(pid: int) -> list[int]:
    """The process ids whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found
