"""Browser tests: the web UI in headless Chromium (Playwright), with axe-core checks."""

from __future__ import annotations
