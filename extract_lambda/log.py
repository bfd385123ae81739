"""Structured JSON logs (Powertools) that can never carry a Spotify secret.

Three layers, because one slip is enough to leak a credential into CloudWatch:

1. our own code never formats a secret into a message;
2. spotipy's DEBUG lines print the ``Authorization`` header (Basic client secret, Bearer token)
   and botocore's print response bodies (the secret's), so they are held above DEBUG whatever
   the root level is;
3. a logging filter on every handler replaces the known secret values (client secret,
   refresh token, every access token spotipy caches, the Basic header) and anything that
   looks like an ``Authorization`` value with ``***``, in messages, extras and tracebacks.
"""

from __future__ import annotations

import base64
import logging
import re
import threading
from typing import Any

from aws_lambda_powertools import Logger

SERVICE_NAME = "spotify-extract"
REDACTED = "***"

logger = Logger(service=SERVICE_NAME)

_AUTH_VALUE = re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+")
_TOKEN_FIELD = re.compile(
    r"""(["']?(?:access_token|refresh_token|client_secret)["']?\s*[:=]\s*["']?)[^"'\s,&}]+"""
)
_STANDARD_RECORD_KEYS = frozenset(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


class SecretRedactor(logging.Filter):
    """Replaces registered secret values (and Authorization-looking text) in every record."""

    def __init__(self) -> None:
        super().__init__(name="")
        self._lock = threading.Lock()
        self._secrets: tuple[str, ...] = ()

    def register(self, *values: str | None) -> None:
        """Remember values to hide; short values are ignored (they would redact ordinary words)."""
        with self._lock:
            known = set(self._secrets)
            known.update(value for value in values if value and len(value) >= 6)
            self._secrets = tuple(sorted(known, key=len, reverse=True))

    def register_client(self, client_id: str, client_secret: str) -> None:
        """The client secret and spotipy's Basic header made from it (base64: no plain match)."""
        basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode("ascii")
        self.register(client_secret, basic)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        text = _AUTH_VALUE.sub(lambda match: f"{match.group(1)} {REDACTED}", text)
        return _TOKEN_FIELD.sub(lambda match: f"{match.group(1)}{REDACTED}", text)

    def _redact_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {key: self._redact_value(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self._redact_value(item) for item in value)
        return value

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            try:
                message = record.getMessage()
            except (TypeError, ValueError):
                message = f"{record.msg} {record.args!r}"
            record.msg, record.args = self.redact(message), None
        else:
            record.msg = self._redact_value(record.msg)
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_RECORD_KEYS:
                setattr(record, key, self._redact_value(value))
        if record.exc_info and record.exc_info[1] is not None:
            traceback_text = logging.Formatter().formatException(record.exc_info)
            redacted = self.redact(traceback_text)
            if redacted != traceback_text:  # only then lose the structured exception
                record.msg = f"{record.msg}\n{redacted}"
                record.exc_info, record.exc_text = None, None
        return True


redactor = SecretRedactor()
"""The process-wide redactor: registered secrets stay registered for warm invocations."""

_QUIET_LOGGERS = {
    "spotipy": logging.CRITICAL,
    "urllib3": logging.WARNING,
    "botocore": logging.INFO,
    "boto3": logging.INFO,
}
"""spotipy logs headers at DEBUG and an unstructured ERROR per failed call (which we log, with
context, ourselves); urllib3 logs every connection at DEBUG; botocore logs response bodies at
DEBUG, the Secrets Manager secret's among them."""


def install_log_redaction() -> SecretRedactor:
    """Attach the redactor to every handler in reach and quieten the chatty HTTP loggers."""
    for name, level in _QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(level)
    handlers = list(logging.getLogger().handlers) + list(logger.handlers)
    for handler in handlers:
        if redactor not in handler.filters:
            handler.addFilter(redactor)
    return redactor
