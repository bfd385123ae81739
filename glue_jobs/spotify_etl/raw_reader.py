"""Read the raw zone's gzip'd JSON Lines: the fast way for intact files, byte by byte for the rest.

Two readers over the same files:

- ``read_envelope_records``: Spark's own JSON source with the typed envelope schema, one pass,
  no Python. It is the fast path, but it cannot read a damaged gzip file (the whole job fails) and
  it cannot say *which line* a record was.
- ``read_raw_lines``: files read as bytes and decoded on the executors. Every line that can be
  decoded is kept with its number, and what cannot (a truncated tail, bad bytes, an empty file)
  becomes a row with a ``read_error`` that the job quarantines with its source file. Spark's text
  reader fails a whole job on a truncated gzip file, and ``ignoreCorruptFiles`` would drop the
  file silently, hence this slower reader for the files that need explaining.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StructType

from .lake_layout import is_snapshot_date
from .schemas import PARTITION_COLUMN, RAW_LINE_SCHEMA

RawLine = tuple[str, int | None, str | None, str | None]


class MissingRawDataError(FileNotFoundError):
    """No raw file for any of the requested snapshot dates."""


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


@dataclass(frozen=True)
class RawFiles:
    """The raw files of the dates a run reads: those with bytes, and the zero-byte ones (which
    Spark's file sources skip without a word, so they are found by the listing); ``dates`` are the
    dates that have at least one raw file."""

    readable: tuple[str, ...]
    empty: tuple[str, ...]
    dates: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return len(self.readable) + len(self.empty)


_RAW_FILE = re.compile(rf"/{PARTITION_COLUMN}=(\d{{4}}-\d{{2}}-\d{{2}})/[^/]+\.jsonl\.gz$")
"""A raw file directly inside its date folder: ``.../snapshot_date=YYYY-MM-DD/<run_id>.jsonl.gz``."""
_MANIFEST = re.compile(rf"/{PARTITION_COLUMN}=(\d{{4}}-\d{{2}}-\d{{2}})/[^/]+\.manifest\.json$")


@dataclass(frozen=True)
class RawListing:
    """Every raw file under the raw root, by snapshot date (``{date: {path: bytes}}``), and every
    extract run's manifest (``{date: [path, ...]}``); ``files`` keys are the dates raw holds."""

    files: dict[str, dict[str, int]]
    manifests: dict[str, list[str]]

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)

    def manifests_of(self, dates: Sequence[str]) -> list[str]:
        return sorted(path for day in dates for path in self.manifests.get(day, []))


def list_raw_root(spark: SparkSession, raw_path: str) -> RawListing:
    """Every raw file and manifest under the raw root, by snapshot date.

    One recursive listing (on S3 a flat, paginated LIST of the prefix rather than one request per
    date folder), names and sizes only, on the driver. Other files are neither; a folder whose
    name is not a real date is ignored. A missing root gives an empty listing.
    """
    jvm = spark.sparkContext._jvm
    root = jvm.org.apache.hadoop.fs.Path(raw_path.rstrip("/"))
    filesystem = root.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    files: dict[str, dict[str, int]] = {}
    manifests: dict[str, list[str]] = {}
    if not filesystem.exists(root):
        return RawListing(files, manifests)
    listing = filesystem.listFiles(root, True)
    while listing.hasNext():
        status = listing.next()
        path = str(status.getPath().toString())
        if (match := _RAW_FILE.search(path)) and is_snapshot_date(match.group(1)):
            files.setdefault(match.group(1), {})[path] = int(status.getLen())
        elif (match := _MANIFEST.search(path)) and is_snapshot_date(match.group(1)):
            manifests.setdefault(match.group(1), []).append(path)
    return RawListing(files, manifests)


def raw_files_of(listing: RawListing, dates: Sequence[str]) -> RawFiles:
    """The files of ``dates`` in a ``list_raw_root`` listing (dates without files are left out)."""
    sizes = {path: size for day in dates for path, size in listing.files.get(day, {}).items()}
    return RawFiles(
        readable=tuple(sorted(path for path, size in sizes.items() if size > 0)),
        empty=tuple(sorted(path for path, size in sizes.items() if size == 0)),
        dates=tuple(sorted(day for day in dates if listing.files.get(day))),
    )


def folder_snapshot_date(source_file: Column) -> Column:
    """The snapshot date of a raw file's folder (``snapshot_date=YYYY-MM-DD``), from its path: the
    date every line of the file must claim, and the partition its rows go to."""
    return F.regexp_extract(source_file, rf"{PARTITION_COLUMN}=(\d{{4}}-\d{{2}}-\d{{2}})/[^/]*$", 1)


def _damage_of(content: bytes, step: int = 1 << 20) -> str | None:
    """Why a gzip file cannot be read to its end, or None. Decompresses ``step`` bytes at a time
    and keeps none of the output, so a worker's memory stays flat whatever the file's size."""
    data = memoryview(content)
    while data:
        decompressor = zlib.decompressobj(wbits=31)
        position = 0
        try:
            while not decompressor.eof and position < len(data):
                decompressor.decompress(data[position : position + step], step)
                position += step
                while decompressor.unconsumed_tail and not decompressor.eof:
                    decompressor.decompress(decompressor.unconsumed_tail, step)
        except zlib.error as error:
            return f"corrupt gzip data ({error})"
        if not decompressor.eof:
            return "truncated gzip file"
        data = memoryview((decompressor.unused_data + bytes(data[position:])).lstrip(b"\x00"))
    return None


def find_damaged_files(spark: SparkSession, paths: Sequence[str]) -> dict[str, str]:
    """The files among ``paths`` that are not whole gzip streams, with why (a small result).

    Run only after the fast reader failed on a file: it decompresses every file once more.
    """
    if not paths:
        return {}
    files = spark.read.format("binaryFile").load(list(paths)).select("path", "content")
    checked = files.rdd.map(lambda row: (row.path, _damage_of(bytes(row.content))))
    return dict(checked.filter(lambda pair: pair[1] is not None).collect())


def is_unreadable_file_error(error: Exception) -> bool:
    """Whether a failed Spark job failed because a compressed file could not be decompressed."""
    text = str(error)
    return any(
        signature in text
        for signature in (
            "java.io.EOFException",
            "java.util.zip.ZipException",
            "Unexpected end of input stream",
            "not a gzip file",
            "Not in GZIP format",
            "incorrect header check",
            "invalid block type",
        )
    )


def read_envelope_records(spark: SparkSession, paths: Sequence[str], schema: StructType) -> DataFrame:
    """Every line of ``paths`` parsed by Spark's JSON source with ``schema`` (plus ``corrupt``, the
    text of a line that does not fit it), its ``source_file`` and a ``line_id``.

    ``line_id`` identifies a line within its file and grows with the line's position: a gzip file
    is never split, so its lines are read in order by one task.
    """
    corrupt = schema.fields[-1].name
    records = (
        spark.read.schema(schema)
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", corrupt)
        .json(list(paths))
    )
    return records.select(
        F.col("_metadata.file_path").alias("source_file"),
        F.monotonically_increasing_id().alias("line_id"),
        F.struct(*[F.col(field.name) for field in schema.fields]).alias("record"),
    )


def read_raw_lines(spark: SparkSession, paths: Sequence[str], empty: Sequence[str] = ()) -> DataFrame:
    """All lines of the files ``paths`` (RAW_LINE_SCHEMA), and one row for each ``empty`` file."""
    rows = [row for path in empty for row in decode_raw_file(path, b"")]
    empties = spark.createDataFrame(rows, RAW_LINE_SCHEMA)
    if not paths:
        return empties
    files = spark.read.format("binaryFile").load(list(paths))
    lines = files.select("path", "content").rdd.flatMap(
        lambda row: decode_raw_file(row.path, bytes(row.content))
    )
    return spark.createDataFrame(lines, RAW_LINE_SCHEMA).unionByName(empties)


def first_line(content: bytes, step: int = 1 << 16) -> str | None:
    """The first line of a gzip'd raw file, decompressing only as far as its end (or the whole
    first gzip member); None when the file is empty or damaged before a complete line."""
    decompressor = zlib.decompressobj(wbits=31)
    text = b""
    try:
        for start in range(0, len(content), step):
            text += decompressor.decompress(content[start : start + step])
            if b"\n" in text or decompressor.eof:
                break
    except zlib.error:
        return None
    line, newline, _ = text.partition(b"\n")
    if not newline and not decompressor.eof:
        return None
    return line.decode("utf-8", errors="replace") if line.strip() else None


def map_first_lines(
    spark: SparkSession, paths: Sequence[str], function: Callable[[str | None], list[str]]
) -> dict[str, list[str]]:
    """``function(first line)`` of each raw file of ``paths``, on the executors: ``{path: result}``
    (a few strings per file reach the driver, never the lines)."""
    if not paths:
        return {}
    files = spark.read.format("binaryFile").load(list(paths)).select("path", "content")
    mapped = files.rdd.map(lambda row: (row.path, function(first_line(bytes(row.content)))))
    return dict(mapped.collect())


def read_manifests(spark: SparkSession, paths: Sequence[str], schema: StructType) -> DataFrame:
    """The extract runs' manifests (pretty-printed JSON documents) read with ``schema``, with the
    date of each manifest's folder as ``snapshot_date``."""
    manifests = spark.read.schema(schema).option("multiLine", "true").json(list(paths))
    return manifests.withColumn(PARTITION_COLUMN, folder_snapshot_date(F.col("_metadata.file_path")))
