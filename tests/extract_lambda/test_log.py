"""The redactor hides secrets in messages, arguments, extras and tracebacks."""

from __future__ import annotations

import io
import logging

import pytest

from extract_lambda.log import REDACTED, SecretRedactor, install_log_redaction, logger, redactor

SECRET = "cs-3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b"  # pragma: allowlist secret


@pytest.fixture
def stream_logger():
    """A plain logger with one handler carrying a fresh redactor."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s %(detail)s"))
    local = SecretRedactor()
    local.register(SECRET)
    handler.addFilter(local)
    test_logger = logging.getLogger("extract-lambda-redaction-test")
    test_logger.addHandler(handler)
    test_logger.setLevel(logging.DEBUG)
    test_logger.propagate = False
    yield test_logger, stream
    test_logger.removeHandler(handler)


def test_message_arguments_and_extras_are_redacted(stream_logger):
    test_logger, stream = stream_logger
    test_logger.info("secret is %s", SECRET, extra={"detail": {"nested": [f"x{SECRET}y"]}})
    output = stream.getvalue()
    assert SECRET not in output
    assert output.count(REDACTED) == 2


def test_tracebacks_are_redacted(stream_logger):
    test_logger, stream = stream_logger
    try:
        raise RuntimeError(f"boom {SECRET}")
    except RuntimeError:
        test_logger.exception("failed", extra={"detail": ""})
    output = stream.getvalue()
    assert "boom" in output and SECRET not in output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Headers: {'Authorization': 'Bearer BQDx-1234.abcd'}", "Headers: {'Authorization': 'Bearer ***'}"),
        ("Authorization: Basic dGVzdDpzZWNyZXQ=", "Authorization: Basic ***"),
        (
            '{"access_token": "BQDx1234", "token_type": "Bearer"}',
            '{"access_token": "***", "token_type": "Bearer"}',
        ),
        ("grant_type=refresh_token&refresh_token=AQD123", "grant_type=refresh_token&refresh_token=***"),
    ],
)
def test_authorization_looking_text_is_redacted_even_when_unknown(text, expected):
    assert SecretRedactor().redact(text) == expected


def test_short_values_are_not_registered():
    local = SecretRedactor()
    local.register("abc", None, "")
    assert local.redact("abc") == "abc"


def test_basic_header_of_the_client_is_registered():
    local = SecretRedactor()
    local.register_client("client", "s3cr3t-value")
    assert local.redact("Y2xpZW50OnMzY3IzdC12YWx1ZQ==") == REDACTED  # base64("client:s3cr3t-value")


def test_install_quietens_http_loggers_and_filters_handlers():
    install_log_redaction()
    install_log_redaction()  # idempotent
    assert logging.getLogger("spotipy").getEffectiveLevel() > logging.ERROR
    assert logging.getLogger("spotipy.client").getEffectiveLevel() > logging.DEBUG
    assert logging.getLogger("urllib3").getEffectiveLevel() > logging.INFO
    assert logging.getLogger("botocore").getEffectiveLevel() > logging.DEBUG
    for handler in logger.handlers:
        assert handler.filters.count(redactor) == 1
