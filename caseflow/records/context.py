"""What the records side needs, built once at the entry point from settings and passed in: the
file store (the S3-compatible bucket when `CASEFLOW_S3_BUCKET` is set, else the folder), the
configuration and the size limit."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from caseflow.clock import Rechecked
from caseflow.records.config import (
    DocumentTypes,
    RecordsConfig,
    SecrecyConfig,
    cached_records_config,
)
from caseflow.records.storage import FileStore, FolderStore
from caseflow.settings import Settings

#: The storage folder's name when CASEFLOW_STORAGE_DIR is not set.
DEFAULT_FOLDER = "caseflow-filer"


@dataclass(frozen=True)
class Records:
    files: FileStore
    folder: Path  # CASEFLOW_RECORDS_DIR
    max_bytes: int
    # Seconds between looks at the folder's files (0: at every use). The web app looks at most
    # once a second: a page asks for the secrecy rules several times.
    recheck_every: float = 0.0
    _config: Rechecked[RecordsConfig] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        folder = self.folder
        rechecked = Rechecked(lambda: cached_records_config(folder), self.recheck_every)
        object.__setattr__(self, "_config", rechecked)  # frozen: set once, here

    @property
    def config(self) -> RecordsConfig:
        """The folder's configuration, read again when a file changes (`cached_records_config`)."""
        return self._config.get()

    @property
    def types(self) -> DocumentTypes:
        return self.config.document_types

    @property
    def secrecy(self) -> SecrecyConfig:
        return self.config.secrecy


def storage_folder(settings: Settings) -> Path:
    """CASEFLOW_STORAGE_DIR, else `caseflow-filer` beside a SQLite database file (so a database
    and its files move together), else in the working folder."""
    if settings.storage_dir is not None:
        return settings.storage_dir
    url = settings.database_url
    if url.startswith("sqlite:///") and ":memory:" not in url:
        path = url.removeprefix("sqlite:///").split("?", 1)[0]
        if path:
            return Path(path).parent / DEFAULT_FOLDER
    return Path(DEFAULT_FOLDER)


def build_files(settings: Settings) -> FileStore:
    """The file store the settings name: the bucket `CASEFLOW_S3_BUCKET` (with
    `CASEFLOW_S3_ENDPOINT_URL`, `_REGION`, `_ACCESS_KEY_ID`, `_SECRET_ACCESS_KEY`, `_PREFIX`),
    else the storage folder."""
    if settings.s3_bucket:
        from caseflow.records.s3store import S3Store

        secret = settings.s3_secret_access_key
        return S3Store.connect(
            bucket=settings.s3_bucket, endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region, access_key_id=settings.s3_access_key_id,
            secret_access_key=secret.get_secret_value() if secret is not None else None,
            prefix=settings.s3_prefix,
        )  # fmt: skip
    return FolderStore(storage_folder(settings))


def build_records(
    settings: Settings, *, files: FileStore | None = None, recheck_every: float = 0.0
) -> Records:
    """The records context from settings (the store `build_files` chooses unless `files` is
    given; `recheck_every`: see `Records`).

    Raises:
        RecordsConfigError: a records configuration file is invalid.
    """
    cached_records_config(settings.records_dir)  # an invalid file is refused at the start
    return Records(
        files=files or build_files(settings),
        folder=settings.records_dir,
        max_bytes=settings.max_file_bytes,
        recheck_every=recheck_every,
    )
