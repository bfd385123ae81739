"""The analysis command: parser, main on a tmp lake (local and moto Athena), summarize_run."""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from spotify_etl.analysis.command import configure_parser, main, summarize_run
from spotify_etl.analysis.queries import load_query, query_names

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="spotify-etl analyze")
    configure_parser(parser)
    return parser.parse_args(list(argv))


def test_parser_defaults() -> None:
    args = parse()
    assert vars(args) == {
        "query": None,
        "lake": "lake",
        "snapshot_date": None,
        "athena": False,
        "workgroup": None,
        "database": None,
        "plot": None,
    }
    assert parse("--query", "a", "--query", "b").query == ["a", "b"]


def test_main_runs_every_query_on_the_local_lake(make_lake: Callable[[], str], capsys: Any) -> None:
    lake = make_lake()
    assert main(parse("--lake", lake)) == 0
    out = capsys.readouterr().out
    for name in query_names():
        assert f"[{name}]" in out
    assert (Path(lake) / "catalog.duckdb").exists()


def test_main_one_query_pinned_with_charts(make_lake: Callable[[], str], tmp_path: Path, capsys: Any) -> None:
    lake = make_lake()
    plots = tmp_path / "plots"
    code = main(
        parse(
            "--lake", lake, "--query", "chart_movers", "--snapshot-date", "2026-11-19", "--plot", str(plots)
        )
    )
    out = capsys.readouterr().out

    assert code == 0
    assert "[chart_movers, snapshot 2026-11-19]" in out
    assert "[top_artists" not in out  # run for the chart, not printed
    # As of 2026-11-19 Indie Morning did not move: Sunrise #1 '=' (see test_local_runner).
    assert any(
        line.startswith("Indie Morning") and "Sunrise" in line and line.endswith("=")
        for line in out.splitlines()
    )
    for name in ("top_artists.png", "chart_movement.png"):
        assert (plots / name).read_bytes().startswith(PNG_MAGIC)
    assert f"Charts: {plots / 'top_artists.png'}, {plots / 'chart_movement.png'}" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--query", "top_artist"], "no query 'top_artist'"),
        (["--snapshot-date", "2026-11-31"], "YYYY-MM-DD"),
        (["--lake", "s3://bucket/lake"], "--athena"),
    ],
)
def test_main_refuses_bad_arguments(argv: list[str], message: str, capsys: Any) -> None:
    assert main(parse(*argv)) == 2
    assert message in capsys.readouterr().err


def test_main_without_a_lake_says_run_first(tmp_path: Path, capsys: Any) -> None:
    assert main(parse("--lake", str(tmp_path / "missing"))) == 2
    assert "spotify-etl run" in capsys.readouterr().err
    assert not (tmp_path / "missing").exists()


def test_main_on_athena(
    athena: Any,
    seed_athena_result: Callable[..., None],
    athena_executions: Callable[[], list[dict[str, Any]]],
    tmp_path: Path,
    capsys: Any,
) -> None:
    seed_athena_result([("artist_name", "varchar"), ("songs", "bigint")], [["Alice", "4"], ["Bob", "3"]])
    seed_athena_result(
        [
            ("playlist_id", "varchar"),
            ("playlist_name", "varchar"),
            ("current_rank", "bigint"),
            ("song_name", "varchar"),
            ("snapshot_date", "varchar"),
            ("song_rank", "bigint"),
        ],
        [["P1", "Indie Morning", "1", "Duet", "2026-11-19", "1"]],
    )
    args = parse(
        "--athena",
        "--database",
        "spotify_etl",
        "--workgroup",
        "spotify-etl",
        "--query",
        "top_artists",
        "--snapshot-date",
        "2026-11-19",
        "--plot",
        str(tmp_path),
    )

    assert main(args) == 0

    out = capsys.readouterr().out
    assert "Alice" in out and "Bob" in out
    submitted = athena_executions()
    assert [e["QueryExecutionContext"]["Database"] for e in submitted] == ["spotify_etl", "spotify_etl"]
    assert {e["WorkGroup"] for e in submitted} == {"spotify-etl"}
    # top_artists (pinned: its as_of CTE is the literal date), then position_history for the chart.
    pinned = " ".join(submitted[0]["Query"].split())
    assert "WITH as_of AS ( SELECT '2026-11-19' AS snapshot_date )" in pinned
    assert "CROSS JOIN UNNEST(s.artist_ids) AS credited(artist_id)" in pinned
    assert "current_rank" in submitted[1]["Query"]
    assert (tmp_path / "chart_movement.png").read_bytes().startswith(PNG_MAGIC)


def test_main_on_athena_sends_the_file_unchanged_without_a_date(
    athena: Any,
    seed_athena_result: Callable[..., None],
    athena_executions: Callable[[], list[dict[str, Any]]],
    capsys: Any,
) -> None:
    seed_athena_result([("playlist_name", "varchar"), ("song_name", "varchar")], [])  # no rows, as Athena
    assert (
        main(parse("--athena", "--database", "db", "--workgroup", "spotify-etl", "--query", "longevity")) == 0
    )
    assert [e["Query"] for e in athena_executions()] == [load_query("longevity").sql]
    assert "(no rows)" in capsys.readouterr().out


def test_summarize_run(make_lake: Callable[[], str], tmp_path: Path) -> None:
    lake = make_lake()
    out = io.StringIO()

    paths = summarize_run(lake, str(tmp_path / "plots"), out=out)

    assert paths == [
        str(tmp_path / "plots" / "top_artists.png"),
        str(tmp_path / "plots" / "chart_movement.png"),
    ]
    assert all(Path(p).read_bytes().startswith(PNG_MAGIC) for p in paths)
    text = out.getvalue()
    assert "The lake holds 3 snapshot date(s), 2026-11-18 to 2026-11-20; latest: 2026-11-20." in text
    assert "[top_artists]" in text and "[chart_movers]" in text
    lines = text.splitlines()
    assert any(line.split()[:2] == ["Alice", "4"] for line in lines)
    assert any(line.startswith("Late Night") and line.endswith("NEW") and "Duet" in line for line in lines)
    assert "(the top 10 of each playlist; every song: spotify-etl analyze --query chart_movers)" in text
    assert "Charts written: " + ", ".join(paths) in text


def test_summarize_run_on_an_empty_lake(tmp_path: Path) -> None:
    out = io.StringIO()
    paths = summarize_run(str(tmp_path / "lake"), str(tmp_path / "plots"), out=out)
    assert "no snapshot yet" in out.getvalue()
    assert all(Path(p).exists() for p in paths)


def test_main_reports_a_failing_query(
    make_lake: Callable[[], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    (tmp_path / "broken.sql").write_text(
        "-- Broken.\nWITH as_of AS (SELECT 1) SELECT no_such_column FROM song\n"
    )
    monkeypatch.setenv("SPOTIFY_ETL_SQL_DIR", str(tmp_path))
    assert main(parse("--lake", make_lake(), "--query", "broken")) == 1
    assert "no_such_column" in capsys.readouterr().err


def test_summarize_run_writes_to_the_current_stdout(
    make_lake: Callable[[], str], tmp_path: Path, capsys: Any
) -> None:
    summarize_run(make_lake(), str(tmp_path / "plots"))
    assert "[top_artists]" in capsys.readouterr().out


def test_athena_defaults_to_the_deployed_workgroup_and_database(
    fake_terraform: Callable[..., Path],
    athena: Any,
    seed_athena_result: Callable[..., None],
    athena_executions: Callable[[], list[dict[str, Any]]],
    capsys: Any,
) -> None:
    """Without flags the names come from `terraform output` (never Athena's `primary`), and the
    command says which it used."""
    fake_terraform({"athena_workgroup": "spotify-etl", "glue_database": "spotify_etl", "region": "eu-west-1"})
    seed_athena_result([("playlist_name", "varchar"), ("song_name", "varchar")], [])
    assert main(parse("--athena", "--query", "longevity")) == 0
    [execution] = athena_executions()
    assert execution["WorkGroup"] == "spotify-etl"
    assert execution["QueryExecutionContext"]["Database"] == "spotify_etl"
    err = capsys.readouterr().err
    assert "Athena workgroup spotify-etl (terraform output athena_workgroup)" in err
    assert "database spotify_etl (terraform output glue_database), region eu-west-1" in err


def test_athena_names_from_the_environment_need_no_terraform(
    fake_terraform: Callable[..., Path],
    athena: Any,
    seed_athena_result: Callable[..., None],
    athena_executions: Callable[[], list[dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
) -> None:
    log = fake_terraform("error")  # would fail if it were asked
    monkeypatch.setenv("SPOTIFY_ETL_ATHENA_WORKGROUP", "spotify-etl")
    monkeypatch.setenv("SPOTIFY_ETL_GLUE_DATABASE", "from_env")
    seed_athena_result([("playlist_name", "varchar"), ("song_name", "varchar")], [])
    assert main(parse("--athena", "--query", "longevity")) == 0
    assert [e["QueryExecutionContext"]["Database"] for e in athena_executions()] == ["from_env"]
    assert "workgroup spotify-etl (environment SPOTIFY_ETL_ATHENA_WORKGROUP)" in capsys.readouterr().err
    assert log.read_text() == ""


def test_flags_win_over_the_deployment(
    fake_terraform: Callable[..., Path],
    athena: Any,
    seed_athena_result: Callable[..., None],
    athena_executions: Callable[[], list[dict[str, Any]]],
    capsys: Any,
) -> None:
    log = fake_terraform({"athena_workgroup": "other", "glue_database": "other"})
    seed_athena_result([("playlist_name", "varchar"), ("song_name", "varchar")], [])
    assert (
        main(parse("--athena", "--workgroup", "spotify-etl", "--database", "db", "--query", "longevity")) == 0
    )
    [execution] = athena_executions()
    assert (execution["WorkGroup"], execution["QueryExecutionContext"]["Database"]) == ("spotify-etl", "db")
    assert "workgroup spotify-etl (--workgroup), database db (--database)" in capsys.readouterr().err
    assert log.read_text() == ""


@pytest.mark.parametrize(
    ("state", "reason"),
    [({}, "not applied yet"), ("error", "Backend initialization required")],
)
def test_athena_without_a_known_deployment_is_refused_not_sent_to_primary(
    fake_terraform: Callable[..., Path],
    athena: Any,
    athena_executions: Callable[[], list[dict[str, Any]]],
    capsys: Any,
    state: Any,
    reason: str,
) -> None:
    fake_terraform(state)
    assert main(parse("--athena", "--query", "longevity")) == 2
    err = capsys.readouterr().err
    assert "SPOTIFY_ETL_ATHENA_WORKGROUP=..., SPOTIFY_ETL_GLUE_DATABASE=..." in err
    assert reason in err and "--workgroup W --database D" in err
    assert athena_executions() == []
