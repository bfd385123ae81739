"""Build dist/extract_lambda.zip: the extract Lambda for the python3.11 runtime on arm64.

- spotipy and aws-lambda-powertools (versions as in pyproject.toml) and their dependencies,
  installed by pip as manylinux2014_aarch64 / CPython 3.11 wheels only;
- minus boto3, botocore and s3transfer, which the Lambda runtime provides;
- plus the ``extract_lambda`` package, without the bundled sample (``sample_api``), tests or
  caches, and with a ``_build_version.txt`` (the zip carries no dist-info for our package).

The zip is deterministic (sorted entries, fixed timestamps and permissions, no bytecode), so
Terraform's ``source_code_hash`` only changes when the content does.

Usage: python tools/package_lambda.py [--out dist/extract_lambda.zip] [--build-dir build/extract_lambda]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "extract_lambda"
RUNTIME_DISTRIBUTIONS = ("spotipy", "aws-lambda-powertools")
PROVIDED_BY_RUNTIME = ("boto3", "botocore", "s3transfer")
EXCLUDED_PACKAGE_PARTS = ("sample_api", "__pycache__", "tests")
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
PIP_PLATFORM = ("--platform", "manylinux2014_aarch64", "--implementation", "cp", "--python-version", "3.11")


def requirement_specs(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The runtime requirements of the Lambda, with the version ranges pyproject.toml declares."""
    dependencies = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    wanted = {}
    for spec in dependencies:
        name = re.split(r"[\s<>=!~;\[]", spec, maxsplit=1)[0].lower()
        if name in RUNTIME_DISTRIBUTIONS:
            wanted[name] = spec
    missing = set(RUNTIME_DISTRIBUTIONS) - set(wanted)
    if missing:
        raise SystemExit(f"pyproject.toml does not declare {', '.join(sorted(missing))}")
    return [wanted[name] for name in RUNTIME_DISTRIBUTIONS]


def project_version(pyproject: Path = ROOT / "pyproject.toml") -> str:
    return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]


def is_provided_by_runtime(relative: PurePosixPath) -> bool:
    """boto3/botocore/s3transfer (and their dist-info), console scripts and bytecode caches."""
    top = relative.parts[0]
    distribution = top.split("-")[0].lower()  # "botocore" and "botocore-1.35.0.dist-info" alike
    if distribution in PROVIDED_BY_RUNTIME:
        return True
    return top == "bin" or "__pycache__" in relative.parts or relative.suffix == ".pyc"


def install_dependencies(target: Path) -> None:
    command = [
        sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
        *PIP_PLATFORM, "--only-binary=:all:", "--target", str(target), *requirement_specs(),
    ]  # fmt: skip
    subprocess.run(command, check=True)
    for path in sorted(target.iterdir()):
        if is_provided_by_runtime(PurePosixPath(path.name)):
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def copy_package(target: Path, source: Path = ROOT / PACKAGE) -> None:
    """The extract_lambda package without the sample, tests and caches, plus its build version."""
    shutil.copytree(
        source,
        target / PACKAGE,
        ignore=shutil.ignore_patterns(*EXCLUDED_PACKAGE_PARTS, "*.pyc"),
    )
    (target / PACKAGE / "_build_version.txt").write_text(project_version() + "\n", encoding="utf-8")


def write_deterministic_zip(source: Path, zip_path: Path) -> None:
    """Every file under ``source``, sorted, with fixed timestamps and permissions."""
    files = sorted(
        (path for path in source.rglob("*") if path.is_file()),
        key=lambda path: path.relative_to(source).as_posix(),
    )
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path, "w") as archive:
        for path in files:
            relative = path.relative_to(source)
            if is_provided_by_runtime(PurePosixPath(relative.as_posix())):
                continue
            info = zipfile.ZipInfo(relative.as_posix(), date_time=FIXED_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100644 & 0xFFFF) << 16
            info.create_system = 3  # Unix, so the permissions above are honoured
            archive.writestr(info, path.read_bytes(), compresslevel=9)


def source_code_hash(zip_path: Path) -> str:
    """What Terraform's ``filebase64sha256`` computes for the zip."""
    return base64.b64encode(hashlib.sha256(zip_path.read_bytes()).digest()).decode("ascii")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "dist" / "extract_lambda.zip"))
    parser.add_argument("--build-dir", default=str(ROOT / "build" / "extract_lambda"))
    args = parser.parse_args()
    build = Path(args.build_dir)
    if build.exists():
        shutil.rmtree(build)
    build.mkdir(parents=True)
    install_dependencies(build)
    copy_package(build)
    out = Path(args.out)
    write_deterministic_zip(build, out)
    with zipfile.ZipFile(out) as archive:
        count = len(archive.namelist())
    print(f"{out}: {out.stat().st_size} bytes, {count} files, source_code_hash {source_code_hash(out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
