"""Where a handling's bytes live: one small protocol, content-addressed by SHA-256, and the
folder implementation (`CASEFLOW_STORAGE_DIR`); the S3-compatible bucket (`CASEFLOW_S3_BUCKET`)
is `records/s3store`. Built at the entry point (`records/context`) and passed in.

The folder keeps `ab/cd/abcd…` (two levels of 256 sub-folders, so no folder grows huge) and
writes through a temporary file in the same folder and `os.replace`, so a reader never sees a
half-written file and a crash leaves at most a stray `.tmp` file.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from caseflow.errors import CaseflowError, NotFoundError

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_sha256(value: str) -> str:
    """Raises NotFoundError unless `value` is 64 lower-case hex digits (it names a file)."""
    if not _SHA256.match(value):
        raise NotFoundError(f"ogiltig filnyckel {value!r}")
    return value


class FileStore(Protocol):
    """Content-addressed bytes. Implementations must be safe for concurrent writers of the
    same content (the key is the content's hash, so both write the same bytes)."""

    def put(self, data: bytes) -> str:
        """Store `data`; return its SHA-256 (hex). Storing the same bytes again is a no-op.

        Raises:
            CaseflowError: the store cannot be written.
        """
        ...

    def get(self, sha256: str) -> bytes:
        """The bytes stored under `sha256`.

        Raises:
            NotFoundError: nothing is stored under that key.
        """
        ...

    def exists(self, sha256: str) -> bool:
        """Whether bytes are stored under `sha256`."""
        ...

    def delete(self, sha256: str) -> None:
        """Remove the bytes under `sha256` (a disposal run); nothing stored is no error.

        Raises:
            CaseflowError: the store cannot be written.
        """
        ...


class FolderStore:
    """A `FileStore` in a local (or mounted) folder; created on first write."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, sha256: str) -> Path:
        key = check_sha256(sha256)
        return self.root / key[:2] / key[2:4] / key

    def put(self, data: bytes) -> str:
        key = sha256_of(data)
        target = self.path_of(key)
        if target.is_file() and target.stat().st_size == len(data):
            return key
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as err:
            raise CaseflowError(
                f"kan inte spara filen i lagringsmappen {self.root}: {err.strerror}"
            ) from err
        return key

    def get(self, sha256: str) -> bytes:
        try:
            return self.path_of(sha256).read_bytes()
        except FileNotFoundError:
            raise NotFoundError(f"filen {sha256[:12]}… finns inte i lagringsmappen") from None
        except OSError as err:
            raise CaseflowError(f"kan inte läsa filen {sha256[:12]}…: {err.strerror}") from err

    def exists(self, sha256: str) -> bool:
        return self.path_of(sha256).is_file()

    def delete(self, sha256: str) -> None:
        try:
            self.path_of(sha256).unlink(missing_ok=True)
        except OSError as err:
            raise CaseflowError(f"kan inte ta bort filen {sha256[:12]}…: {err.strerror}") from err


class MemoryStore:
    """A `FileStore` in a dict (tests, and callers that need no persistence)."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def put(self, data: bytes) -> str:
        key = sha256_of(data)
        self.blobs.setdefault(key, data)
        return key

    def get(self, sha256: str) -> bytes:
        try:
            return self.blobs[check_sha256(sha256)]
        except KeyError:
            raise NotFoundError(f"filen {sha256[:12]}… finns inte") from None

    def exists(self, sha256: str) -> bool:
        return sha256 in self.blobs

    def delete(self, sha256: str) -> None:
        self.blobs.pop(check_sha256(sha256), None)
