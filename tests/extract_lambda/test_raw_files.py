"""A run's lines: one file normally, numbered parts past the size threshold, lines never split."""

from __future__ import annotations

import gzip

from extract_lambda.landing import LocalLanding, ObjectExistsError
from extract_lambda.raw_files import RawRunWriter

RUN = "20261120T060002Z-3f9c1a2b"


def line(playlist: str, size: int) -> bytes:
    body = f'{{"playlist":"{playlist}","pad":"'.encode()
    return body + b"x" * (size - len(body) - 3) + b'"}\n'


def folder_files(root):
    folder = root / "snapshot_date=2026-11-20"
    return sorted(path.name for path in folder.iterdir())


def test_one_file_when_under_the_threshold(tmp_path):
    writer = RawRunWriter(LocalLanding(tmp_path), "2026-11-20", RUN, part_max_bytes=1000)
    writer.add("a", line("a", 300))
    writer.add("b", line("b", 300))
    writer.close()
    assert folder_files(tmp_path) == [f"{RUN}.jsonl.gz"]
    content = gzip.decompress((tmp_path / "snapshot_date=2026-11-20" / f"{RUN}.jsonl.gz").read_bytes())
    assert content == line("a", 300) + line("b", 300)
    assert [obj.playlist_ids for obj in writer.objects] == [["a", "b"]]
    assert writer.objects[0].uncompressed_bytes == 600


def test_parts_when_over_the_threshold_and_a_big_line_alone(tmp_path):
    writer = RawRunWriter(LocalLanding(tmp_path), "2026-11-20", RUN, part_max_bytes=1000)
    lines = {
        "a": line("a", 600),
        "b": line("b", 300),
        "c": line("c", 400),
        "d": line("d", 2500),
        "e": line("e", 10),
    }
    for playlist, text in lines.items():
        writer.add(playlist, text)
    writer.close()
    names = [f"{RUN}-{number:04d}.jsonl.gz" for number in (1, 2, 3, 4)]
    assert folder_files(tmp_path) == names
    assert [obj.playlist_ids for obj in writer.objects] == [["a", "b"], ["c"], ["d"], ["e"]]
    for obj, name in zip(writer.objects, names, strict=True):
        content = gzip.decompress((tmp_path / "snapshot_date=2026-11-20" / name).read_bytes())
        assert content == b"".join(lines[p] for p in obj.playlist_ids)


def test_nothing_to_write_writes_nothing(tmp_path):
    writer = RawRunWriter(LocalLanding(tmp_path), "2026-11-20", RUN, part_max_bytes=1000)
    writer.close()
    assert writer.objects == [] and not any(tmp_path.iterdir())


class BrokenLanding:
    root_uri = "broken://"

    def __init__(self, error):
        self.error = error

    def put_new(self, key, body, content_type):
        raise self.error


def test_a_failed_write_fails_the_playlists_in_it():
    writer = RawRunWriter(BrokenLanding(OSError("disk full")), "2026-11-20", RUN, part_max_bytes=1000)
    writer.add("a", line("a", 100))
    writer.close()
    assert writer.objects == []
    assert writer.failures == {"a": "raw file not written: OSError: disk full"}


def test_an_existing_object_is_never_overwritten():
    writer = RawRunWriter(
        BrokenLanding(ObjectExistsError("s3://b/k already exists")), "2026-11-20", RUN, 1000
    )
    writer.add("a", line("a", 100))
    writer.close()
    assert "already exists" in writer.failures["a"] and "no run overwrites" in writer.failures["a"]
