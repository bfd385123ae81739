"""spotify-etl health on a hand-written api_health lake (pyarrow, no Spark) whose tables are known.

Four snapshot dates of one small account, written as normalize_items lays api_health out:

    date        items  what changed
    2026-11-17  10     the old shape ('track'), every field there, both playlists 200
    2026-11-18  10     the same
    2026-11-19  10     the 2026 shape ('item'); popularity gone (0 of 10); added_at on 9 of 10;
                       one playlist answers 403
    2026-11-20   5     half the items; a new item type (audiobook, 1); an unknown field
                       (item.restrictions, on 1); isrc on 4 of 5

so the expected cells below are counted from this table, not from the code.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from spotify_etl import cli
from spotify_etl.analysis import health
from spotify_etl.analysis.charts import API_HEALTH_PNG, field_presence_data
from spotify_etl.schemas import API_HEALTH_MEASURES

from .conftest import write_partition

H1, H2, H3, H4 = "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"
HEALTH: dict[str, list[tuple[str, str, int, int]]] = {  # date: (measure, name, count, total)
    H1: [
        ("field_present", "item.popularity", 10, 10),
        ("field_present", "item.external_ids.isrc", 10, 10),
        ("field_present", "added_at", 10, 10),
        ("item_shape", "track", 10, 10),
        ("item_type", "track", 10, 10),
        ("http_status", "200", 2, 2),
    ],
    H2: [
        ("field_present", "item.popularity", 10, 10),
        ("field_present", "item.external_ids.isrc", 10, 10),
        ("field_present", "added_at", 10, 10),
        ("item_shape", "track", 10, 10),
        ("item_type", "track", 10, 10),
        ("http_status", "200", 2, 2),
    ],
    H3: [
        ("field_present", "item.popularity", 0, 10),
        ("field_present", "item.external_ids.isrc", 10, 10),
        ("field_present", "added_at", 9, 10),
        ("item_shape", "item", 10, 10),
        ("item_type", "track", 10, 10),
        ("http_status", "200", 1, 2),
        ("http_status", "403", 1, 2),
    ],
    H4: [
        ("field_present", "item.popularity", 0, 5),
        ("field_present", "item.external_ids.isrc", 4, 5),
        ("field_present", "added_at", 5, 5),
        ("item_shape", "item", 5, 5),
        ("item_type", "track", 4, 5),
        ("item_type", "audiobook", 1, 5),
        ("unknown_field", "item.restrictions", 1, 5),
        ("http_status", "200", 2, 2),
        ("http_responses", "200", 9, 10),
        ("http_responses", "429", 1, 10),
        ("http_responses", "retries", 1, 10),
    ],
}


def write_health(lake: str, dates: tuple[str, ...] = (H1, H2, H3, H4)) -> str:
    for date in dates:
        rows = [
            {"measure": m, "name": n, "count": c, "total": t, "share": c / t if t else None}
            for m, n, c, t in HEALTH[date]
        ]
        write_partition(lake, "api_health", date, rows)
    return lake


@pytest.fixture
def health_lake(tmp_path: Path) -> str:
    return write_health(str(tmp_path / "lake"))


def read(lake: str) -> pd.DataFrame:
    from spotify_etl.analysis.command import local_runner
    from spotify_etl.catalog.local_catalog import register_tables

    return health.read_health(local_runner(register_tables(lake)))


def cells(table: pd.DataFrame) -> dict[str, list[Any]]:
    """name -> its cells, with nulls as None."""
    return {
        row[0]: [None if pd.isna(value) else value for value in row[1:]]
        for row in table.itertuples(index=False)
    }


def test_the_health_rows_come_back_through_the_local_catalog(health_lake: str) -> None:
    rows = read(health_lake)
    assert len(rows) == sum(len(day) for day in HEALTH.values())
    assert list(rows.columns) == ["snapshot_date", "measure", "name", "count", "total", "share"]
    popularity = rows[(rows["name"] == "item.popularity") & (rows["snapshot_date"] == H3)]
    assert popularity[["count", "total", "share"]].values.tolist() == [[0, 10, 0.0]]


def test_field_presence_in_percent_per_date(health_lake: str) -> None:
    table = health.measure_table(read(health_lake), "field_present", [H1, H2, H3, H4])
    assert list(table.columns) == ["name", H1, H2, H3, H4]
    assert cells(table) == {
        "added_at": [100.0, 100.0, 90.0, 100.0],
        "item.external_ids.isrc": [100.0, 100.0, 100.0, 80.0],
        "item.popularity": [100.0, 100.0, 0.0, 0.0],
    }


def test_counts_are_zero_on_dates_that_did_not_list_the_name(health_lake: str) -> None:
    rows = read(health_lake)
    dates = [H1, H2, H3, H4]
    assert cells(health.measure_table(rows, "item_type", dates)) == {
        "audiobook": [0, 0, 0, 1],
        "track": [10, 10, 10, 4],
    }
    assert cells(health.measure_table(rows, "item_shape", dates)) == {
        "item": [0, 0, 10, 5],
        "track": [10, 10, 0, 0],
    }
    assert cells(health.measure_table(rows, "unknown_field", dates)) == {"item.restrictions": [0, 0, 0, 1]}
    assert cells(health.measure_table(rows, "http_status", dates)) == {
        "200": [2, 2, 1, 2],
        "403": [0, 0, 1, 0],
    }


def test_a_date_outside_the_table_is_unknown_not_zero(health_lake: str) -> None:
    table = health.measure_table(read(health_lake), "item_type", [H4, "2026-11-21"])
    assert cells(table) == {"audiobook": [1, None], "track": [4, None]}


def test_format_prints_every_measure_with_its_dates(health_lake: str) -> None:
    text = health.format_health(read(health_lake))
    assert text.startswith(f"API health (api_health): 4 snapshot date(s), {H1} to {H4}.")
    titles = [line.split(":")[0] for line in text.splitlines() if line.split(":")[0] in API_HEALTH_MEASURES]
    assert titles == list(API_HEALTH_MEASURES)  # all six, in the schema's order
    popularity = next(line for line in text.splitlines() if line.startswith("item.popularity"))
    assert popularity.split() == ["item.popularity", "100.0", "100.0", "0.0", "0.0"]
    audiobook = next(line for line in text.splitlines() if line.startswith("audiobook"))
    assert audiobook.split() == ["audiobook", "0", "0", "0", "1"]


def test_format_shows_the_latest_dates_only_when_there_are_many(health_lake: str) -> None:
    text = health.format_health(read(health_lake), max_dates=2)
    assert "(the latest 2 dates; the chart shows all 4)" in text
    header = next(line for line in text.splitlines() if line.startswith("name"))
    assert header.split() == ["name", H3, H4]


def test_chart_data_is_field_presence_over_every_date(health_lake: str) -> None:
    presence = field_presence_data(read(health_lake))
    assert presence.dates == [H1, H2, H3, H4]
    assert presence.series == {
        "added_at": [100.0, 100.0, 90.0, 100.0],
        "item.external_ids.isrc": [100.0, 100.0, 100.0, 80.0],
        "item.popularity": [100.0, 100.0, 0.0, 0.0],
    }


def test_summarize_prints_and_writes_the_chart(health_lake: str, tmp_path: Path, capsys: Any) -> None:
    path = health.summarize_health(health_lake, str(tmp_path / "charts"))
    assert path == str(tmp_path / "charts" / API_HEALTH_PNG)
    assert Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = capsys.readouterr().out
    assert "item.restrictions" in out and f"Chart written: {path}" in out


def test_one_date_prints_and_charts(tmp_path: Path, capsys: Any) -> None:
    lake = write_health(str(tmp_path / "lake"), dates=(H1,))
    path = health.summarize_health(lake, str(tmp_path / "charts"))
    assert Path(path).is_file()
    out = capsys.readouterr().out
    assert f"1 snapshot date(s), {H1} to {H1}" in out
    assert next(line for line in out.splitlines() if line.startswith("item.popularity")).split() == [
        "item.popularity",
        "100.0",
    ]


def test_a_lake_from_before_is_one_clear_line(make_lake: Any, tmp_path: Path, capsys: Any) -> None:
    lake = make_lake()  # the analysis fixture lake: curated tables, no api_health
    args = argparse.Namespace(lake=lake, plot=str(tmp_path / "charts"))
    assert health.main(args) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("spotify-etl health: no api_health table in ")
    assert "spotify-etl transform" in err[0]
    assert not (tmp_path / "charts").exists()
    # Inside spotify-etl run the same line is printed, not raised.
    assert health.summarize_health(lake, str(tmp_path / "charts")) is None
    assert "no api_health table" in capsys.readouterr().out


def test_the_command_through_the_cli(health_lake: str, tmp_path: Path, capsys: Any) -> None:
    assert cli.main(["health", "--lake", health_lake, "--plot", str(tmp_path / "plots")]) == 0
    assert (tmp_path / "plots" / API_HEALTH_PNG).is_file()
    assert "http_status" in capsys.readouterr().out
    # Without --plot the chart goes beside the others, into LAKE/charts.
    assert cli.main(["health", "--lake", health_lake]) == 0
    assert (Path(health_lake) / "charts" / API_HEALTH_PNG).is_file()


def test_the_command_refuses_what_it_cannot_read(tmp_path: Path, capsys: Any) -> None:
    assert cli.main(["health", "--lake", str(tmp_path / "missing")]) == 2
    assert "no lake folder" in capsys.readouterr().err
    assert cli.main(["health", "--lake", "s3://bucket/lake"]) == 2
    assert "Athena" in capsys.readouterr().err
