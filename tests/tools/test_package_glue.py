"""dist/spotify_etl.zip is what Glue imports: it must hold the jobs and nothing that needs a
library Glue does not have (DuckDB, matplotlib, awswrangler, spotipy, the extractor)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

GUARD = """
import builtins, sys
LOCAL_ONLY = {"duckdb", "matplotlib", "awswrangler", "pandas", "sqlglot", "spotipy", "extract_lambda",
              "fakesnow"}
real_import = builtins.__import__
def guarded(name, *args, **kwargs):
    if name.split(".")[0] in LOCAL_ONLY:
        raise ImportError(f"{name} is not on Glue")
    return real_import(name, *args, **kwargs)
builtins.__import__ = guarded
sys.path.insert(0, sys.argv[1])
import spotify_etl.jobs.normalize_items, spotify_etl.jobs.build_tables, spotify_etl.jobs.entry
import spotify_etl.catalog.glue_catalog
import spotify_etl.snowflake.job  # terraform/snowflake's load job (the connector comes from pip on Glue)
print(spotify_etl.__file__)
"""


def build(tmp_path: Path) -> Path:
    out = tmp_path / "spotify_etl.zip"
    subprocess.run([sys.executable, "tools/package_glue.py", "--out", str(out)], cwd=ROOT, check=True)
    return out


def test_the_glue_package_imports_the_jobs_without_local_only_libraries(tmp_path):
    archive = build(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", GUARD, str(archive)], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith(str(archive))  # imported from the zip, not the checkout


def test_the_glue_package_leaves_the_local_only_modules_out_and_is_deterministic(tmp_path):
    first = build(tmp_path)
    names = zipfile.ZipFile(first).namelist()
    assert "spotify_etl/jobs/build_tables.py" in names and "spotify_etl/schemas.py" in names
    assert not [n for n in names if n.startswith("spotify_etl/analysis/") or n.endswith(("cli.py", ".pyc"))]
    second = tmp_path / "again"
    second.mkdir()
    assert build(second).read_bytes() == first.read_bytes()
