"""The results report's defaults: the region that reports and the form edition a new report
gets. No imports, so the command line can offer them in `--help` without loading the form."""

from __future__ import annotations

DEFAULT_REGION = "Region Jämtland Härjedalen"
DEFAULT_EDITION = "2024"
