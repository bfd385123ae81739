"""bench/raw_generator.py: seeded, byte-deterministic raw envelope v1 days with their expected counts."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

DATE = "2026-11-20"
ITEMS = 520  # about 10 playlists
SEED = 7
RUN_ID = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{8}$")
EXTRACTED_AT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
ADDED_AT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def day_files(raw_root: Path, date: str = DATE) -> dict[str, bytes]:
    folder = raw_root / f"snapshot_date={date}"
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def lines_of(raw_root: Path, date: str = DATE) -> list[bytes]:
    lines = []
    for name, body in day_files(raw_root, date).items():
        if name.endswith(".jsonl.gz"):
            lines += gzip.decompress(body).splitlines(keepends=True)
    return lines


@pytest.fixture(scope="module")
def day(raw_generator, tmp_path_factory):
    raw = tmp_path_factory.mktemp("day") / "raw"
    expected = raw_generator.generate_day(raw, ITEMS, seed=SEED, snapshot_date=DATE, workers=1)
    return raw, expected


def test_same_seed_same_bytes_whatever_the_workers(raw_generator, day, tmp_path):
    raw, _ = day
    again = raw_generator.generate_day(tmp_path / "a", ITEMS, seed=SEED, snapshot_date=DATE, workers=2)
    assert day_files(tmp_path / "a") == day_files(raw)
    assert again["songs"] == day[1]["songs"]


def test_another_seed_other_bytes(raw_generator, day, tmp_path):
    raw_generator.generate_day(tmp_path / "b", ITEMS, seed=SEED + 1, snapshot_date=DATE, workers=1)
    gz = [name for name in day_files(tmp_path / "b") if name.endswith(".jsonl.gz")]
    assert gz and day_files(tmp_path / "b")[gz[0]] != next(
        body for name, body in day_files(day[0]).items() if name.endswith(".jsonl.gz")
    )


def test_one_run_in_one_file_with_its_manifest(day):
    raw, expected = day
    names = sorted(day_files(raw))
    run_id = expected["run_id"]
    assert RUN_ID.match(run_id)
    assert names == [f"{run_id}.jsonl.gz", f"{run_id}.manifest.json"]
    manifest = json.loads(day_files(raw)[f"{run_id}.manifest.json"])
    assert manifest["run_id"] == run_id and manifest["playlists"] == expected["playlists"]


def test_lines_follow_raw_envelope_v1(day):
    raw, expected = day
    lines = lines_of(raw)
    assert len(lines) == expected["playlists"]
    playlist_ids = set()
    for raw_line in lines:
        assert raw_line.endswith(b"\n") and raw_line.count(b"\n") == 1
        envelope = json.loads(raw_line)
        # compact JSON, UTF-8 unescaped: exactly what extract_lambda.envelope.encode_line writes
        assert raw_line == (json.dumps(envelope, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        assert list(envelope) == [
            "schema_version",
            "run_id",
            "snapshot_date",
            "extracted_at",
            "playlist",
            "items",
        ]
        assert envelope["schema_version"] == 1
        assert envelope["run_id"] == expected["run_id"]
        assert envelope["snapshot_date"] == DATE
        assert EXTRACTED_AT.match(envelope["extracted_at"])
        playlist = envelope["playlist"]
        assert set(playlist) == {
            "id",
            "name",
            "owner_id",
            "owner_name",
            "snapshot_id",
            "description",
            "public",
            "collaborative",
            "total_items",
            "url",
        }
        assert playlist["id"] and playlist["snapshot_id"]
        assert playlist["total_items"] == len(envelope["items"])
        assert 40 <= len(envelope["items"]) <= 60
        playlist_ids.add(playlist["id"])
        for item in envelope["items"]:
            assert ADDED_AT.match(item["added_at"])
            assert item["added_by"]["id"]
            assert isinstance(item["is_local"], bool)
            assert "item" in item and "track" not in item  # the 2026 shape
    assert len(playlist_ids) == len(lines)  # one extraction run: each playlist once


def classify(item: dict) -> str:
    entity = item["item"]
    if entity is None:
        return "null_item"
    if entity["type"] == "episode":
        return "episode"
    if item["is_local"] or entity["is_local"] or entity["id"] is None:
        return "local_file"
    return "song"


def test_tracks_are_full_web_api_track_objects(day):
    raw, _ = day
    songs = [
        item["item"]
        for line in lines_of(raw)
        for item in json.loads(line)["items"]
        if classify(item) == "song"
    ]
    assert songs
    for track in songs:
        assert track["type"] == "track" and track["is_local"] is False
        assert track["uri"] == f"spotify:track:{track['id']}"
        assert track["href"].endswith(f"/tracks/{track['id']}")
        assert track["external_urls"]["spotify"].endswith(f"/track/{track['id']}")
        assert track["external_ids"]["isrc"]
        assert isinstance(track["duration_ms"], int) and isinstance(track["explicit"], bool)
        assert track["track_number"] >= 1 and track["disc_number"] >= 1
        assert "popularity" not in track and "available_markets" not in track  # development mode
        album = track["album"]
        assert album["id"] and album["name"] and album["release_date_precision"] in ("day", "month", "year")
        assert [image["width"] for image in album["images"]] == [640, 300, 64]
        assert album["artists"] and all(a["id"] and a["name"] for a in album["artists"])
        assert track["artists"] and all(a["type"] == "artist" for a in track["artists"])
        assert track["artists"][0]["id"] == album["artists"][0]["id"]  # the album's artist leads
    mean = sum(len(json.dumps(t, ensure_ascii=False)) for t in songs) / len(songs)
    assert 1_200 < mean < 2_600  # about 2 KB of JSON per item, its wrapper included


def test_expected_counts_are_what_the_files_hold(day):
    raw, expected = day
    kinds = {"song": 0, "null_item": 0, "local_file": 0, "episode": 0}
    albums, artists = set(), set()
    for line in lines_of(raw):
        for item in json.loads(line)["items"]:
            kind = classify(item)
            kinds[kind] += 1
            if kind == "song":
                track = item["item"]
                albums.add(track["album"]["id"])
                artists.update(a["id"] for a in track["artists"] + track["album"]["artists"])
    assert expected["items"] == ITEMS == sum(kinds.values())
    assert expected["songs"] == kinds["song"]
    assert expected["skipped"] == {k: v for k, v in kinds.items() if k != "song"}
    assert expected["albums"] == len(albums)
    assert expected["artists"] == len(artists)
    assert 9 <= expected["playlists"] <= 13


def test_the_mix_of_items_at_a_larger_size(raw_generator, tmp_path):
    expected = raw_generator.generate_day(tmp_path / "raw", 20_000, seed=1, workers=1)
    items = expected["items"]
    assert 0.005 < expected["skipped"]["null_item"] / items < 0.015
    assert 0.002 < expected["skipped"]["local_file"] / items < 0.008
    assert 0.005 < expected["skipped"]["episode"] / items < 0.015
    assert 0.15 < expected["multi_artist_songs"] / expected["songs"] < 0.25
    assert expected["playlists"] == pytest.approx(items / 50, rel=0.05)
    # albums and artists repeat: far fewer distinct ones than songs
    assert expected["albums"] < expected["songs"] / 10 and expected["artists"] < expected["albums"]


def test_parts_split_like_the_extractor(raw_generator, day, tmp_path):
    part_max = 300_000
    expected = raw_generator.generate_day(
        tmp_path / "raw", ITEMS, seed=SEED, snapshot_date=DATE, workers=1, part_max_bytes=part_max
    )
    names = [f["name"] for f in expected["files"]]
    assert len(names) > 1
    assert names == [f"{expected['run_id']}-{n:04d}.jsonl.gz" for n in range(1, len(names) + 1)]
    files = day_files(tmp_path / "raw")
    joined = b""
    for entry in expected["files"]:
        body = gzip.decompress(files[entry["name"]])
        assert len(body) == entry["uncompressed_bytes"]
        assert len(body) <= part_max or body.count(b"\n") == 1  # only a single line may pass the size
        joined += body
    assert joined == b"".join(lines_of(day[0]))  # the same lines, in order, as the single file


def test_sizes_and_playlist_sizes(raw_generator):
    assert raw_generator.size_items("10k") == 10_000
    assert raw_generator.size_items("1M") == 1_000_000
    assert raw_generator.size_items("2500") == 2_500
    plan = raw_generator.DayPlan.make(100_000, 42, DATE)
    assert sum(plan.sizes) == 100_000 and all(40 <= size <= 60 for size in plan.sizes)
    assert sum(raw_generator.DayPlan.make(25, 42, DATE).sizes) == 25


def test_cached_days_are_reused(raw_generator, tmp_path):
    raw, first = raw_generator.cached_day(tmp_path, 300, seed=3, snapshot_date=DATE, workers=1)
    assert first["cached"] is False
    gz = next((raw / f"snapshot_date={DATE}").glob("*.jsonl.gz"))
    stamp = gz.stat().st_mtime_ns
    raw_again, second = raw_generator.cached_day(tmp_path, 300, seed=3, snapshot_date=DATE, workers=1)
    assert raw_again == raw and second["cached"] is True
    assert gz.stat().st_mtime_ns == stamp
    assert {k: v for k, v in second.items() if k != "cached"} == {
        k: v for k, v in first.items() if k != "cached"
    }
    assert f"seed3-v{raw_generator.GENERATOR_VERSION}" in str(raw)
    _, third = raw_generator.cached_day(tmp_path, 300, seed=3, snapshot_date=DATE, regenerate=True, workers=1)
    assert third["cached"] is False and third["songs"] == first["songs"]
