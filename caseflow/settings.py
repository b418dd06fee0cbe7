"""Settings from the environment (`CASEFLOW_*`); built once at the entry point and passed in."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CASEFLOW_", extra="ignore")

    database_url: str = "sqlite:///caseflow.db"
    workflows_dir: Path = PROJECT_ROOT / "workflows"
    memos_dir: Path = PROJECT_ROOT / "memos"


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (e.g. `--db`) winning."""
    given = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**given)  # type: ignore[arg-type]
