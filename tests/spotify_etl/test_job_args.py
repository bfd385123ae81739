import pytest

from spotify_etl.job_args import JobArgumentError, resolve_job_args, to_argv
from spotify_etl.jobs import BUILD_TABLES, NORMALIZE_ITEMS
from spotify_etl.snapshot_dates import DateSelection


def never_called(name, run_id):
    raise AssertionError("workflow properties must only be read inside a workflow")


def test_arguments_as_glue_passes_them():
    argv = [
        "script.py",
        "--JOB_NAME",
        "x",
        "--raw_path",
        "s3://r/raw",
        "--lake_path",
        "s3://c",
        "--snapshot_date",
        "2026-11-19",
    ]
    args = resolve_job_args(argv, NORMALIZE_ITEMS, never_called)
    assert (args["raw_path"], args["lake_path"], args["snapshot_dates"]) == (
        "s3://r/raw",
        "s3://c",
        DateSelection(("2026-11-19",)),
    )
    assert args["dates_source"] == "--snapshot_date"


def test_without_a_date_it_processes_today_utc():
    args = resolve_job_args(
        to_argv({"lake_path": "lake"}), BUILD_TABLES, never_called, today=lambda: "2026-11-21"
    )
    assert args["snapshot_dates"] == DateSelection(("2026-11-21",))
    assert args["dates_source"] == "today's UTC date"


def test_workflow_run_properties_win_over_arguments():
    calls = []

    def properties(name, run_id):
        calls.append((name, run_id))
        return {
            "snapshot_date": "2026-11-18",
            "run_id": "20261118T060000Z-abcdef12",
            "raw_path": "s3://other/raw",
        }

    argv = to_argv(
        {
            "raw_path": "s3://r/raw",
            "lake_path": "s3://c",
            "snapshot_date": "2026-11-20",
            "WORKFLOW_NAME": "wf",
            "WORKFLOW_RUN_ID": "wr_1",
        }
    )
    args = resolve_job_args(argv, NORMALIZE_ITEMS, properties)
    assert calls == [("wf", "wr_1")]
    assert (args["snapshot_dates"].dates, args["raw_path"], args["run_id"]) == (
        ("2026-11-18",),
        "s3://other/raw",
        "20261118T060000Z-abcdef12",
    )


def test_a_console_run_of_the_workflow_without_properties_falls_back():
    argv = to_argv({"lake_path": "s3://c", "WORKFLOW_NAME": "wf", "WORKFLOW_RUN_ID": "wr_2"})
    args = resolve_job_args(argv, BUILD_TABLES, lambda name, run_id: {}, today=lambda: "2026-11-21")
    assert args["snapshot_dates"].dates == ("2026-11-21",) and "raw_path" not in args


def test_missing_required_argument_names_it():
    with pytest.raises(JobArgumentError, match="--raw_path VALUE --lake_path VALUE"):
        resolve_job_args(to_argv({"lake_path": "lake"}), NORMALIZE_ITEMS)


@pytest.mark.parametrize("bad", ["2026-13-01", "20261120", "yesterday", "2026-02-30"])
def test_bad_dates_are_refused_with_their_source(bad):
    with pytest.raises(JobArgumentError, match=f"snapshot_date '{bad}' from --snapshot_date"):
        resolve_job_args(to_argv({"lake_path": "lake", "snapshot_date": bad}), BUILD_TABLES)


def test_bad_date_from_the_workflow_says_so():
    argv = to_argv({"lake_path": "l", "WORKFLOW_NAME": "wf", "WORKFLOW_RUN_ID": "r"})
    with pytest.raises(JobArgumentError, match="from workflow run property snapshot_date"):
        resolve_job_args(argv, BUILD_TABLES, lambda n, r: {"snapshot_date": "20-11-2026"})


def test_snapshot_dates_and_snapshot_date_together_are_their_union():
    argv = to_argv(
        {"lake_path": "l", "snapshot_date": "2026-11-20", "snapshot_dates": "2026-01-01..2026-01-31"}
    )
    args = resolve_job_args(argv, BUILD_TABLES)
    assert args["snapshot_dates"] == DateSelection(("2026-11-20",), (("2026-01-01", "2026-01-31"),))
    assert args["dates_source"] == "--snapshot_date and --snapshot_dates"


def test_the_workflow_runs_dates_replace_the_jobs_own():
    """A backfill started with the run property snapshot_dates: a date in the job's arguments must
    not sneak into it."""
    argv = to_argv(
        {"lake_path": "l", "snapshot_date": "2026-11-20", "WORKFLOW_NAME": "wf", "WORKFLOW_RUN_ID": "r"}
    )
    args = resolve_job_args(argv, BUILD_TABLES, lambda n, r: {"snapshot_dates": "all"})
    assert args["snapshot_dates"] == DateSelection(everything=True)
    assert args["dates_source"] == "workflow run property snapshot_dates"


def test_a_bad_snapshot_dates_names_its_source():
    argv = to_argv({"lake_path": "l", "WORKFLOW_NAME": "wf", "WORKFLOW_RUN_ID": "r"})
    with pytest.raises(JobArgumentError, match="snapshot_dates from workflow run property snapshot_dates"):
        resolve_job_args(argv, BUILD_TABLES, lambda n, r: {"snapshot_dates": "2026-11-20..2026-11-01"})


def test_a_selection_goes_back_through_the_parser_unchanged():
    selection = DateSelection(("2026-11-20",), (("2026-01-01", "2026-01-31"),))
    args = resolve_job_args(to_argv({"lake_path": "l", "snapshot_dates": selection}), BUILD_TABLES)
    assert args["snapshot_dates"] == selection
