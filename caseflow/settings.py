"""Settings from the environment (`CASEFLOW_*`); built once at the entry point and passed in."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from caseflow.resources import data_dir

#: The checkout (or, installed, the site-packages folder): for tests and benchmarks only.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CASEFLOW_", extra="ignore", env_file="caseflow.env", env_file_encoding="utf-8"
    )

    database_url: str = "sqlite:///caseflow.db"
    workflows_dir: Path = data_dir("workflows")
    memos_dir: Path = data_dir("memos")
    notifications_dir: Path = data_dir("notifications")
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_user: str | None = None
    smtp_password: str | None = None
    mail_from: str = "caseflow@localhost"
    base_url: str = "http://127.0.0.1:8000"
    digest: bool = False
    records_dir: Path = data_dir("records")
    storage_dir: Path | None = None
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None
    s3_prefix: str = ""
    max_file_bytes: int = Field(default=50 * 1024 * 1024, ge=1)
    public_register: bool = False
    archive_creator: str = "Regionen"
    archive_creator_id: str = "000000-0000"
    #: Mark the session cookie Secure (behind a TLS proxy); `serve --secure-cookies` sets it.
    secure_cookies: bool = False


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (e.g. `--db`) winning."""
    given = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**given)  # type: ignore[arg-type]
