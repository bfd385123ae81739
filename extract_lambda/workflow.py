"""Hand-off to the Glue workflow: start it for this run's date, or say how to start it by hand.

A failure to start is reported, never raised: the raw data is landed and stays; someone (or the
next run) starts the workflow for that date.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from .log import logger


def run_properties(snapshot_date: str, run_id: str, raw_root: str) -> dict[str, str]:
    """What the Glue jobs read from the workflow run: ``raw_path`` is the raw ROOT (they append the date)."""
    return {"snapshot_date": snapshot_date, "run_id": run_id, "raw_path": raw_root}


def manual_start_instruction(workflow_name: str, properties: dict[str, str]) -> str:
    return (
        f"start the Glue workflow by hand: AWS console > AWS Glue > Workflows > {workflow_name} > "
        f"Run with run properties, and set the run property snapshot_date = {properties['snapshot_date']} "
        f"(also run_id = {properties['run_id']}, raw_path = {properties['raw_path']}); or run: "
        f"aws glue start-workflow-run --name {workflow_name} --run-properties '{json.dumps(properties)}'"
    )


class GlueWorkflowStarter:
    def __init__(self, glue_client: Any, workflow_name: str, raw_root: str) -> None:
        self._glue = glue_client
        self.workflow_name = workflow_name
        self.raw_root = raw_root

    def start(self, snapshot_date: str, run_id: str) -> dict[str, Any]:
        properties = run_properties(snapshot_date, run_id, self.raw_root)
        try:
            response = self._glue.start_workflow_run(Name=self.workflow_name, RunProperties=properties)
        except (ClientError, BotoCoreError) as error:
            result = {
                "status": "failed",
                "name": self.workflow_name,
                "run_id": None,
                "run_properties": properties,
                "error": f"{type(error).__name__}: {error}",
                "instruction": manual_start_instruction(self.workflow_name, properties),
            }
            logger.error("Glue workflow not started", extra={"workflow": result})
            return result
        logger.info("Glue workflow started", extra={"workflow_run_id": response["RunId"]})
        return {
            "status": "started",
            "name": self.workflow_name,
            "run_id": response["RunId"],
            "run_properties": properties,
        }
