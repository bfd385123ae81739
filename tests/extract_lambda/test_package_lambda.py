"""The Lambda zip: what goes in (the pinned SDK too), what stays out, Lambda's size limits,
byte-identical rebuilds, and the extract_lambda code valid for the runtime's Python (pip not needed)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import zipfile
from importlib.metadata import version
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tool(load_tool):
    return load_tool("package_lambda")


def test_the_zip_bundles_the_exact_pins_of_the_lambda_extra_sdk_included(tool):
    specs = tool.requirement_specs()
    pins = dict(spec.split("==") for spec in specs)
    assert set(pins) == {"boto3", "botocore", "spotipy", "aws-lambda-powertools"}
    # boto3 x.y.z requires botocore x.y.z of the same release: a mismatch would not install.
    assert pins["boto3"] == pins["botocore"]


def test_the_dev_venv_runs_the_sdk_the_lambda_bundles(tool):
    """The tests exercise the SDK the zip ships (pip resolved dev's spotify-etl[lambda] pins)."""
    for spec in tool.requirement_specs():
        name, pinned = spec.split("==")
        assert version(name) == pinned, f"{name}: the venv has {version(name)}, the Lambda bundles {pinned}"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('lambda = ["boto3==1.44.8", "botocore>=1.44"]', "must pin exact versions"),
        ('lambda = ["boto3==1.44.8", "spotipy==2.26.0"]', "must pin the AWS SDK it bundles: ['botocore']"),
        ('dev = ["pytest"]', "has no [project.optional-dependencies] lambda group"),
    ],
)
def test_loose_or_missing_pins_are_refused(tool, tmp_path, extra, message):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f'[project]\nname = "x"\n\n[project.optional-dependencies]\n{extra}\n')
    with pytest.raises(SystemExit, match=message.replace("[", r"\[").replace("]", r"\]")):
        tool.requirement_specs(pyproject)


def test_pip_is_asked_for_cpython_3_13_arm64_wheels_only(tool):
    target = tool.PIP_TARGET
    assert target[target.index("--python-version") + 1] == "3.13" == tool.LAMBDA_PYTHON
    assert target[target.index("--implementation") + 1] == "cp"
    assert "--only-binary=:all:" in target
    platforms = [target[i + 1] for i, argument in enumerate(target) if argument == "--platform"]
    assert platforms and all(platform.endswith("_aarch64") for platform in platforms)
    assert tool.LAMBDA_RUNTIME == "python3.13"


@pytest.mark.parametrize(
    ("path", "left_out"),
    [
        ("bin/normalizer", True),
        ("spotipy/__pycache__/client.cpython-313.pyc", True),
        ("boto3/__init__.py", False),
        ("botocore/data/s3/2006-03-01/service-2.json.gz", False),
        ("s3transfer/manager.py", False),
        ("spotipy/client.py", False),
        ("extract_lambda/handler.py", False),
    ],
)
def test_only_scripts_and_bytecode_are_left_out(tool, path, left_out):
    assert tool.is_left_out(PurePosixPath(path)) is left_out


def test_package_copy_leaves_out_the_sample(tool, tmp_path):
    tool.copy_package(tmp_path)
    names = {path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*") if path.is_file()}
    assert "extract_lambda/handler.py" in names
    assert "extract_lambda/_build_version.txt" in names
    assert not any("sample_api" in name or "__pycache__" in name for name in names)


def test_zip_is_deterministic_and_its_size_is_measured(tool, tmp_path):
    source = tmp_path / "build"
    (source / "pkg").mkdir(parents=True)
    (source / "pkg" / "b.py").write_text("B = 2\n")
    (source / "pkg" / "a.py").write_text("A = 1\n")
    (source / "bin").mkdir()
    (source / "bin" / "tool").write_text("#!/bin/sh\n")
    first, second = tmp_path / "one.zip", tmp_path / "two.zip"
    tool.write_deterministic_zip(source, first)
    (source / "pkg" / "a.py").touch()  # a new mtime must not change the zip
    tool.write_deterministic_zip(source, second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        infos = archive.infolist()
    assert [info.filename for info in infos] == ["pkg/a.py", "pkg/b.py"]
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert tool.source_code_hash(first) == tool.source_code_hash(second)
    assert tool.zip_size(first) == tool.ZipSize(zipped=first.stat().st_size, unzipped=12, files=2)


def test_lambda_size_limits(tool):
    # GetAccountSettings: CodeSizeZipped 52428800 (a .zip uploaded directly), CodeSizeUnzipped 262144000.
    assert tool.ZipSize(52_428_800, 262_144_000, 1).problems() == []
    too_big = tool.ZipSize(52_428_801, 262_144_001, 1).problems()
    assert len(too_big) == 2
    assert "52428801 bytes zipped" in too_big[0] and "262144001 bytes unzipped" in too_big[1]


def python313() -> str | None:
    """A Python 3.13 that runs: SPOTIFY_ETL_PYTHON313, python3.13 on PATH, or pyenv's 3.13.x."""
    candidates = [os.environ.get("SPOTIFY_ETL_PYTHON313"), shutil.which("python3.13")]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.13*/bin/python3.13")))
    for candidate in filter(None, candidates):
        done = subprocess.run([candidate, "--version"], capture_output=True, text=True)
        if done.returncode == 0 and done.stdout.startswith("Python 3.13"):
            return candidate
    return None


COMPILE_ALL = """
import pathlib, sys
paths = sorted(pathlib.Path(sys.argv[1]).rglob("*.py"))
for path in paths:
    compile(path.read_text(encoding="utf-8"), str(path), "exec")
print(len(paths))
"""


def test_the_lambda_code_compiles_on_the_runtimes_python():
    """Python 3.13 parses every module of extract_lambda, warnings (invalid escapes...) as errors.
    The dev venv is 3.11, so the code must be valid for both; 3.13 is the Lambda's."""
    interpreter = python313()
    if interpreter is None:
        pytest.skip("no Python 3.13 here (set SPOTIFY_ETL_PYTHON313=/path/to/python3.13 to run this check)")
    done = subprocess.run(
        [interpreter, "-W", "error", "-c", COMPILE_ALL, str(ROOT / "extract_lambda")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 10, "extract_lambda has fewer modules than expected: wrong folder?"
