"""Job arguments: the same names on AWS Glue and on a laptop.

On Glue the arguments arrive as ``--name value`` pairs and are parsed with AWS's own
``getResolvedOptions``. Inside a Glue workflow, the workflow run properties set by the extract
Lambda (``snapshot_date``, ``run_id``, ``raw_path``) or by whoever started the run
(``snapshot_dates`` for a backfill) take precedence over the job's own arguments; a console run
with neither processes today's UTC date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .lake_layout import is_snapshot_date
from .snapshot_dates import DateSelection, parse_snapshot_dates, single_date

WORKFLOW_ARGS = ("WORKFLOW_NAME", "WORKFLOW_RUN_ID")
DATE_ARGS = ("snapshot_date", "snapshot_dates")
WORKFLOW_PROPERTIES = (*DATE_ARGS, "run_id", "raw_path")
"""Run properties the jobs read: the extract Lambda sets snapshot_date, run_id and raw_path when it
starts the workflow; a backfill started by hand sets snapshot_dates."""


class JobArgumentError(ValueError):
    """An argument is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class JobSpec:
    """A Glue job: its name, its entry script and the arguments that script reads."""

    name: str
    script: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def arguments(self) -> tuple[str, ...]:
        return self.required + self.optional


def validate_snapshot_date(value: str, source: str) -> str:
    """Return ``value`` if it is a real ``YYYY-MM-DD`` date, else say where it came from."""
    if not is_snapshot_date(value):
        raise JobArgumentError(
            f"snapshot_date {value!r} from {source} is not a date in YYYY-MM-DD form; "
            "pass --snapshot_date 2026-11-20 (or set the workflow run property snapshot_date)"
        )
    return value


def today_utc() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


def parse_glue_argv(argv: Sequence[str], spec: JobSpec) -> dict[str, str]:
    """Parse ``argv`` with awsglue's getResolvedOptions: required ones must be there, optional
    ones (and the workflow's) are asked for only when present, since it treats all as required."""
    from awsglue.utils import GlueArgumentError, getResolvedOptions

    present = {arg[2:].split("=", 1)[0] for arg in argv if arg.startswith("--")}
    wanted = list(spec.required) + [name for name in (*spec.optional, *WORKFLOW_ARGS) if name in present]
    try:
        resolved = getResolvedOptions(list(argv), wanted)
    except GlueArgumentError as error:
        raise JobArgumentError(
            f"job {spec.name}: {error}; it needs " + " ".join(f"--{name} VALUE" for name in spec.required)
        ) from None
    return {name: resolved[name] for name in wanted}


def resolve_job_args(
    argv: Sequence[str],
    spec: JobSpec,
    workflow_properties: Callable[[str, str], Mapping[str, str]] | None = None,
    today: Callable[[], str] = today_utc,
) -> dict[str, Any]:
    """The job's effective arguments: workflow run properties, then arguments, then defaults.

    ``workflow_properties(name, run_id)`` reads a workflow run's properties (boto3 on Glue);
    it is only called when Glue passed ``--WORKFLOW_NAME`` and ``--WORKFLOW_RUN_ID``.

    The dates come from one place: the workflow run's ``snapshot_date``/``snapshot_dates``
    properties when it has any, else the job's arguments, else today's UTC date. They are
    returned as ``args["snapshot_dates"]``, a ``DateSelection`` (both names together: their
    union), and ``args["dates_source"]`` says where they came from. Raises ``JobArgumentError``
    naming the argument or property that cannot be read.
    """
    args: dict[str, Any] = dict(parse_glue_argv(argv, spec))
    sources = {name: "--" + name for name in args}
    if workflow_properties and all(name in args for name in WORKFLOW_ARGS):
        properties = workflow_properties(args["WORKFLOW_NAME"], args["WORKFLOW_RUN_ID"])
        if any(properties.get(name) for name in DATE_ARGS):
            for name in DATE_ARGS:  # the run's dates replace the job's, never mix with them
                args.pop(name, None)
        for name in WORKFLOW_PROPERTIES:
            if properties.get(name) and (name in spec.arguments or name == "run_id"):
                args[name] = properties[name]
                sources[name] = f"workflow run property {name}"
    selection = DateSelection()
    if args.get("snapshot_date"):
        selection = single_date(validate_snapshot_date(args["snapshot_date"], sources["snapshot_date"]))
    if args.get("snapshot_dates"):
        try:
            named = parse_snapshot_dates(args["snapshot_dates"], sources["snapshot_dates"])
        except ValueError as error:
            raise JobArgumentError(str(error)) from None
        selection = selection.union(named)
    dates_source = " and ".join(sources[name] for name in DATE_ARGS if args.get(name))
    if not selection.dates and not selection.needs_raw_listing:
        selection, dates_source = single_date(today()), "today's UTC date"
    args.pop("snapshot_date", None)
    args["snapshot_dates"] = selection
    args["dates_source"] = dates_source
    return args


def glue_workflow_properties(name: str, run_id: str) -> Mapping[str, str]:
    """Read a Glue workflow run's properties (the AWS edge; retried by botocore standard mode)."""
    import boto3
    from botocore.config import Config

    glue = boto3.client("glue", config=Config(retries={"mode": "standard", "max_attempts": 10}))
    return glue.get_workflow_run_properties(Name=name, RunId=run_id)["RunProperties"]


def to_argv(args: Mapping[str, Any]) -> list[str]:
    """Turn arguments into the ``argv`` Glue would pass, so local runs go through the same parser
    (a ``DateSelection`` is written as its ``snapshot_dates`` text)."""
    argv = ["local"]
    for name, value in args.items():
        if isinstance(value, DateSelection):
            value = value.describe()
        if value is not None:
            argv += [f"--{name}", str(value)]
    return argv


def parse_blocking_checks(value: str | None, known: Sequence[str]) -> frozenset[str]:
    """``--blocking_checks``: the warning checks that stop a date from being published. ``none``
    (or unset) for none, ``all`` for every check of ``known``, or a comma list of their names.
    Raises ``JobArgumentError`` naming an unknown check and listing the known ones."""
    text = (value or "").strip()
    if text.lower() in ("", "none"):
        return frozenset()
    if text.lower() == "all":
        return frozenset(known)
    names = {name.strip() for name in text.split(",") if name.strip()}
    unknown = sorted(names - set(known))
    if unknown:
        raise JobArgumentError(
            f"--blocking_checks: unknown check(s) {', '.join(unknown)}; give none, all, or a comma list of "
            f"{', '.join(known)}"
        )
    return frozenset(names)


def parse_fraction(value: str | None, name: str, default: float) -> float:
    """A job argument that is a share from 0 to 1 (``--min_volume_share 0.5``); ``default`` when
    unset. Raises ``JobArgumentError`` naming the argument."""
    if value is None or not str(value).strip():
        return default
    try:
        parsed = float(value)
    except ValueError:
        parsed = -1.0
    if not 0.0 <= parsed <= 1.0:
        raise JobArgumentError(f"--{name} must be a number from 0 to 1 (a share), got {value!r}")
    return parsed
