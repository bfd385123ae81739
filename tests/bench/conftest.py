"""The bench/ scripts are not a package: load them by path (pytest runs with --import-mode=importlib)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from .handmade_day import DATE

BENCH = Path(__file__).resolve().parents[2] / "bench"


def load(name: str, path: Path) -> ModuleType:
    """Import ``path`` as module ``name``, registered in sys.modules (worker processes unpickle
    the generator's functions by module name)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def raw_generator() -> ModuleType:
    return load("raw_generator", BENCH / "raw_generator.py")


@pytest.fixture(scope="session")
def pandas_baseline() -> ModuleType:
    return load("pandas_transform", BENCH / "baselines" / "pandas_transform.py")


@pytest.fixture(scope="session")
def duckdb_baseline() -> ModuleType:
    return load("duckdb_transform", BENCH / "baselines" / "duckdb_transform.py")


@pytest.fixture(scope="session")
def spark_bare_baseline() -> ModuleType:  # imports pyspark and spotify_etl: no JVM until called
    return load("spark_bare_transform", BENCH / "baselines" / "spark_bare_transform.py")


@pytest.fixture(scope="session")
def bench_transform(raw_generator) -> ModuleType:  # it imports raw_generator by name
    return load("bench_transform", BENCH / "bench_transform.py")


@pytest.fixture(scope="session")
def generated_day(raw_generator, tmp_path_factory) -> tuple[Path, dict]:
    """One small generated day (raw root, the generator's expected counts) that the baseline tests
    share: every engine is checked against the same input and the same counts."""
    raw = tmp_path_factory.mktemp("day") / "raw"
    expected = raw_generator.generate_day(raw, 520, seed=11, snapshot_date=DATE, workers=1)
    assert all(expected["skipped"].values()), "the day should hold every kind of skipped item"
    return raw, expected


@pytest.fixture(scope="session")
def run_baseline() -> Callable[[str, Path, Path], dict]:
    """Run ``bench/baselines/<engine>_transform.py`` on a raw root as the benchmark runs it (stdout
    and stderr in one log) and return its report, which must be the log's last line."""

    def run(engine: str, raw: Path, out: Path) -> dict:
        script = BENCH / "baselines" / f"{engine}_transform.py"
        command = [sys.executable, str(script), "--raw", str(raw), "--out", str(out), "--snapshot-date", DATE]
        done = subprocess.run(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=True
        )
        return json.loads(done.stdout.strip().splitlines()[-1])

    return run
