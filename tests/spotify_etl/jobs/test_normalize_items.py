"""normalize_items on bad input: every valid line processed, every invalid one quarantined with
its reason and source file, nothing silently dropped; the counts below are worked out by hand
from the files that conftest.write_corrupt_day writes."""

from __future__ import annotations

import json
from pathlib import Path

from spotify_etl.jobs.normalize_items import NoValidInputError
from spotify_etl.lake_layout import quarantine_path, report_path

from .conftest import BIG_ITEMS, DATE
from .history import INVALID_DAY


def quarantine_records(lake: Path, snapshot_date: str = DATE) -> list[dict]:
    folder = Path(quarantine_path(str(lake), snapshot_date))
    return [
        json.loads(line) for path in sorted(folder.glob("*.json")) for line in path.read_text().splitlines()
    ]


def test_counts_of_the_corrupt_day(corrupt_day):
    _, _, report, _ = corrupt_day
    # files: mixed, early, big, truncated, empty. Lines: 7 + 1 + 1 + 2 (one cut) + 1 file-level row.
    assert report["files_read"] == 5
    assert report["lines_read"] == 12
    # valid: mixed lines 1 and 7, early, big, truncated line 1; pl1 appears twice, the later run wins
    assert (report["lines_valid"], report["envelopes_kept"], report["envelopes_superseded"]) == (5, 4, 1)
    assert report["quarantined"] == {"line": 6, "file": 1, "item": 1}
    # items of the kept envelopes: pl1 5 + pl2 3 + pl5 BIG_ITEMS + pl3 2
    assert report["items_read"] == 5 + 3 + BIG_ITEMS + 2
    assert report["items_staged"] == report["items_read"] - 1
    assert report["items_staged_by_skip_reason"] == {
        "song": 2 + 2 + BIG_ITEMS + 2,
        "null_item": 1,
        "episode": 1,
        "local_file": 1,
    }
    assert report["items_reconciled"] is True


def test_every_bad_line_is_in_the_quarantine_with_reason_and_source(corrupt_day):
    lake, files, _, _ = corrupt_day
    found = {
        (r["level"], Path(r["source_file"]).name, r["line_number"], r["position"]): r["reason"]
        for r in quarantine_records(lake)
    }
    mixed, truncated, empty = files["mixed"].name, files["truncated"].name, files["empty"].name
    expected_prefixes = {
        ("line", mixed, 2, None): "line is not valid JSON",
        ("line", mixed, 3, None): "missing field playlist",
        ("line", mixed, 4, None): "missing field items",
        ("line", mixed, 5, None): "items is not an array",
        ("line", mixed, 6, None): "unknown schema_version 2",
        ("line", truncated, 2, None): "truncated gzip file",
        ("file", empty, None, None): "empty file",
        (
            "item",
            mixed,
            7,
            1,
        ): "item has a field of the wrong type: item.item.duration_ms: expected integer, got string",
    }
    assert set(found) == set(expected_prefixes)
    for key, prefix in expected_prefixes.items():
        assert found[key].startswith(prefix), (key, found[key])


def test_quarantine_keeps_the_whole_payload(corrupt_day):
    lake, files, _, _ = corrupt_day
    mixed = files["mixed"].name
    by_line = {
        (r["level"], Path(r["source_file"]).name, r["line_number"]): r for r in quarantine_records(lake)
    }
    assert by_line[("line", mixed, 2)]["payload"] == "this is not json"
    assert json.loads(by_line[("line", mixed, 6)]["payload"])["schema_version"] == 2
    assert json.loads(by_line[("item", mixed, 7)]["payload"])["item"]["duration_ms"] == "201000"
    assert by_line[("item", mixed, 7)]["playlist_id"] == "pl2"


def test_report_is_written_beside_the_outputs(corrupt_day):
    lake, _, report, _ = corrupt_day
    assert json.loads(Path(report_path(str(lake), DATE, "normalize_items")).read_text()) == json.loads(
        json.dumps(report, default=str)
    )


def test_a_day_with_no_valid_line_fails_naming_its_files(history_by_date):
    """The history's day of only invalid lines, run on its own as a daily run would be."""
    error = history_by_date.errors[("normalize_items", INVALID_DAY)]
    assert isinstance(error, NoValidInputError)
    message = str(error)
    assert "none of the 2 line(s)" in message and "20260318T060000Z-aaaaaaaa.jsonl.gz" in message
    assert "line is not valid JSON" in message and "unknown schema_version 2" in message
    # nothing is lost: both lines are in the quarantine, and the date has its report
    records = quarantine_records(history_by_date.lake, INVALID_DAY)
    assert [r["payload"][:12] for r in records] == ["not json", '{"schema_ver']
    report = json.loads(
        Path(report_path(str(history_by_date.lake), INVALID_DAY, "normalize_items")).read_text()
    )
    assert (report["status"], report["quarantined"]) == ("no_valid_input", {"line": 2})
    assert "no valid input" in str(history_by_date.errors[("build_tables", INVALID_DAY)])
