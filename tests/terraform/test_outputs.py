"""The Terraform outputs that make smoke and `spotify-etl analyze --athena` read by name."""

from __future__ import annotations

from spotify_etl.analysis import command


def test_every_name_the_tools_read_is_an_output(tf, load_tool):
    wanted = set(load_tool("smoke").OUTPUTS)
    wanted |= {command.WORKGROUP_OUTPUT, command.DATABASE_OUTPUT, command.REGION_OUTPUT}
    missing = wanted - set(tf.outputs)
    assert not missing, f"terraform/outputs.tf lacks {sorted(missing)}"


def test_the_outputs_are_the_deployed_names(tf):
    outputs = {name: output["value"] for name, output in tf.outputs.items()}
    assert outputs["athena_workgroup"] == "${aws_athena_workgroup.main.name}"
    assert outputs["glue_database"] == "${aws_glue_catalog_database.lake.name}"
    assert outputs["region"] == "${local.region}"
    assert outputs["lambda_log_group"] == "${aws_cloudwatch_log_group.lambda.name}"
    # make smoke names the error and output groups of a failed job run.
    assert outputs["glue_log_groups"] == (
        "${{for stream, group in aws_cloudwatch_log_group.glue : stream => group.name}}"
    )
    assert set(tf.local("glue_log_group_names")) == {"output", "error"}
    assert outputs["glue_job_names"] == "${{for name, job in aws_glue_job.this : name => job.name}}"
