"""Build dist/spotify_etl.zip: the shared package the Glue jobs receive with --extra-py-files.

Only what runs on Glue: the transforms, the jobs and the catalog registration. The local-only
parts (the CLI, the local workflow, the DuckDB/matplotlib analysis) stay out, so nothing on Glue
can import a library Glue does not have. Deterministic, like the Lambda zip, so Terraform only
uploads a new one when the code changed.

Usage: python tools/package_glue.py [--out dist/spotify_etl.zip]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from package_lambda import write_deterministic_zip

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "glue_jobs" / "spotify_etl"
LOCAL_ONLY = ("analysis", "cli.py", "local_workflow.py", "log4j2-local.properties", "__pycache__", "*.pyc")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "dist" / "spotify_etl.zip"))
    out = Path(parser.parse_args().out)
    with tempfile.TemporaryDirectory() as build:
        shutil.copytree(SOURCE, Path(build) / "spotify_etl", ignore=shutil.ignore_patterns(*LOCAL_ONLY))
        write_deterministic_zip(Path(build), out)
    print(f"{out}: {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
