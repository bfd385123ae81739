"""terraform/snowflake reads the main stack's outputs: each of its main_stack.tf variables is one."""

from __future__ import annotations

import importlib.util

import pytest

from ..terraform.conftest import REPO


def tool():
    spec = importlib.util.spec_from_file_location(
        "main_stack_tfvars", REPO / "tools" / "main_stack_tfvars.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_main_stack_variable_is_a_main_stack_output(tfs, main_tf):
    declared = tool().declared_variables()
    assert set(declared) == {
        "region",
        "name_prefix",
        "curated_bucket",
        "lake_path",
        "kms_key_arn",
        "artifacts_bucket",
        "glue_package_path",
        "glue_security_configuration",
        "glue_log_groups",
        "glue_workflow_name",
        "glue_job_names",
        "alarm_topic_arn",
    }
    assert set(declared) <= set(tfs.variables)
    assert set(declared) <= set(main_tf.outputs), sorted(set(declared) - set(main_tf.outputs))
    # and nothing a main-stack output carries is asked for twice, under another name
    assert not set(main_tf.outputs) & (set(tfs.variables) - set(declared))


def test_outputs_become_tfvars_values():
    module = tool()
    outputs = {name: {"value": f"v-{name}", "type": "string"} for name in module.declared_variables()}
    outputs["spotify_secret_arn"] = {"value": "not passed on", "type": "string"}
    assert module.tfvars(outputs, module.declared_variables()) == {
        name: f"v-{name}" for name in module.declared_variables()
    }


def test_a_missing_output_says_apply_the_main_stack_first():
    module = tool()
    with pytest.raises(SystemExit, match="no output glue_package_path"):
        module.tfvars({"region": {"value": "eu-west-1"}}, ["region", "glue_package_path"])
