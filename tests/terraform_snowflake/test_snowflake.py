"""The Snowflake objects: provider pin, stage within the integration's locations, the tables
from generated.tf, the auto-ingest pipes, views and S3 notification, the loader's grants."""

from __future__ import annotations

import gzip
import json

from spotify_etl.lake_layout import table_path
from spotify_etl.schemas import TABLES

from ..terraform.conftest import REPO, normalise
from .conftest import resolve_locals

TFCHECK_SCHEMA = REPO.parent / "shared" / "tools" / "tfcheck" / "snowflake-provider-schema.json.gz"


def test_the_snowflake_provider_is_pinned_to_2_11(tfs):
    (settings,) = tfs.terraform
    providers = {name: spec for entry in settings["required_providers"] for name, spec in entry.items()}
    assert providers["snowflake"] == {"source": "snowflakedb/snowflake", "version": "~> 2.11.0"}
    assert providers["aws"] == {"source": "hashicorp/aws", "version": "~> 6.25"}


def test_every_preview_resource_used_is_enabled(tfs):
    import hcl2

    with (tfs.directory / "providers.tf").open() as handle:
        providers = normalise(hcl2.load(handle)["provider"])
    (snowflake,) = [p["snowflake"] for p in providers if "snowflake" in p]
    enabled = set(snowflake["preview_features_enabled"])
    used = {kind for kind, _ in tfs.resources if kind.startswith("snowflake_")}
    preview = {f"{kind}_resource" for kind in used}
    if TFCHECK_SCHEMA.exists():  # the provider's own list of preview features
        with gzip.open(TFCHECK_SCHEMA) as schema:
            preview &= set(json.load(schema)["preview_features"])
    assert preview <= enabled, sorted(preview - enabled)
    assert {"snowflake_stage_resource", "snowflake_pipe_resource", "snowflake_table_resource"} <= enabled


def test_the_stage_url_is_inside_the_integrations_allowed_locations(tfs):
    stage = tfs.resource("snowflake_stage", "curated")
    integration = tfs.resource("snowflake_storage_integration", "curated")
    url = resolve_locals(stage["url"], tfs)
    allowed = [resolve_locals(location, tfs) for location in integration["storage_allowed_locations"]]
    assert url == "s3://${var.curated_bucket}/curated/"
    assert any(url.startswith(location) and location.endswith("/") for location in allowed), allowed
    assert stage["storage_integration"] == "${snowflake_storage_integration.curated.name}"
    assert integration["storage_provider"] == "S3" and integration["enabled"] is True


def test_the_stage_prefix_is_where_build_tables_writes_the_tables(tfs):
    # lake_layout.table_path("<root>", t) == "<root>/curated/<t>": the stage's <table>/... paths
    for table in TABLES:
        assert table_path("s3://bucket", table) == f"s3://bucket/{tfs.local('stage_prefix')}{table}"


def test_the_tables_are_the_generated_columns_in_loader_mode_only(tfs):
    assert tfs.local("loader_tables") == "${local.loader_enabled ? local.table_columns : {}}"
    assert tfs.local("landing_tables") == "${var.snowpipe_enabled ? local.landing_columns : {}}"
    table = tfs.resource("snowflake_table", "curated")
    assert table["for_each"] == "${local.loader_tables}" and table["name"] == "${upper(each.key)}"
    (column,) = table["dynamic"]
    assert column["column"]["for_each"] == "${each.value}"
    assert column["column"]["content"] == [
        {
            "name": "${column.value.name}",
            "type": "${column.value.type}",
            "nullable": "${column.value.nullable}",
        }
    ]


def test_pipes_auto_ingest_the_generated_copy_into_the_landing_tables(tfs):
    pipe = tfs.resource("snowflake_pipe", "curated")
    assert pipe["for_each"] == "${local.landing_tables}"
    assert pipe["auto_ingest"] is True
    assert pipe["copy_statement"] == "${trimspace(local.pipe_copy_statements[each.key])}"
    view = tfs.resource("snowflake_view", "current")
    assert view["for_each"] == "${local.landing_tables}" and view["name"] == "${upper(each.key)}"
    assert view["statement"] == "${trimspace(local.current_rows_views[each.key])}"
    landing = tfs.resource("snowflake_table", "landing")
    assert landing["name"] == "${upper(each.key)}_LANDING"


def test_one_notification_sends_the_stages_new_parquet_files_to_the_pipes(tfs):
    notification = tfs.resource("aws_s3_bucket_notification", "snowpipe")
    assert notification["count"] == "${var.snowpipe_enabled ? 1 : 0}"
    assert notification["bucket"] == "${var.curated_bucket}"
    (queue,) = notification["queue"]
    assert queue["queue_arn"] == '${snowflake_pipe.curated["album"].notification_channel}'
    assert queue["events"] == ["s3:ObjectCreated:*"]
    assert queue["filter_suffix"] == ".parquet"
    stage_url = resolve_locals(tfs.resource("snowflake_stage", "curated")["url"], tfs)
    prefix = resolve_locals(queue["filter_prefix"], tfs)
    assert stage_url == f"s3://${{var.curated_bucket}}/{prefix}", "the notification covers the stage's files"


def test_the_warehouse_suspends_after_a_minute(tfs):
    warehouse = tfs.resource("snowflake_warehouse", "load")
    assert warehouse["auto_suspend"] == "${var.warehouse_auto_suspend_seconds}"
    assert tfs.variables["warehouse_auto_suspend_seconds"]["default"] == 60
    assert warehouse["auto_resume"] is True and warehouse["initially_suspended"] is True


def test_the_loader_signs_in_with_a_key_pair_and_holds_only_what_it_needs(tfs):
    user = tfs.resource("snowflake_service_user", "loader")
    assert user["rsa_public_key"] == "${var.loader_rsa_public_key}"
    assert "password" not in user  # a SERVICE user has none
    grants = tfs.resources_of("snowflake_grant_privileges_to_account_role")
    for name, grant in grants.items():
        assert grant["account_role_name"] == "${snowflake_account_role.loader.name}", name
        assert "on_account" not in grant and not grant.get("all_privileges"), name
    privileges = {
        name: (sorted(grant["privileges"]), next(k for k in grant if k.startswith("on_")))
        for name, grant in grants.items()
    }
    assert privileges == {
        "loader_warehouse": (["USAGE"], "on_account_object"),
        "loader_database": (["USAGE"], "on_account_object"),
        "loader_schema": (["USAGE"], "on_schema"),
        "loader_stage": (["USAGE"], "on_schema_object"),
        "loader_file_format": (["USAGE"], "on_schema_object"),
        "loader_tables": (["DELETE", "INSERT", "SELECT"], "on_schema_object"),
        "reader_views": (["SELECT"], "on_schema_object"),
    }
    assert grants["loader_tables"]["for_each"] == "${snowflake_table.curated}"
