"""Benchmark the extractor's bounded concurrency against a fake Web API with network latency.

Starts a fake Spotify Web API on 127.0.0.1 (``fake_web_api.py``: made-up playlists of full
50-item pages, ``latency_ms`` per request) and runs the real extraction on it: the function
``spotify-etl extract`` runs (``extract_lambda.local.run_local_extract``, which is
``runner.run_extract`` as the Lambda runs it, with spotipy, the retries, the shared rate gate and
the landing), into a temporary local raw folder.

1. **Concurrency**: once with ``EXTRACT_CONCURRENCY=1`` (one request at a time) and once with
   the default (or ``--concurrency``); reports requests, seconds, requests/s, the speed-up and
   the most requests the server saw in flight at once; checks both runs landed the same raw
   content (same playlists, same items, same order; run IDs and timestamps aside), and that it
   is what the server sent.
2. **429**: the concurrent run again, with about ``RATE_LIMITS`` API requests spread over the
   run answered 429 ``Retry-After: 1``; checks, on the server's clock, that no request arrived during a
   Retry-After window (beyond the requests already on their way when the 429 was answered) and
   that the raw content is still the same.

Not run by pytest: times are reported, never asserted. Exit status 1 when the raw content
differs or a 429 was not honoured.

    .venv/bin/python bench/bench_extract.py                       # 200 x 3 pages, 50 ms
    .venv/bin/python bench/bench_extract.py --playlists 50 --latency-ms 100 --concurrency 16
    .venv/bin/python bench/bench_extract.py --json                # the figures as JSON
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from extract_lambda.config import (
    DEFAULT_CONCURRENCY,
    EXTRACT_CONCURRENCY,
    PLAYLIST_IDS,
    SPOTIFY_ACCOUNTS_BASE_URL,
    SPOTIFY_API_BASE_URL,
)
from extract_lambda.credentials import LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET
from extract_lambda.local import run_local_extract
from extract_lambda.log import logger

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
from fake_web_api import FakeWebApi, ServerStats, items_digest  # noqa: E402  (a script folder)

SNAPSHOT_DATE = "2026-11-21"
SPEEDUP_TARGET = 5.0
RATE_LIMITS = 4
"""In the 429 scenario, every (API requests / 4)-th request is answered 429: 4 of 800 by default."""
RETRY_AFTER_S = 1
ALREADY_SENT_S = 0.25
"""A request arriving this soon after a 429 was answered left the client before it could read
the 429 (in the moment between the server answering and the client closing its gate): counted
as "already on its way", not as a request that ignored Retry-After."""


def raw_content(summary: dict[str, Any]) -> list[tuple[str, str, int, str]]:
    """The landed lines, in file and line order, without run IDs and timestamps: per playlist
    (ID, digest of the playlist object, item count, digest of the items)."""
    content = []
    for obj in summary["objects"]:
        data = gzip.decompress(Path(obj["uri"]).read_bytes()).decode("utf-8")
        for text in data.splitlines():
            line = json.loads(text)
            playlist = line["playlist"]
            content.append(
                (playlist["id"], items_digest([playlist]), len(line["items"]), items_digest(line["items"]))
            )
    return content


def extract_once(api: FakeWebApi, concurrency: int | None) -> tuple[dict[str, Any], list[Any], ServerStats]:
    """One extraction, as ``spotify-etl extract`` runs it; (figures, raw content, server stats)."""
    api.reset_stats()
    environ = {
        LOCAL_CLIENT_ID: "bench-client-id",
        LOCAL_CLIENT_SECRET: "bench-client-secret",  # pragma: allowlist secret
        PLAYLIST_IDS: ",".join(api.playlist_ids),
        SPOTIFY_API_BASE_URL: api.api_base_url,
        SPOTIFY_ACCOUNTS_BASE_URL: api.accounts_base_url,
    }
    if concurrency is not None:
        environ[EXTRACT_CONCURRENCY] = str(concurrency)
    with tempfile.TemporaryDirectory(prefix="bench-extract-") as lake:
        began, cpu_began = time.perf_counter(), time.process_time()
        summary = run_local_extract(lake, SNAPSHOT_DATE, environ=environ)
        seconds, cpu_seconds = time.perf_counter() - began, time.process_time() - cpu_began
        ended = time.monotonic()
        content = raw_content(summary)
    stats = api.stats
    figures = {
        "concurrency": DEFAULT_CONCURRENCY if concurrency is None else concurrency,
        "status": summary["status"],
        "playlists_landed": sum(result["status"] == "ok" for result in summary["playlists"]),
        "requests": stats.requests,
        "seconds": round(seconds, 3),
        "requests_per_second": round(stats.requests / seconds, 1),
        "max_in_flight": stats.max_in_flight,
        "cpu_seconds": round(cpu_seconds, 2),  # this process: the extractor and the fake server
        # after the last request arrived: its answer, then gzip of the raw file and the manifest
        "tail_seconds": round(ended - stats.arrivals[-1][0], 3) if stats.arrivals else None,
    }
    return figures, content, stats


def rate_limit_check(stats: ServerStats, retry_after_s: float) -> dict[str, Any]:
    """On the server's clock: did any request arrive while a Retry-After was running?"""
    during: list[float] = []
    already_sent = 0
    resumed_after: list[float] = []
    for sent in stats.rate_limited_at:
        offsets = [at - sent for at, _ in stats.arrivals if at >= sent]
        already_sent += sum(offset < ALREADY_SENT_S for offset in offsets)
        during += [offset for offset in offsets if ALREADY_SENT_S <= offset < retry_after_s]
        later = [offset for offset in offsets if offset >= ALREADY_SENT_S]
        if later:
            resumed_after.append(min(later))
    return {
        "responses_429": len(stats.rate_limited_at),
        "retry_after_s": retry_after_s,
        "arrivals_during_retry_after": len(during),
        "already_on_their_way": already_sent,
        "first_request_after_429_s": round(min(resumed_after), 3) if resumed_after else None,
        "honoured": bool(stats.rate_limited_at) and not during,
    }


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def run_extract_bench(
    playlists: int = 200, pages: int = 3, latency_s: float = 0.05, concurrency: int | None = None
) -> dict[str, Any]:
    """Both scenarios; a dict of the figures (``ok`` False when content differs or 429 was ignored)."""
    if "POWERTOOLS_LOG_LEVEL" not in os.environ:
        logger.setLevel("ERROR")  # 200 JSON log lines per run would be measured too
    result: dict[str, Any] = {
        "playlists": playlists,
        "pages": pages,
        "page_size": 50,
        "items": playlists * pages * 50,
        "latency_s": latency_s,
        "machine": machine(),
    }
    with FakeWebApi(playlists, pages, latency_s) as api:
        expected = [(pid, *api.expected[pid]) for pid in api.playlist_ids]
        sequential, sequential_content, _ = extract_once(api, 1)
        concurrent, concurrent_content, _ = extract_once(api, concurrency)
    served = [(pid, count, digest) for pid, _, count, digest in concurrent_content]
    result |= {
        "sequential": sequential,
        "concurrent": concurrent,
        "speedup": round(sequential["seconds"] / concurrent["seconds"], 2),
        "identical": sequential_content == concurrent_content and served == expected,
    }
    every = max(1, playlists * (1 + pages) // RATE_LIMITS)
    with FakeWebApi(
        playlists, pages, latency_s, rate_limit_every=every, retry_after_s=RETRY_AFTER_S
    ) as limited_api:
        limited, limited_content, stats = extract_once(limited_api, concurrency)
    result["rate_limited"] = limited | rate_limit_check(stats, RETRY_AFTER_S)
    result["rate_limited"]["every"] = every
    result["rate_limited"]["identical"] = limited_content == concurrent_content
    result["ok"] = bool(
        result["identical"] and result["rate_limited"]["identical"] and result["rate_limited"]["honoured"]
    )
    return result


def format_report(result: dict[str, Any]) -> str:
    def yes(value: bool) -> str:
        return "yes" if value else "NO"

    machine_ = result["machine"]
    lines = [
        f"Extract benchmark: {result['playlists']} playlists x {result['pages']} pages of 50 items, "
        f"{result['latency_s'] * 1000:g} ms latency per request "
        f"({machine_['cpus']} CPUs, load {machine_['load_average_1m']}, Python {machine_['python']})",
        "",
        f"{'run':<24}{'requests':>10}{'seconds':>10}{'requests/s':>12}{'max in flight':>15}"
        f"{'CPU s':>8}{'tail s':>8}",
    ]
    for label, run in (("one at a time", result["sequential"]), ("concurrent", result["concurrent"])):
        name = f"{label} ({run['concurrency']})"
        lines.append(
            f"{name:<24}{run['requests']:>10}{run['seconds']:>10.2f}"
            f"{run['requests_per_second']:>12.1f}{run['max_in_flight']:>15}{run['cpu_seconds']:>8.2f}"
            f"{run['tail_seconds']:>8.2f}"
        )
    lines += [
        "",
        f"speed-up: {result['speedup']:.2f}x (target > {SPEEDUP_TARGET:g}x: "
        f"{yes(result['speedup'] > SPEEDUP_TARGET)})",
        f"identical raw content (both runs, and as served): {yes(result['identical'])} "
        f"({result['playlists']} playlists, {result['items']:,} items)",
    ]
    limited = result["rate_limited"]
    lines += [
        "",
        f"429 scenario: every {limited['every']}th API request answered 429 Retry-After: "
        f"{limited['retry_after_s']:g}, concurrency {limited['concurrency']}",
        f"  requests {limited['requests']}, seconds {limited['seconds']:.2f}, "
        f"429 responses {limited['responses_429']}, max in flight {limited['max_in_flight']}",
        f"  requests arriving during a Retry-After window: {limited['arrivals_during_retry_after']} "
        f"(already on their way within {ALREADY_SENT_S:g} s of a 429: {limited['already_on_their_way']})",
        f"  first request after a 429 (beyond those): {limited['first_request_after_429_s']} s later",
        f"  429 honoured: {yes(limited['honoured'])}; identical raw content: {yes(limited['identical'])}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--playlists", type=int, default=200, help="playlists to extract (default 200)")
    parser.add_argument("--pages", type=int, default=3, help="pages of 50 items per playlist (default 3)")
    parser.add_argument("--latency-ms", type=float, default=50.0, help="latency per request (default 50)")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=None,
        help=f"the concurrent run's EXTRACT_CONCURRENCY (default: unset, i.e. {DEFAULT_CONCURRENCY})",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead")
    args = parser.parse_args(argv)
    result = run_extract_bench(args.playlists, args.pages, args.latency_ms / 1000.0, args.concurrency)
    print(json.dumps(result, indent=2) if args.json else format_report(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
