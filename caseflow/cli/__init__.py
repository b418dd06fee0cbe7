"""The `caseflow` command line (Typer): `app.py` builds the app, one module per command group.

The command modules import their services inside the commands, so building the command line
(`caseflow --help`) imports no database, web or settings library (tests/test_startup.py; the
times are in benchmarks/bench_startup.py).
"""
