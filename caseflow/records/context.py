"""What the records side needs, built once at the entry point from settings and passed in: the
file store, the configuration and the size limit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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

    @property
    def config(self) -> RecordsConfig:
        """The folder's configuration, read again when a file changes (`cached_records_config`)."""
        return cached_records_config(self.folder)

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


def build_records(settings: Settings, *, files: FileStore | None = None) -> Records:
    """The records context from settings (the folder store unless `files` is given).

    Raises:
        RecordsConfigError: a records configuration file is invalid.
    """
    cached_records_config(settings.records_dir)  # an invalid file is refused at the start
    return Records(
        files=files or FolderStore(storage_folder(settings)),
        folder=settings.records_dir,
        max_bytes=settings.max_file_bytes,
    )
