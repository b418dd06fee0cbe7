"""The `caseflow` command line (Typer): `app.py` builds the app, one module per command group."""
