"""A history of hand-made raw days, each one a kind of input that public bug reports say loses a
day or a value (issue 19), plus the edge cases of a backfill (issue 16): an empty day, a day of
only invalid lines, a day of only an empty file, a day with two extractions. Every expected value
in the tests is worked out by hand from what is written here.

    2026-03-14  P0 with no items (and an empty name): a day of empty playlists; an earlier run of
                the day had P0 with 2 songs (two extractions: the latest, empty, wins)
    2026-03-15  P0 again, now 2 songs; P1 1,000 items whose item 500 has "duration_ms": "215000",
                P2 2 songs (one file); P3 10,000 items whose last item is wrong the same way, and
                P4 2,000 items on a line that claims another date (another file)
    2026-03-16  r1: P1 10 items complete, then P2 20 items cut off mid-line (truncated gzip);
                r0, an earlier run: P3 3 items
    2026-03-17  an early run with P5 = [old]; the latest run with P5 = 5 songs: an album released
                "1019", artist A credited "" then "Ada Placeholder", a song crediting [X, X], the
                1970 added_at placeholder
    2026-03-18  only invalid lines
    2026-03-19  only an empty file
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from ..api_objects import album, artist, envelope, item, track, write_cut_raw, write_raw

EMPTY_DAY, NEXT_DAY, CUT_DAY, CASES_DAY, INVALID_DAY, EMPTY_FILE_DAY = (
    "2026-03-14",
    "2026-03-15",
    "2026-03-16",
    "2026-03-17",
    "2026-03-18",
    "2026-03-19",
)
HISTORY_DATES = (EMPTY_DAY, NEXT_DAY, CUT_DAY, CASES_DAY, INVALID_DAY, EMPTY_FILE_DAY)

ART = [artist(f"ar{n}", f"Artist {n}") for n in range(5)]
ALBUMS = [album(f"al{n}", f"Album {n}", [ART[n % 5]], "2020-05-01") for n in range(10)]
BAD_POSITION_P1, BIG_P3 = 500, 10_000


def songs(prefix: str, count: int, bad_at: int | None = None) -> list[dict[str, Any]]:
    """``count`` track items over 10 albums and 5 artists; the one at ``bad_at`` has its
    ``duration_ms`` as a string, as in the public report."""
    items = [
        item(track(f"{prefix}{n:05d}", f"{prefix} {n}", [ART[n % 5]], ALBUMS[n % 10])) for n in range(count)
    ]
    if bad_at is not None:
        items[bad_at] = copy.deepcopy(items[bad_at])
        items[bad_at]["item"]["duration_ms"] = "215000"
    return items


def run_envelope(
    playlist_id: str, items: list[Any], day: str, run: str, name: str = "A Playlist", **extra: Any
):
    run_id = f"{day.replace('-', '')}T{run}"
    hhmmss = run.split("Z")[0]
    extracted = f"{day}T{hhmmss[:2]}:{hhmmss[2:4]}:{hhmmss[4:6]}Z"
    return {**envelope(playlist_id, items, day, run_id, extracted, name), **extra}


# 2026-03-17: the cases of single values
ARTIST_A_BLANK = artist("arA", "")
ARTIST_A = artist("arA", "Ada Placeholder")
ARTIST_B, ARTIST_X, ARTIST_Y = artist("arB", "Bea"), artist("arX", "Xavi"), artist("arY", "Yoko")
ANCIENT = album("alOld", "Carmina", [ARTIST_A_BLANK], "1019", "year")
RECENT = album("alNew", "Now", [ARTIST_B], "2019-03-01", "day")
PLACEHOLDER_ITEM = {
    **item(track("s5", "Five", [ARTIST_Y], RECENT), added_at="1970-01-01T00:00:00Z"),
    "added_by": None,
}
CASES_ITEMS = [
    item(track("s1", "One", [ARTIST_A_BLANK], ANCIENT)),
    item(track("s2", "Two", [ARTIST_A], RECENT)),
    item(track("s3", "Three", [ARTIST_X, ARTIST_X], RECENT)),
    item(track("s4", "Four", [ARTIST_Y], RECENT)),
    PLACEHOLDER_ITEM,
]


def write_history(raw: Path) -> dict[str, Path]:
    """Write the raw files of every history date under ``raw``; returns the notable files."""
    files: dict[str, Path] = {}
    write_raw(  # an earlier extraction, superseded: P0 was emptied between the two runs
        raw,
        EMPTY_DAY,
        "20260314T050000Z-99999999.jsonl.gz",
        [run_envelope("P0", songs("e-", 2), EMPTY_DAY, "050000Z-99999999")],
    )
    write_raw(
        raw,
        EMPTY_DAY,
        "20260314T060000Z-aaaaaaaa.jsonl.gz",
        [run_envelope("P0", [], EMPTY_DAY, "060000Z-aaaaaaaa", name="")],
    )
    write_raw(
        raw,
        NEXT_DAY,
        "20260315T060000Z-aaaaaaaa.jsonl.gz",
        [run_envelope("P0", songs("p0-", 2), NEXT_DAY, "060000Z-aaaaaaaa")],
    )
    files["case1"] = write_raw(
        raw,
        NEXT_DAY,
        "20260315T060000Z-bbbbbbbb.jsonl.gz",
        [
            run_envelope("P1", songs("p1-", 1_000, bad_at=BAD_POSITION_P1), NEXT_DAY, "060000Z-bbbbbbbb"),
            run_envelope("P2", songs("p2-", 2), NEXT_DAY, "060000Z-bbbbbbbb"),
        ],
    )
    files["case1-big"] = write_raw(
        raw,
        NEXT_DAY,
        "20260315T060000Z-cccccccc.jsonl.gz",
        [
            run_envelope("P3", songs("p3-", BIG_P3, bad_at=BIG_P3 - 1), NEXT_DAY, "060000Z-cccccccc"),
            run_envelope("P4", songs("p4-", 2_000), NEXT_DAY, "060000Z-cccccccc", snapshot_date="2026-03-16"),
        ],
    )
    write_cut_raw(
        raw,
        CUT_DAY,
        "20260316T060000Z-11111111.jsonl.gz",
        [run_envelope("P1", songs("q1-", 10), CUT_DAY, "060000Z-11111111")],
        run_envelope("P2", songs("q2-", 20), CUT_DAY, "060000Z-11111111"),
    )
    files["cut"] = raw / f"snapshot_date={CUT_DAY}" / "20260316T060000Z-11111111.jsonl.gz"
    write_raw(
        raw,
        CUT_DAY,
        "20260316T050000Z-00000000.jsonl.gz",
        [run_envelope("P3", songs("q3-", 3), CUT_DAY, "050000Z-00000000")],
    )
    write_raw(
        raw,
        CASES_DAY,
        "20260317T050000Z-aaaaaaaa.jsonl.gz",
        [run_envelope("P5", [item(track("old", "Old", [ARTIST_B], RECENT))], CASES_DAY, "050000Z-aaaaaaaa")],
    )
    write_raw(
        raw,
        CASES_DAY,
        "20260317T060000Z-bbbbbbbb.jsonl.gz",
        [run_envelope("P5", CASES_ITEMS, CASES_DAY, "060000Z-bbbbbbbb")],
    )
    write_raw(
        raw,
        INVALID_DAY,
        "20260318T060000Z-aaaaaaaa.jsonl.gz",
        ["not json", {**run_envelope("P6", [], INVALID_DAY, "060000Z-aaaaaaaa"), "schema_version": 2}],
    )
    empty = raw / f"snapshot_date={EMPTY_FILE_DAY}"
    empty.mkdir(parents=True)
    (empty / "20260319T060000Z-aaaaaaaa.jsonl.gz").write_bytes(b"")
    return files
