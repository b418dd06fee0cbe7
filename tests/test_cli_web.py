"""`caseflow user …` and `caseflow serve` (a real uvicorn process answering over loopback)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

from caseflow.cases.accounts import authenticate, resolve_token
from caseflow.clock import SystemClock
from caseflow.store.db import Database
from caseflow.store.models import Person
from caseflow.store.repo import require_person
from tests.conftest import Run

PASSWORD = "ett-långt-lösenord"


def _user_add(
    cli: Run, monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str
) -> tuple[int, str, str]:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return cli("user", "add", *args)


def _person(db: Database, email: str) -> Person:
    with db.read() as session:
        return require_person(session=session, email=email)


def test_user_add_reads_the_password_from_stdin(
    cli: Run, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = _user_add(cli, monkeypatch, "Anna.H@example.se", "--role", "handlaggare",
                               stdin=PASSWORD + "\n")  # fmt: skip
    assert code == 0, err
    assert "konto skapat för anna.h@example.se (handlaggare)" in out
    person = _person(sqlite_db, "anna.h@example.se")
    assert person.name == "Anna H" and person.password_hash is not None
    assert person.password_hash.startswith("$argon2id$")
    assert PASSWORD not in person.password_hash
    assert authenticate(db=sqlite_db, email="anna.h@example.se", password=PASSWORD) is not None
    assert authenticate(db=sqlite_db, email="anna.h@example.se", password=PASSWORD + "x") is None


def test_user_add_from_a_password_file_for_an_existing_person(
    cli: Run, sqlite_db: Database, tmp_path: Path
) -> None:
    assert (
        cli("person", "add", "bo@example.se", "--name", "Bo B", "--role", "beslutsfattare")[0] == 0
    )
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    code, out, err = cli("user", "add", "bo@example.se", "--role", "admin",
                         "--password-file", str(secret))  # fmt: skip
    assert code == 0, err
    person = _person(sqlite_db, "bo@example.se")
    assert person.name == "Bo B" and person.roles == ["admin", "beslutsfattare"]
    code, _, err = cli("user", "add", "bo@example.se", "--role", "admin",
                       "--password-file", str(secret))  # fmt: skip
    assert code == 1 and "bo@example.se har redan ett konto" in err


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["x@example.se", "--role", "handlaggare"], "kort\n", "minst 10 tecken"),
        (["x@example.se", "--role", "handlaggare"], "rad ett är lång\nrad två\n", "en enda rad"),
        (["x@example.se", "--role", "kung"], PASSWORD, "okänd roll 'kung'"),
        (["inte-en-adress", "--role", "handlaggare"], PASSWORD, "ogiltig e-postadress"),
        (
            ["x@example.se", "--role", "handlaggare", "--password-file", "/nonexistent/pw"],
            "",
            "/nonexistent/pw: kan inte läsa lösenordsfilen",
        ),
    ],
)
def test_user_add_refuses_bad_input_and_creates_nobody(
    cli: Run, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch, args: list[str], stdin: str,
    message: str,
) -> None:  # fmt: skip
    code, _, err = _user_add(cli, monkeypatch, *args, stdin=stdin)
    assert code == 1 and message in err
    assert cli("user", "list")[1] == ""


def test_user_token_prints_a_working_token_and_revoke_ends_it(
    cli: Run, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _user_add(cli, monkeypatch, "anna@example.se", "--role", "handlaggare", stdin=PASSWORD)
    code, out, _ = cli("user", "token", "anna@example.se")
    token = out.strip()
    assert code == 0 and len(token) >= 40
    now = SystemClock().now()
    found = resolve_token(db=sqlite_db, raw=token, kinds=("api",), now=now)
    assert found is not None and found.email == "anna@example.se"
    assert resolve_token(db=sqlite_db, raw=token, kinds=("session",), now=now) is None
    assert "anna@example.se\tAnna\thandlaggare\tkonto" in cli("user", "list")[1]
    assert cli("user", "revoke", "anna@example.se", "--kind", "api")[1].startswith("1 token")
    later = now + timedelta(seconds=1)
    assert resolve_token(db=sqlite_db, raw=token, kinds=("api",), now=later) is None
    code, _, err = cli("user", "token", "nobody@example.se")
    assert code == 1 and "okänd person" in err
    code, _, err = cli("user", "revoke", "anna@example.se", "--kind", "nyckel")
    assert code == 1 and "okänd typ 'nyckel'" in err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_over_loopback(sqlite_db: Database) -> None:
    port = _free_port()
    env = {**os.environ, "CASEFLOW_DATABASE_URL": sqlite_db.url}
    command = [str(Path(sys.executable).parent / "caseflow"), "serve", "--port", str(port)]
    log = sqlite_db.url.removeprefix("sqlite:///") + ".serve.log"
    with open(log, "wb") as sink:
        server = subprocess.Popen(command, env=env, stdout=sink, stderr=sink)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as r:
                    assert r.status == 200
                    assert "Logga in" in r.read().decode()
                    break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, Path(log).read_text(encoding="utf-8")
                assert time.monotonic() < deadline, "the server did not answer in 20 s"
                time.sleep(0.2)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/cases")
        with pytest.raises(urllib.error.HTTPError) as denied:
            urllib.request.urlopen(request, timeout=2)
        assert denied.value.code == 401
        denied.value.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
