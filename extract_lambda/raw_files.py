"""A run's raw lines, gzip'd into one file, or into parts when the run is very large.

A run normally lands as ``<run_id>.jsonl.gz``. When the uncompressed size would pass
``part_max_bytes``, the run is split into ``<run_id>-0001.jsonl.gz``, ``-0002``...; a line (one
playlist) is never split. Parts are written as soon as they are full, so memory stays bounded.
Lines are compressed as they are added, while the other playlists are still being read, so the
run does not end with seconds of compressing everything at once.
"""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass, field

from .landing import Landing, ObjectExistsError, date_key
from .log import logger, redactor

CONTENT_TYPE = "application/gzip"


@dataclass
class LandedObject:
    uri: str
    key: str
    playlist_ids: list[str]
    compressed_bytes: int
    uncompressed_bytes: int


@dataclass
class RawRunWriter:
    landing: Landing
    snapshot_date: str
    run_id: str
    part_max_bytes: int
    objects: list[LandedObject] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    """Playlists whose file could not be written, with the reason."""
    _buffer: io.BytesIO = field(default_factory=io.BytesIO)
    _gzip: gzip.GzipFile | None = None
    _playlists: list[str] = field(default_factory=list)
    _size: int = 0
    _parts: int = 0

    def add(self, playlist_id: str, line: bytes) -> None:
        if self._playlists and self._size + len(line) > self.part_max_bytes:
            self._flush(final=False)
        if self._gzip is None:
            self._buffer = io.BytesIO()
            self._gzip = gzip.GzipFile(fileobj=self._buffer, mode="wb", compresslevel=9, mtime=0)
        self._gzip.write(line)
        self._playlists.append(playlist_id)
        self._size += len(line)

    def close(self) -> None:
        if self._playlists:
            self._flush(final=True)

    def _compressed(self) -> bytes:
        """The part's gzip bytes so far, closed; the next ``add`` starts a new part."""
        assert self._gzip is not None
        self._gzip.close()
        self._gzip = None
        return self._buffer.getvalue()

    def _flush(self, final: bool) -> None:
        self._parts += 1
        single = final and self._parts == 1
        name = f"{self.run_id}.jsonl.gz" if single else f"{self.run_id}-{self._parts:04d}.jsonl.gz"
        key = date_key(self.snapshot_date, name)
        body = self._compressed()
        playlists, size = self._playlists, self._size
        self._playlists, self._size = [], 0
        try:
            uri = self.landing.put_new(key, body, CONTENT_TYPE)
        except ObjectExistsError as error:
            reason = f"raw file not written: {error} (no run overwrites another's object)"
        except Exception as error:
            reason = redactor.redact(f"raw file not written: {type(error).__name__}: {error}")
        else:
            self.objects.append(LandedObject(uri, key, playlists, len(body), size))
            logger.info(
                "raw file written", extra={"uri": uri, "playlists": len(playlists), "bytes": len(body)}
            )
            return
        logger.error("raw file not written", extra={"key": key, "reason": reason})
        for playlist_id in playlists:
            self.failures[playlist_id] = reason
