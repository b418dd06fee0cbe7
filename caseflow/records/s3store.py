"""A `FileStore` in an S3-compatible bucket (AWS S3, MinIO, Ceph, Garage, a cloud provider's
object storage), chosen when `CASEFLOW_S3_BUCKET` is set.

Content-addressed like the folder: the object key is `PREFIX` + `ab/cd/abcd…` (the SHA-256 in
hex). S3 writes an object whole or not at all, so a reader never sees half a file; storing bytes
already there is skipped after a HEAD request. Each PUT carries the bytes' SHA-256 checksum, so
the server refuses bytes damaged on the way. `records/context` imports this module only when a
bucket is configured, so a command that needs no bucket loads no AWS library.
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from caseflow.errors import CaseflowError, NotFoundError
from caseflow.records.storage import check_sha256, sha256_of

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

#: The error codes S3 answers for a missing object (GET says NoSuchKey, HEAD only the status).
_MISSING = {"NoSuchKey", "404", "NotFound"}


class S3Store:
    """A `FileStore` in the bucket `bucket` (which must exist), keys under `prefix`."""

    def __init__(self, client: S3Client, bucket: str, *, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    @classmethod
    def connect(
        cls, *, bucket: str, endpoint_url: str | None = None, region: str | None = None,
        access_key_id: str | None = None, secret_access_key: str | None = None,
        prefix: str = "",
    ) -> S3Store:  # fmt: skip
        """A store on a new boto3 client. Keys not given come from boto3's own chain (the
        AWS_* environment, ~/.aws, an instance role)."""
        import boto3
        from botocore.config import Config

        client = boto3.client(
            "s3", endpoint_url=endpoint_url or None, region_name=region or None,
            aws_access_key_id=access_key_id or None,
            aws_secret_access_key=secret_access_key or None,
            config=Config(retries={"max_attempts": 3, "mode": "standard"},
                          s3={"addressing_style": "path"} if endpoint_url else {}),
        )  # fmt: skip
        return cls(client, bucket, prefix=prefix)

    def key_of(self, sha256: str) -> str:
        key = check_sha256(sha256)
        return f"{self.prefix}{key[:2]}/{key[2:4]}/{key}"

    def put(self, data: bytes) -> str:
        key = sha256_of(data)
        if self._size(key) == len(data):
            return key
        checksum = base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")
        try:
            self.client.put_object(
                Bucket=self.bucket, Key=self.key_of(key), Body=data,
                ContentType="application/octet-stream", ChecksumSHA256=checksum,
            )  # fmt: skip
        except (BotoCoreError, ClientError) as err:
            raise CaseflowError(
                f"kan inte spara filen i lagringsbucketen {self.bucket}: {_why(err)}"
            ) from err
        return key

    def get(self, sha256: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.key_of(sha256))
            return answer["Body"].read()
        except (BotoCoreError, ClientError) as err:
            if _code(err) in _MISSING:
                raise NotFoundError(
                    f"filen {sha256[:12]}… finns inte i lagringsbucketen {self.bucket}"
                ) from None
            raise CaseflowError(f"kan inte läsa filen {sha256[:12]}…: {_why(err)}") from err

    def exists(self, sha256: str) -> bool:
        return self._size(check_sha256(sha256)) is not None

    def delete(self, sha256: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.key_of(sha256))
        except (BotoCoreError, ClientError) as err:
            raise CaseflowError(f"kan inte ta bort filen {sha256[:12]}…: {_why(err)}") from err

    def _size(self, sha256: str) -> int | None:
        """The stored object's size, or None when there is none."""
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self.key_of(sha256))
        except (BotoCoreError, ClientError) as err:
            if _code(err) in _MISSING:
                return None
            raise CaseflowError(f"kan inte nå lagringsbucketen {self.bucket}: {_why(err)}") from err
        return int(head["ContentLength"])


def _code(err: BotoCoreError | ClientError) -> str:
    response: Any = getattr(err, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def _why(err: BotoCoreError | ClientError) -> str:
    code = _code(err)
    return f"{code} ({err})" if code else str(err)
