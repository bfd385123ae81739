"""Build dist/extract_lambda.zip: the extract Lambda for the python3.13 runtime on arm64.

- the ``lambda`` extra of pyproject.toml (exact pins: boto3, botocore, spotipy,
  aws-lambda-powertools) and their dependencies, installed by pip as wheels for CPython 3.13 on
  manylinux aarch64 only. The AWS SDK is bundled rather than taken from the runtime: AWS does
  not pin the runtime's SDK and recommends packaging the version the code was tested with
  (Lambda developer guide, "Runtime-included SDK versions"), and raw landing needs S3
  conditional writes (PutObject ``IfNoneMatch``);
- plus the ``extract_lambda`` package, without the bundled sample (``sample_api``), tests or
  caches, and with a ``_build_version.txt`` (the zip carries no dist-info for our package).

The zip is deterministic (sorted entries, fixed timestamps and permissions, no bytecode), so
Terraform's ``source_code_hash`` only changes when the content does. It is checked against
Lambda's limits for a .zip uploaded directly (Terraform's ``filename``): 50 MiB zipped and
250 MB unzipped (GetAccountSettings' CodeSizeZipped 52428800 and CodeSizeUnzipped 262144000).

Usage: python tools/package_lambda.py [--out dist/extract_lambda.zip] [--build-dir build/extract_lambda]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "extract_lambda"
LAMBDA_PYTHON = "3.13"
LAMBDA_RUNTIME = f"python{LAMBDA_PYTHON}"
"""The Lambda's runtime; terraform/locals.tf (lambda_runtime) must say the same."""
LAMBDA_EXTRA = "lambda"
"""The optional-dependency group of pyproject.toml that the zip bundles."""
BUNDLED_SDK = ("boto3", "botocore")
# Lambda python3.13 runs on Amazon Linux 2023 (glibc 2.34): manylinux wheels up to 2_34 run on
# it. pip does not widen an explicit --platform to older glibc tags, so each one is listed.
PIP_PLATFORMS = ("manylinux2014_aarch64", "manylinux_2_28_aarch64", "manylinux_2_34_aarch64")
PIP_TARGET = (
    *(argument for platform in PIP_PLATFORMS for argument in ("--platform", platform)),
    "--implementation", "cp", "--python-version", LAMBDA_PYTHON, "--only-binary=:all:",
)  # fmt: skip
EXCLUDED_PACKAGE_PARTS = ("sample_api", "__pycache__", "tests")
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
MAX_ZIPPED_BYTES = 52_428_800
MAX_UNZIPPED_BYTES = 262_144_000


@dataclass(frozen=True)
class ZipSize:
    """Bytes of the zip file and of its content once extracted, and its number of files."""

    zipped: int
    unzipped: int
    files: int

    def problems(self) -> list[str]:
        """What breaks Lambda's limits (empty when the zip can be uploaded as it is)."""
        found = []
        if self.zipped > MAX_ZIPPED_BYTES:
            found.append(
                f"{self.zipped} bytes zipped: over Lambda's {MAX_ZIPPED_BYTES} for a .zip uploaded directly"
            )
        if self.unzipped > MAX_UNZIPPED_BYTES:
            found.append(f"{self.unzipped} bytes unzipped: over Lambda's {MAX_UNZIPPED_BYTES}")
        return found


def requirement_specs(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The ``lambda`` extra of pyproject.toml: exact pins (``name==version``) only, the SDK included."""
    extras = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"].get("optional-dependencies", {})
    if LAMBDA_EXTRA not in extras:
        raise SystemExit(f"{pyproject} has no [project.optional-dependencies] {LAMBDA_EXTRA} group")
    specs = list(extras[LAMBDA_EXTRA])
    loose = [spec for spec in specs if "==" not in spec]
    if loose:
        raise SystemExit(f"{pyproject}: the {LAMBDA_EXTRA} extra must pin exact versions (x==1.2.3): {loose}")
    names = {spec.split("==")[0].strip().lower() for spec in specs}
    missing = [name for name in BUNDLED_SDK if name not in names]
    if missing:
        raise SystemExit(f"{pyproject}: the {LAMBDA_EXTRA} extra must pin the AWS SDK it bundles: {missing}")
    return specs


def project_version(pyproject: Path = ROOT / "pyproject.toml") -> str:
    return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]


def is_left_out(relative: PurePosixPath) -> bool:
    """Console scripts (``bin/``) and bytecode caches: nothing the function imports."""
    return relative.parts[0] == "bin" or "__pycache__" in relative.parts or relative.suffix == ".pyc"


def install_dependencies(target: Path) -> None:
    command = [
        sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
        *PIP_TARGET, "--target", str(target), *requirement_specs(),
    ]  # fmt: skip
    subprocess.run(command, check=True)


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
            if is_left_out(PurePosixPath(relative.as_posix())):
                continue
            info = zipfile.ZipInfo(relative.as_posix(), date_time=FIXED_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100644 & 0xFFFF) << 16
            info.create_system = 3  # Unix, so the permissions above are honoured
            archive.writestr(info, path.read_bytes(), compresslevel=9)


def zip_size(zip_path: Path) -> ZipSize:
    with zipfile.ZipFile(zip_path) as archive:
        infos = archive.infolist()
    return ZipSize(zip_path.stat().st_size, sum(info.file_size for info in infos), len(infos))


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
    size = zip_size(out)
    print(
        f"{out}: {LAMBDA_RUNTIME} arm64, {size.zipped / 2**20:.1f} MiB zipped ({size.zipped} bytes; "
        f"limit {MAX_ZIPPED_BYTES}), {size.unzipped / 10**6:.1f} MB unzipped ({size.unzipped} bytes; "
        f"limit {MAX_UNZIPPED_BYTES}), {size.files} files, bundles {', '.join(requirement_specs())}, "
        f"source_code_hash {source_code_hash(out)}"
    )
    problems = size.problems()
    for problem in problems:
        print(f"{out}: {problem}; drop a dependency or deploy the zip through S3 (s3_bucket/s3_key)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
