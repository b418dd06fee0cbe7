"""A server process freezes its start-up objects and raises the collector's young threshold
(`web.gcpolicy`): checked in a fresh process building the app as each of several server
processes does (`app_from_environment`), since freezing would keep a test process's garbage."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from caseflow.web.gcpolicy import YOUNG_THRESHOLD

PROBE = """
import gc
from caseflow.web.app import app_from_environment
assert gc.get_freeze_count() == 0
app_from_environment()
print(gc.get_freeze_count(), gc.get_threshold()[0])
"""


def test_the_server_factory_freezes_start_up_objects(tmp_path: Path) -> None:
    env = {**os.environ, "CASEFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    frozen, threshold = (int(v) for v in done.stdout.split())
    assert frozen > 50_000  # the app's modules, tables, routes, templates
    assert threshold == YOUNG_THRESHOLD > 700
