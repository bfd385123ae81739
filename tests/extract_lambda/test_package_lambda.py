"""The Lambda zip: what goes in, what stays out, and byte-identical rebuilds (pip not needed)."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tool():
    spec = importlib.util.spec_from_file_location("package_lambda", ROOT / "tools" / "package_lambda.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_requirements_come_from_pyproject(tool):
    specs = tool.requirement_specs()
    assert [spec.split(">")[0].split("=")[0] for spec in specs] == ["spotipy", "aws-lambda-powertools"]
    assert specs[0].startswith("spotipy>=2.26")


@pytest.mark.parametrize(
    ("path", "excluded"),
    [
        ("boto3/__init__.py", True),
        ("botocore-1.35.0.dist-info/RECORD", True),
        ("s3transfer/manager.py", True),
        ("bin/normalizer", True),
        ("spotipy/__pycache__/client.cpython-311.pyc", True),
        ("spotipy/client.py", False),
        ("redis/client.py", False),
        ("jmespath/parser.py", False),
        ("extract_lambda/handler.py", False),
    ],
)
def test_runtime_provided_files_are_left_out(tool, path, excluded):
    assert tool.is_provided_by_runtime(PurePosixPath(path)) is excluded


def test_package_copy_leaves_out_the_sample(tool, tmp_path):
    tool.copy_package(tmp_path)
    names = {path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*") if path.is_file()}
    assert "extract_lambda/handler.py" in names
    assert "extract_lambda/_build_version.txt" in names
    assert not any("sample_api" in name or "__pycache__" in name for name in names)


def test_zip_is_deterministic(tool, tmp_path):
    source = tmp_path / "build"
    (source / "pkg").mkdir(parents=True)
    (source / "pkg" / "b.py").write_text("B = 2\n")
    (source / "pkg" / "a.py").write_text("A = 1\n")
    (source / "botocore").mkdir()
    (source / "botocore" / "x.py").write_text("")
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
