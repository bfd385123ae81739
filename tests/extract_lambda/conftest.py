"""Registers the extract Lambda's fixtures; the helpers live in extract_testkit (importable by tests)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # --import-mode=importlib: make the kit importable

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
