"""Versions recorded in every manifest, so a raw file can be traced to the code that wrote it."""

from __future__ import annotations

from importlib import metadata
from importlib.resources import files

PACKAGE_DISTRIBUTION = "spotify-etl"
BUILD_VERSION_FILE = "_build_version.txt"
"""Written into the Lambda zip by tools/package_lambda.py (the zip has no dist-info for us)."""


def _distribution_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def package_version() -> str:
    installed = _distribution_version(PACKAGE_DISTRIBUTION)
    if installed:
        return installed
    build_file = files(__package__).joinpath(BUILD_VERSION_FILE)
    if build_file.is_file():
        return build_file.read_text(encoding="utf-8").strip()
    return "0+unknown"


def versions(raw_schema_version: int) -> dict[str, str | int | None]:
    return {
        "extract_lambda": package_version(),
        "spotipy": _distribution_version("spotipy"),
        "aws_lambda_powertools": _distribution_version("aws-lambda-powertools"),
        "raw_schema_version": raw_schema_version,
    }
