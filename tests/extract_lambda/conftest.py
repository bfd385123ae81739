"""Registers the extract Lambda's fixtures; the helpers live in extract_testkit (importable by tests)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # --import-mode=importlib: make the kit importable

import pytest
from extract_testkit import (
    assert_no_secret_leaks,
    aws,
    fake_spotify,
    lambda_context,
    lambda_env,
    make_fake_spotify,
    waits,
)

__all__ = [
    "assert_no_secret_leaks",
    "aws",
    "fake_spotify",
    "lambda_context",
    "lambda_env",
    "make_fake_spotify",
    "waits",
]


@pytest.fixture(autouse=True)
def no_personal_credentials_file(tmp_path_factory, monkeypatch):
    """A developer's own ``spotify-etl auth`` file must never reach a test: point the credentials
    file at an empty folder (tests that need one write it there)."""
    monkeypatch.setenv("SPOTIFY_ETL_CREDENTIALS", str(tmp_path_factory.mktemp("config") / "credentials.json"))
