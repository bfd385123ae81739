"""The local credentials file that ``spotify-etl auth`` writes and ``spotify-etl extract`` reads.

``$SPOTIFY_ETL_CREDENTIALS`` when set, else ``$XDG_CONFIG_HOME/spotify-etl/credentials.json``,
else ``~/.config/spotify-etl/credentials.json`` (the XDG Base Directory default). The file holds
the same JSON object as the Lambda's secret (``client_id``, ``client_secret``, ``refresh_token``)
and is only ever readable by its owner: its folder is created 0700, the file written 0600 to a
temporary name in the same folder and renamed over the old one, so a crash leaves the old file
whole and no moment exists at which another user could read it.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .credentials import CredentialsError

CREDENTIALS_FILE_ENV = "SPOTIFY_ETL_CREDENTIALS"  # pragma: allowlist secret
FILE_MODE = 0o600
FOLDER_MODE = 0o700


def credentials_path(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the local credentials live (the file may not exist)."""
    override = environ.get(CREDENTIALS_FILE_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    config_home = environ.get("XDG_CONFIG_HOME", "").strip()
    base = Path(config_home) if config_home else Path.home() / ".config"
    return base / "spotify-etl" / "credentials.json"


def read_credentials_file(path: Path) -> dict[str, Any] | None:
    """The file's JSON object; ``None`` when there is no file; ``CredentialsError`` naming the
    file (never its content) when it is not a JSON object."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        values = json.loads(text)
    except ValueError:
        values = None
    if not isinstance(values, dict):
        raise CredentialsError(
            f"the credentials file {path} does not hold a JSON object: delete it and run spotify-etl auth"
        )
    return values


def merge_credentials_file(path: Path, values: Mapping[str, str]) -> Path:
    """Write ``values`` over the file's keys, keeping its other keys; 0600, atomically."""
    merged = {**(read_credentials_file(path) or {}), **values}
    path.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=".credentials-", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            json.dump(merged, stream, indent=2)
            stream.write("\n")
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
