"""The `FileStore` contract, run for the folder and for the S3-compatible bucket: the bucket is a
real HTTP server on loopback (moto's ThreadedMotoServer), reached through boto3 as in production."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from caseflow.errors import CaseflowError, NotFoundError
from caseflow.records.context import build_files, build_records
from caseflow.records.s3store import S3Store
from caseflow.records.storage import FileStore, FolderStore
from caseflow.settings import load_settings

BUCKET = "caseflow-test"
KEY_ID, SECRET = "testkey", "testsecret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def s3_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_url: str) -> Iterator[str]:
    """A fresh bucket per test (the server is shared by the module)."""
    client: Any = boto3.client("s3", endpoint_url=s3_url, region_name="us-east-1",
                               aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET)  # fmt: skip
    client.create_bucket(Bucket=BUCKET)
    yield BUCKET
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _s3(url: str, *, prefix: str = "") -> S3Store:
    return S3Store.connect(bucket=BUCKET, endpoint_url=url, region="us-east-1",
                           access_key_id=KEY_ID, secret_access_key=SECRET,
                           prefix=prefix)  # fmt: skip


@pytest.fixture(params=["folder", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> FileStore:
    if request.param == "folder":
        return FolderStore(tmp_path / "filer")
    url = request.getfixturevalue("s3_url")
    request.getfixturevalue("bucket")
    return _s3(url, prefix="handlingar/")


def test_put_get_exists(store: FileStore) -> None:
    data = b"%PDF-1.7 en ansokan\n" * 100
    key = store.put(data)
    assert key == hashlib.sha256(data).hexdigest()
    assert store.exists(key)
    assert store.get(key) == data


def test_same_content_stored_once(store: FileStore, tmp_path: Path) -> None:
    data = "Beslut om medfinansiering, åäö".encode()
    first, second = store.put(data), store.put(data)
    assert first == second
    other = store.put(data + b"!")
    assert other != first
    assert store.get(first) == data and store.get(other) == data + b"!"
    if isinstance(store, FolderStore):
        assert len([p for p in (tmp_path / "filer").rglob("*") if p.is_file()]) == 2
    else:
        assert isinstance(store, S3Store)
        listed = store.client.list_objects_v2(Bucket=BUCKET)
        keys = sorted(item["Key"] for item in listed.get("Contents", []))
        assert keys == sorted(f"handlingar/{k[:2]}/{k[2:4]}/{k}" for k in (first, other))


def test_missing_object_is_not_found(store: FileStore) -> None:
    absent = hashlib.sha256(b"aldrig sparad").hexdigest()
    assert not store.exists(absent)
    with pytest.raises(NotFoundError, match="finns inte"):
        store.get(absent)
    with pytest.raises(NotFoundError, match="ogiltig filnyckel"):
        store.get("../../etc/passwd")


def test_delete(store: FileStore) -> None:
    key = store.put(b"gallras")
    store.delete(key)
    assert not store.exists(key)
    store.delete(key)  # nothing stored is no error
    with pytest.raises(NotFoundError):
        store.get(key)


def test_empty_bytes_round_trip(store: FileStore) -> None:
    key = store.put(b"")
    assert store.exists(key) and store.get(key) == b""


def test_settings_choose_the_bucket(s3_url: str, bucket: str, tmp_path: Path) -> None:
    settings = load_settings(
        s3_bucket=bucket, s3_endpoint_url=s3_url, s3_region="us-east-1",
        s3_access_key_id=KEY_ID, s3_secret_access_key=SECRET, storage_dir=tmp_path / "filer",
    )  # fmt: skip
    files = build_records(settings).files
    assert isinstance(files, S3Store)
    key = files.put(b"via settings")
    assert _s3(s3_url).get(key) == b"via settings"
    assert not (tmp_path / "filer").exists()
    assert isinstance(build_files(load_settings(storage_dir=tmp_path / "f")), FolderStore)


def test_missing_bucket_is_a_swedish_error(s3_url: str) -> None:
    store = S3Store.connect(bucket="finns-inte", endpoint_url=s3_url, region="us-east-1",
                            access_key_id=KEY_ID, secret_access_key=SECRET)  # fmt: skip
    with pytest.raises(CaseflowError, match="lagringsbucketen finns-inte"):
        store.put(b"x")


def test_unreachable_server_is_a_swedish_error() -> None:
    store = S3Store.connect(bucket=BUCKET, endpoint_url=f"http://127.0.0.1:{_free_port()}",
                            region="us-east-1", access_key_id=KEY_ID,
                            secret_access_key=SECRET)  # fmt: skip
    with pytest.raises(CaseflowError, match="kan inte nå lagringsbucketen"):
        store.exists(hashlib.sha256(b"x").hexdigest())
