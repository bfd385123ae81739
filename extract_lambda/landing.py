"""Where raw files land: S3 in AWS, a local folder for ``spotify-etl extract``; same semantics.

Both only ever create: an existing object is never overwritten (S3 conditional put with
``IfNoneMatch="*"``, an atomic hard link locally), so no run can clobber another's data.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Protocol

from botocore.exceptions import ClientError


class ObjectExistsError(Exception):
    """The key is taken; the caller must not retry under the same name."""


class Landing(Protocol):
    @property
    def root_uri(self) -> str:
        """The raw zone's root, as the Glue jobs are given it."""
        ...

    def put_new(self, key: str, body: bytes, content_type: str) -> str:
        """Create ``key`` (relative to the root) with ``body``; returns its URI."""
        ...


def date_key(snapshot_date: str, name: str) -> str:
    """``snapshot_date=YYYY-MM-DD/<name>``: the partition folder the jobs read."""
    return f"snapshot_date={snapshot_date}/{name}"


class S3Landing:
    def __init__(self, s3_client: Any, bucket: str, prefix: str) -> None:
        self._s3 = s3_client
        self._bucket = bucket
        self._prefix = prefix.strip("/")

    @property
    def root_uri(self) -> str:
        return f"s3://{self._bucket}/{self._prefix}"

    def put_new(self, key: str, body: bytes, content_type: str) -> str:
        full_key = f"{self._prefix}/{key}" if self._prefix else key
        try:
            self._s3.put_object(
                Bucket=self._bucket, Key=full_key, Body=body, ContentType=content_type, IfNoneMatch="*"
            )
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code in {"PreconditionFailed", "ConditionalRequestConflict"}:
                raise ObjectExistsError(f"s3://{self._bucket}/{full_key} already exists") from None
            raise
        return f"s3://{self._bucket}/{full_key}"


class LocalLanding:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self._root = Path(root)

    @property
    def root_uri(self) -> str:
        return str(self._root)

    def put_new(self, key: str, body: bytes, content_type: str) -> str:
        target = self._root / key
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write a hidden temporary file, then hard-link it into place: readers never see a half
        # file, and the link fails if the name is taken (a plain rename would overwrite).
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(body)
            try:
                os.link(temporary, target)
            except FileExistsError:
                raise ObjectExistsError(f"{target} already exists") from None
        finally:
            os.unlink(temporary)
        return str(target)
