"""Uploaded files (practice attachments, signed agreements): one small interface, two backends.

- a directory (`ATTACHMENTS_DIR`; on several nodes a volume they all mount), written aside
  and renamed into place so that a reader never sees half a file;
- S3-compatible object storage (`S3_BUCKET`, with `S3_ENDPOINT_URL` for MinIO or any other
  S3 server), through boto3.

Files are kept under names we chose (hex + extension), grouped by area ("attachments",
"agreements"), and only ever served by a view as a streamed download: never from static/.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from flask import Flask, current_app, send_file
from werkzeug.wrappers import Response


@dataclass(frozen=True)
class StoredFile:
    """An open stored file: read it in chunks, then close it."""

    stream: IO[bytes]
    size: int


class FileStore(Protocol):
    """What the domains need of a place to keep uploaded bytes."""

    def save(self, area: str, name: str, data: bytes, content_type: str) -> None: ...

    def open(self, area: str, name: str) -> StoredFile | None: ...

    def delete(self, area: str, name: str) -> None: ...

    def exists(self, area: str, name: str) -> bool: ...


def _safe(name: str) -> str:
    """Stored names are ours, never user input; refuse anything else rather than trust it."""
    clean = Path(name).name
    if not clean or clean != name or clean.startswith("."):
        raise ValueError(f"not a stored file name: {name!r}")
    return clean


class DirectoryStore:
    """Files in folders on a disk; `roots` maps an area to its folder."""

    def __init__(self, roots: dict[str, Path]) -> None:
        self.roots = roots

    def _path(self, area: str, name: str) -> Path:
        return self.roots[area] / _safe(name)

    def save(self, area: str, name: str, data: bytes, content_type: str) -> None:
        path = self._path(area, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
        draft.write_bytes(data)
        os.replace(draft, path)

    def open(self, area: str, name: str) -> StoredFile | None:
        path = self._path(area, name)
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            return None
        return StoredFile(handle, os.fstat(handle.fileno()).st_size)

    def delete(self, area: str, name: str) -> None:
        self._path(area, name).unlink(missing_ok=True)

    def exists(self, area: str, name: str) -> bool:
        return self._path(area, name).is_file()


class S3Store:
    """Objects `<prefix><area>/<name>` in one bucket of an S3-compatible server."""

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    def _key(self, area: str, name: str) -> str:
        return f"{self.prefix}{area}/{_safe(name)}"

    def save(self, area: str, name: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=self._key(area, name), Body=data, ContentType=content_type
        )

    def open(self, area: str, name: str) -> StoredFile | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(area, name))
        except self.client.exceptions.NoSuchKey:
            return None
        return StoredFile(answer["Body"], int(answer["ContentLength"]))

    def delete(self, area: str, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(area, name))

    def exists(self, area: str, name: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(area, name))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True


def s3_client(config: Any) -> Any:
    """A boto3 client from the S3_* settings; unset keys fall back to boto3's own chain
    (AWS_ACCESS_KEY_ID, an instance role...)."""
    import boto3
    from botocore.config import Config as BotoConfig

    return boto3.client(
        "s3",
        endpoint_url=config.get("S3_ENDPOINT_URL") or None,
        region_name=config.get("S3_REGION") or None,
        aws_access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
        aws_secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None,
        config=BotoConfig(s3={"addressing_style": "path"}, retries={"max_attempts": 3}),
    )


def build_store(app: Flask) -> FileStore:
    """The S3 backend when S3_BUCKET is set, else the directory under ATTACHMENTS_DIR."""
    config = app.config
    if config.get("S3_BUCKET"):
        return S3Store(s3_client(config), config["S3_BUCKET"], config.get("S3_PREFIX") or "")
    root = Path(config["ATTACHMENTS_DIR"])
    agreements = config.get("AGREEMENTS_DIR")
    return DirectoryStore(
        {
            "attachments": root,
            "agreements": Path(agreements) if agreements else root / "agreements",
            "evidence": root / "evidence",  # documents sent with a claim to run an organisation
        }
    )


def get_store() -> FileStore:
    """The app's store, built once per app."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    store = app.extensions.get("covenant_files")
    if store is None:
        store = app.extensions["covenant_files"] = build_store(app)
    return store


def download(stored: StoredFile, mimetype: str, download_name: str) -> Response:
    """A download (never shown inline) of an opened file, streamed from it in chunks by the
    WSGI file wrapper, which closes it at the end; with its length."""
    response = send_file(
        stored.stream, mimetype=mimetype, as_attachment=True, download_name=download_name, max_age=0
    )
    response.content_length = stored.size
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
