"""``spotify-etl load-snowflake``: the documented local run, and one clear line when it cannot run."""

from __future__ import annotations

from pathlib import Path

from spotify_etl import cli

from .conftest import edit_report


def test_the_lake_loads_into_a_local_fakesnow_and_a_second_run_changes_nothing(lake: Path, capsys):
    database = lake / "snowflake"
    for _ in range(2):
        assert cli.main(["load-snowflake", "--lake", str(lake), "--fakesnow", str(database)]) == 0
        out = capsys.readouterr().out
        counts = [line.split() for line in out.split("rows per table and date in Snowflake:")[1].splitlines()]
        assert [c for c in counts if c] == [
            ["ALBUM", "2026-11-19", "84"],
            ["ALBUM", "2026-11-20", "85"],
            ["ARTIST", "2026-11-19", "46"],
            ["ARTIST", "2026-11-20", "47"],
            ["SONG", "2026-11-19", "239"],
            ["SONG", "2026-11-20", "242"],
            ["PLAYLIST", "2026-11-19", "3"],
            ["PLAYLIST", "2026-11-20", "3"],
        ]
    assert list(database.glob("*.db")), "the fakesnow database is kept in the folder"


def test_a_failed_load_is_one_line_and_exit_1(lake: Path, capsys):
    edit_report(lake, "2026-11-19", rows={"artist": 45})
    args = [
        "load-snowflake",
        "--lake",
        str(lake),
        "--fakesnow",
        str(lake / "db"),
        "--snapshot-date",
        "2026-11-19",
    ]
    assert cli.main(args) == 1
    assert (
        "artist 2026-11-19: loaded 46 rows from 1 file(s) but build_tables reported 45"
        in capsys.readouterr().out
    )


def test_nothing_to_load_is_an_error(lake: Path, capsys):
    edit_report(lake, "2026-11-20", published=False)
    args = [
        "load-snowflake",
        "--lake",
        str(lake),
        "--fakesnow",
        str(lake / "db"),
        "--snapshot-date",
        "2026-11-20",
    ]
    assert cli.main(args) == 1
    out = capsys.readouterr().out
    assert "2026-11-20  not loaded: build_tables did not publish it" in out and "nothing loaded" in out


def test_without_connection_settings_it_says_which_are_missing(tmp_path: Path, monkeypatch, capsys):
    for name in (
        "SNOWFLAKE_ACCOUNT",
        "SNOWFLAKE_USER",
        "SNOWFLAKE_PRIVATE_KEY_FILE",
        "SNOWFLAKE_PRIVATE_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    args = ["load-snowflake", "--lake", str(tmp_path), "--snapshot-date", "2026-11-20"]
    assert cli.main(args) == 2
    assert "SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER" in capsys.readouterr().err


def test_a_lake_without_reports_says_run_the_transform(tmp_path: Path, capsys):
    assert cli.main(["load-snowflake", "--lake", str(tmp_path), "--fakesnow"]) == 2
    assert "run `spotify-etl transform` first" in capsys.readouterr().err
