"""Read the raw zone's gzip'd JSON Lines into one row per line, damage included.

Spark's text reader fails a whole job on a truncated gzip file, and ``ignoreCorruptFiles`` would
drop the file silently. So files are read as bytes and decoded on the executors: every line that
can be decoded is kept, and what cannot (a truncated tail, bad bytes, an empty file) becomes a row
with a ``read_error`` that the job quarantines with its source file.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.utils import AnalysisException

from .schemas import RAW_LINE_SCHEMA

RAW_FILE_GLOB = "*.jsonl.gz"

RawLine = tuple[str, int | None, str | None, str | None]


class MissingRawDataError(FileNotFoundError):
    """No raw file for the requested snapshot date."""


def _gunzip(content: bytes) -> tuple[bytes, str | None]:
    """Decompress every gzip member; return what decoded and, if the stream is damaged, why."""
    decoded: list[bytes] = []
    data = content
    while data:
        decompressor = zlib.decompressobj(wbits=31)
        try:
            decoded.append(decompressor.decompress(data))
            decoded.append(decompressor.flush())
        except zlib.error as error:
            return b"".join(decoded), f"corrupt gzip data ({error})"
        if not decompressor.eof:
            return b"".join(decoded), "truncated gzip file: it ends before the end of its compressed stream"
        data = decompressor.unused_data.lstrip(b"\x00")
    return b"".join(decoded), None


def decode_raw_file(source_file: str, content: bytes) -> Iterator[RawLine]:
    """Yield ``(source_file, line_number, line, read_error)`` for one raw file's bytes.

    Blank lines carry no data and are not rows. A damaged file yields its readable lines, then one
    row for the damage: the partial last line (if any) as its text, or a file-level row.
    """
    if not content:
        yield source_file, None, None, "empty file: 0 bytes, no lines"
        return
    text, damage = _gunzip(content)
    lines = text.split(b"\n")
    partial = lines.pop() if damage else None  # with damage, the last piece is cut short
    if not damage and lines and lines[-1] == b"":
        lines.pop()
    emitted = 0
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        emitted += 1
        try:
            yield source_file, number, raw.decode("utf-8"), None
        except UnicodeDecodeError as error:
            yield source_file, number, raw.decode("utf-8", errors="replace"), f"line is not UTF-8 ({error})"
    if damage and partial:
        yield (
            source_file,
            len(lines) + 1,
            partial.decode("utf-8", errors="replace"),
            f"{damage}; line cut short",
        )
    elif damage:
        yield source_file, None, None, f"{damage}; {emitted} complete line(s) read before it"
    elif emitted == 0:
        yield source_file, None, None, "file holds no lines (only whitespace)"


def _empty_files(spark: SparkSession, date_path: str) -> list[str]:
    """Zero-byte raw files: Spark's file sources skip them, so they are found by a listing."""
    jvm = spark.sparkContext._jvm
    pattern = jvm.org.apache.hadoop.fs.Path(f"{date_path.rstrip('/')}/{RAW_FILE_GLOB}")
    filesystem = pattern.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    statuses = filesystem.globStatus(pattern) or []
    return sorted(str(status.getPath().toString()) for status in statuses if status.getLen() == 0)


def read_raw_lines(spark: SparkSession, date_path: str) -> DataFrame:
    """All lines of every ``*.jsonl.gz`` file in one snapshot date's folder (RAW_LINE_SCHEMA)."""
    try:
        files = spark.read.format("binaryFile").option("pathGlobFilter", RAW_FILE_GLOB).load(date_path)
    except AnalysisException as error:
        if "PATH_NOT_FOUND" in str(error) or "Path does not exist" in str(error):
            raise MissingRawDataError(
                f"no raw data at {date_path}: run the extract for this date first "
                "(spotify-etl extract, or the extract Lambda), or pick a date that has raw files"
            ) from None
        raise
    lines = files.select("path", "content").rdd.flatMap(
        lambda row: decode_raw_file(row.path, bytes(row.content))
    )
    empty = [row for path in _empty_files(spark, date_path) for row in decode_raw_file(path, b"")]
    return spark.createDataFrame(lines, RAW_LINE_SCHEMA).unionByName(
        spark.createDataFrame(empty, RAW_LINE_SCHEMA)
    )
