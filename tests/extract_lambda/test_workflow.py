"""Starting the Glue workflow (moto), or saying how to start it by hand."""

from __future__ import annotations

from extract_testkit import WORKFLOW

from extract_lambda.workflow import GlueWorkflowStarter, manual_start_instruction, run_properties


def test_start_passes_the_run_properties(aws):
    result = GlueWorkflowStarter(aws.glue, WORKFLOW, "s3://b/raw/spotify/playlist_items").start(
        "2026-11-20", "r1"
    )
    assert result["status"] == "started"
    run = aws.glue.get_workflow_run(Name=WORKFLOW, RunId=result["run_id"])["Run"]
    assert run["WorkflowRunProperties"] == {
        "snapshot_date": "2026-11-20",
        "run_id": "r1",
        "raw_path": "s3://b/raw/spotify/playlist_items",
    }


def test_a_failed_start_is_returned_with_the_manual_instruction(aws):
    result = GlueWorkflowStarter(aws.glue, "missing", "s3://b/raw").start("2026-11-20", "r1")
    assert result["status"] == "failed"
    assert result["run_id"] is None
    assert "EntityNotFoundException" in result["error"]
    assert result["instruction"] == manual_start_instruction(
        "missing", run_properties("2026-11-20", "r1", "s3://b/raw")
    )
    assert "Workflows > missing" in result["instruction"]
    assert "snapshot_date = 2026-11-20" in result["instruction"]
    assert "aws glue start-workflow-run --name missing" in result["instruction"]
