"""One extraction run, the same for the Lambda and for ``spotify-etl extract``.

Resolves ``mine`` (``discovery``) into the user's own and collaborative playlists, reads the
playlists, ``concurrency`` at a time (``ordered_pool``), lands the raw lines in the configured
playlist order, starts the Glue workflow and writes the manifest. A playlist that fails is
reported with its reason while the others land; a failure of the whole run (no client, ``mine``
not resolvable) is the summary's ``error``. Whether the run as a whole is an error is for the
caller (the Lambda raises only when nothing landed).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from .budget import BudgetExhausted, TimeBudget
from .config import DEFAULT_CONCURRENCY, DEFAULT_PART_MAX_BYTES
from .discovery import Discovery, discover_my_playlists, failed_report
from .envelope import SCHEMA_VERSION, build_envelope, encode_line
from .extractor import extract_playlist
from .http_outcomes import HttpOutcomes, no_requests
from .landing import Landing
from .log import logger, redactor
from .manifest import CONTENT_TYPE as MANIFEST_CONTENT_TYPE
from .manifest import build_manifest, encode_manifest, manifest_key
from .ordered_pool import Unfinished, map_in_order
from .playlist_ids import MINE
from .raw_files import RawRunWriter
from .refusals import mine_needs_a_user
from .run_id import iso_utc, new_run_id, utc_now
from .spotify_client import SpotifyApi, SpotifyAuthError, SpotifyRequestError
from .version import versions

LANDED = "ok"
"""A playlist whose raw line is in a written file (the summary's per-playlist status)."""
FAILED = "failed"
NOT_STARTED = "not started: time budget exhausted (the Lambda would time out)"
STILL_READING = "abandoned: still reading when the time budget ran out (the Lambda would time out)"


class WorkflowStarter(Protocol):
    def start(self, snapshot_date: str, run_id: str) -> dict[str, Any]: ...


def _playlist_result(playlist_id: str) -> dict[str, Any]:
    return {
        "playlist_id": playlist_id,
        "status": FAILED,
        "name": None,
        "snapshot_id": None,
        "item_count": None,
        "total_items": None,
        "duration_seconds": 0.0,
        "object": None,
        "error": None,
        "warning": None,
        "http": no_requests(),
    }


@dataclass(frozen=True)
class _Read:
    """What a worker hands back for one playlist: its summary fields, and its raw line if read."""

    fields: dict[str, Any]
    line: bytes | None = None


class _PlaylistReader:
    """The task a worker runs for each playlist. Failures are returned, never raised, so one
    playlist's failure stays its own; an auth failure stops every playlist not yet started. Each
    playlist's requests are counted into its own ``HttpOutcomes`` (``http``)."""

    def __init__(
        self,
        api: SpotifyApi,
        run_id: str,
        snapshot_date: str,
        budget: TimeBudget,
        now: Callable[[], datetime],
        monotonic: Callable[[], float],
        fatal: str | None = None,
    ) -> None:
        self._api = api
        self._run_id = run_id
        self._snapshot_date = snapshot_date
        self._budget = budget
        self._now = now
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._fatal = fatal
        self._outcomes: dict[str, HttpOutcomes] = {}

    def http(self, playlist_id: str, finished: bool = True) -> dict[str, Any]:
        """The playlist's ``http`` object; one the budget ran out on (not ``finished``) ended
        without an answer (status None), whatever its requests got so far."""
        with self._lock:
            outcomes = self._outcomes.get(playlist_id)
        report = outcomes.report() if outcomes is not None else no_requests()
        return report if finished else {**report, "status": None}

    def __call__(self, playlist_id: str) -> _Read:
        outcomes = HttpOutcomes()
        with self._lock:
            self._outcomes[playlist_id] = outcomes
            fatal = self._fatal
        if fatal is not None:
            return _Read({"error": fatal})
        if self._budget.expired():
            return _Read({"error": NOT_STARTED})
        begun = self._monotonic()
        line = None
        try:
            with self._api.counting(outcomes):
                snapshot = extract_playlist(self._api, playlist_id, self._now)
            line = encode_line(build_envelope(self._run_id, self._snapshot_date, snapshot))
        except SpotifyAuthError as error:
            with self._lock:
                self._fatal = self._fatal or str(error)
            fields: dict[str, Any] = {"error": str(error)}
        except (SpotifyRequestError, BudgetExhausted) as error:
            fields = {"error": redactor.redact(str(error))}
        except Exception as error:
            logger.exception("unexpected error reading a playlist", extra={"playlist_id": playlist_id})
            fields = {"error": redactor.redact(f"unexpected error: {type(error).__name__}: {error}")}
        else:
            fields = {
                "name": snapshot.playlist["name"],
                "snapshot_id": snapshot.playlist["snapshot_id"],
                "item_count": len(snapshot.items),
                "total_items": snapshot.playlist["total_items"],
                "warning": snapshot.warning,
                "status": "extracted",
            }
        fields["duration_seconds"] = round(self._monotonic() - begun, 3)
        return _Read(fields, line)


def _run_status(results: list[dict[str, Any]]) -> str:
    landed = sum(result["status"] == LANDED for result in results)
    if not landed:
        return "failed"
    return "succeeded" if landed == len(results) else "partial"


@dataclass
class _Resolved:
    """The playlists to read once ``mine`` is resolved, and what the run learnt on the way."""

    playlist_ids: list[str]
    discovery: dict[str, Any] | None = None
    error: str | None = None
    fatal: str | None = None
    """An auth failure: every playlist would fail the same way, so none is started."""


def _expand(refs: Sequence[str], discovery: Discovery | None) -> list[str]:
    """``refs`` with ``mine`` replaced by the kept playlists (dropped when unresolved), each ID once."""
    ids: list[str] = []
    for ref in refs:
        expanded = (discovery.kept if discovery else ()) if ref == MINE else (ref,)
        ids += [playlist_id for playlist_id in expanded if playlist_id not in ids]
    return ids


def _failed_discovery(reason: str, outcomes: HttpOutcomes | None = None) -> dict[str, Any]:
    """The ``discovery`` entry of a ``mine`` not resolved, with the HTTP outcomes of its requests."""
    return failed_report(reason) | {"http": outcomes.report() if outcomes else no_requests()}


def _resolve(api: SpotifyApi, refs: Sequence[str]) -> _Resolved:
    if MINE not in refs:
        return _Resolved(list(refs))
    if not api.context.user_token:  # refused before any request; explicit IDs are still tried
        reason = f"{MINE}: {mine_needs_a_user(api.context)}"
        logger.error("playlists of the user not listed", extra={"reason": reason})
        return _Resolved(_expand(refs, None), _failed_discovery(reason), reason)
    outcomes = HttpOutcomes()
    try:
        with api.counting(outcomes):
            discovery = discover_my_playlists(api)
    except (SpotifyRequestError, BudgetExhausted) as error:
        reason = redactor.redact(f"{MINE}: {error}")
        logger.error("playlists of the user not listed", extra={"reason": reason})
        fatal = reason if isinstance(error, SpotifyAuthError) else None
        return _Resolved(_expand(refs, None), _failed_discovery(reason, outcomes), reason, fatal)
    report = discovery.report() | {"http": outcomes.report()}
    logger.info(
        "playlists of the user listed",
        extra={
            "user_id": discovery.user_id,
            "found": report["found"],
            "kept": list(discovery.kept),
            "left_out": [(p["id"], p["reason"]) for p in discovery.playlists if not p["kept"]],
        },
    )
    ids = _expand(refs, discovery)
    error = None if ids else f"{MINE}: no playlist to read: the user owns or collaborates on none"
    return _Resolved(ids, report, error)


def run_extract(
    *,
    api_factory: Callable[[], SpotifyApi],
    playlist_ids: Sequence[str],
    snapshot_date: str,
    landing: Landing,
    budget: TimeBudget,
    part_max_bytes: int = DEFAULT_PART_MAX_BYTES,
    concurrency: int = DEFAULT_CONCURRENCY,
    workflow: WorkflowStarter | None = None,
    now: Callable[[], datetime] = utc_now,
    monotonic: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """Extract ``playlist_ids`` for ``snapshot_date`` into ``landing``; returns the run summary.

    At most ``concurrency`` playlists are read at once (each one's pages in order); the api must
    be safe to share between threads (``SpotifyApi`` is).
    """
    started = now()
    run_id = new_run_id(started)
    logger.append_keys(run_id=run_id, snapshot_date=snapshot_date)
    try:
        return _run(
            run_id=run_id,
            started=started,
            api_factory=api_factory,
            playlist_ids=playlist_ids,
            snapshot_date=snapshot_date,
            landing=landing,
            budget=budget,
            part_max_bytes=part_max_bytes,
            concurrency=concurrency,
            workflow=workflow,
            now=now,
            monotonic=monotonic,
        )
    finally:
        logger.remove_keys(["run_id", "snapshot_date"])


def _run(
    *,
    run_id: str,
    started: datetime,
    api_factory: Callable[[], SpotifyApi],
    playlist_ids: Sequence[str],
    snapshot_date: str,
    landing: Landing,
    budget: TimeBudget,
    part_max_bytes: int,
    concurrency: int,
    workflow: WorkflowStarter | None,
    now: Callable[[], datetime],
    monotonic: Callable[[], float],
) -> dict[str, Any]:
    logger.info("extraction started", extra={"playlist_ids": list(playlist_ids), "concurrency": concurrency})
    writer = RawRunWriter(landing, snapshot_date, run_id, part_max_bytes)
    api: SpotifyApi | None = None
    try:
        api = api_factory()
    except Exception as error:
        reason = redactor.redact(f"could not set up the Spotify client: {error}")
        logger.error("Spotify client not set up", extra={"reason": reason})
        resolved = _Resolved(_expand(playlist_ids, None), error=reason, fatal=reason)
        if MINE in playlist_ids:
            resolved.discovery = _failed_discovery(reason)
    else:
        resolved = _resolve(api, playlist_ids)
    results = [_playlist_result(playlist_id) for playlist_id in resolved.playlist_ids]

    if api is None:
        for result in results:
            result["error"] = resolved.fatal
    else:
        reader = _PlaylistReader(api, run_id, snapshot_date, budget, now, monotonic, resolved.fatal)
        outcomes = map_in_order(reader, resolved.playlist_ids, concurrency, budget, clock=monotonic)
        for result, outcome in zip(results, outcomes, strict=True):  # in the configured order
            playlist_id = result["playlist_id"]
            if isinstance(outcome, Unfinished):
                result["error"] = STILL_READING if outcome.started else NOT_STARTED
                result["duration_seconds"] = round(outcome.running_seconds, 3)
                result["http"] = reader.http(playlist_id, finished=False)
                continue
            result.update(outcome.fields, http=reader.http(playlist_id))
            if outcome.line is not None:
                writer.add(playlist_id, outcome.line)
    writer.close()

    landed_in = {playlist_id: obj.uri for obj in writer.objects for playlist_id in obj.playlist_ids}
    for result in results:
        playlist_id = result["playlist_id"]
        if result["status"] == "extracted" and playlist_id in landed_in:
            result.update(status=LANDED, object=landed_in[playlist_id])
            logger.info("playlist landed", extra={"playlist": result})
        else:
            if result["status"] == "extracted":
                result["error"] = writer.failures.get(playlist_id, "raw file not written")
            result["status"] = FAILED
            logger.warning("playlist failed", extra={"playlist": result})

    status = _run_status(results)
    if status == "failed":
        workflow_result: dict[str, Any] = {"status": "skipped", "reason": "no playlist landed"}
    elif workflow is None:
        workflow_result = {"status": "not_configured"}
    else:
        workflow_result = workflow.start(snapshot_date, run_id)

    summary: dict[str, Any] = {
        "run_id": run_id,
        "snapshot_date": snapshot_date,
        "started_at": iso_utc(started),
        "finished_at": iso_utc(now()),
        "status": status,
        "raw_path": landing.root_uri,
        "playlists": results,
        "objects": [
            {
                "uri": obj.uri,
                "playlist_ids": obj.playlist_ids,
                "compressed_bytes": obj.compressed_bytes,
                "uncompressed_bytes": obj.uncompressed_bytes,
            }
            for obj in writer.objects
        ],
        "workflow": workflow_result,
        "workflow_run_id": workflow_result.get("run_id"),
        "error": resolved.error,
        "discovery": resolved.discovery,
        "auth": api.auth_status if api is not None else None,
        "manifest": None,
        "manifest_error": None,
    }
    manifest = build_manifest(summary, versions(SCHEMA_VERSION))
    try:
        summary["manifest"] = landing.put_new(
            manifest_key(snapshot_date, run_id), encode_manifest(manifest), MANIFEST_CONTENT_TYPE
        )
    except Exception as error:
        summary["manifest_error"] = redactor.redact(f"{type(error).__name__}: {error}")
        logger.error("manifest not written", extra={"reason": summary["manifest_error"]})
    logger.info(
        "extraction finished",
        extra={
            "status": status,
            "objects": [obj["uri"] for obj in summary["objects"]],
            "manifest": summary["manifest"],
        },
    )
    return summary
