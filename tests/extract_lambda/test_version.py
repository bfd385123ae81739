"""Versions recorded in the manifest."""

from __future__ import annotations

from importlib import metadata

from extract_lambda.version import package_version, versions


def test_versions():
    recorded = versions(1)
    assert recorded["spotipy"] == metadata.version("spotipy")
    assert recorded["aws_lambda_powertools"] == metadata.version("aws-lambda-powertools")
    assert recorded["raw_schema_version"] == 1
    assert recorded["extract_lambda"] == package_version() == metadata.version("spotify-etl")


def test_build_version_file_when_not_installed(monkeypatch, tmp_path):
    from extract_lambda import version

    monkeypatch.setattr(version, "_distribution_version", lambda name: None)
    (tmp_path / "_build_version.txt").write_text("9.9.9\n")
    monkeypatch.setattr(version, "files", lambda package: tmp_path)
    assert version.package_version() == "9.9.9"
