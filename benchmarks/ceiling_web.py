"""The one-row ceiling for `bench_web.py --ceiling`: a minimal FastAPI app (uvicorn, one worker,
as `caseflow serve`) that answers GET /cases/{prefix}/{serial}/{year} with one row of `cases`
read by raw `sqlite3` from the same file, as a small HTML page. No session, no templates, no
ORM: what serving one case costs on this machine with the same web stack and nothing else.

Run: .venv/bin/python benchmarks/ceiling_web.py DB_PATH PORT
"""

from __future__ import annotations

import html
import sqlite3
import sys
import threading

import uvicorn
from fastapi import FastAPI
from starlette.responses import HTMLResponse, PlainTextResponse

SQL = (
    "SELECT id, dnr_prefix, dnr_serial, dnr_year, title, stage FROM cases "
    "WHERE dnr_prefix = ? AND dnr_serial = ? AND dnr_year = ?"
)


def build(db_path: str) -> FastAPI:
    app = FastAPI()
    local = threading.local()

    def connection() -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = sqlite3.connect(db_path, check_same_thread=False)
        return conn

    @app.get("/login")
    def login() -> PlainTextResponse:
        return PlainTextResponse("ok")

    @app.get("/cases/{prefix}/{serial}/{year}")
    def case(prefix: str, serial: int, year: int) -> HTMLResponse:
        row = connection().execute(SQL, (prefix, serial, year)).fetchone()
        if row is None:
            return HTMLResponse("<p>finns inte</p>", status_code=404)
        body = (f"<html><body><h1>{row[1]}/{row[2]}/{row[3]}</h1><p>{html.escape(row[4])}</p>"
                f"<p>{row[5]}</p><h2>Historik</h2></body></html>")  # fmt: skip
        return HTMLResponse(body)

    return app


def main() -> None:
    db_path, port = sys.argv[1], int(sys.argv[2])
    uvicorn.run(build(db_path), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
