"""``PLAYLIST_IDS=mine``: the playlists of the user who authorized the app, from ``GET /me/playlists``.

``GET /me`` says who the user is, then every page of ``GET /me/playlists`` lists the playlists the
user owns or follows (``GET /users/{id}/playlists`` answers 403 to development-mode apps since
2026). In development mode only the items of playlists the user owns or collaborates on can be
read (``refusals.DEV_MODE_RULE``), so those are kept and the others left out, each with the
reason, which the run's manifest records. The simplified playlist objects carry their item count
under ``items`` since February 2026 (``tracks`` for extended-quota apps); an entry without an ID
(Spotify hides its own playlists from new apps since November 2024) is recorded, not dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .playlist_ids import MINE
from .refusals import owner_text
from .spotify_client import SpotifyApi, SpotifyRequestError

KEPT_OWNED = "kept: you own it"
KEPT_COLLABORATIVE = "kept: collaborative (owned by {owner}); its items are readable to its collaborators"
LEFT_OUT_FOLLOWED = (
    "left out: followed, owned by {owner}; a development-mode app may read only playlists its user "
    "owns or collaborates on (name its ID in PLAYLIST_IDS if the app has extended quota)"
)
LEFT_OUT_EMPTY = (
    "left out: Spotify listed an empty playlist object (it hides its own playlists from new apps "
    "since November 2024)"
)


@dataclass(frozen=True)
class Discovery:
    """What ``mine`` found: the user, every playlist listed (kept or not, and why), the kept IDs."""

    user_id: str
    user_name: str | None
    playlists: list[dict[str, Any]] = field(default_factory=list)

    @property
    def kept(self) -> tuple[str, ...]:
        """The kept playlist IDs in the order ``GET /me/playlists`` listed them, each once."""
        return tuple(dict.fromkeys(p["id"] for p in self.playlists if p["kept"]))

    def report(self) -> dict[str, Any]:
        """The manifest's ``discovery`` entry."""
        return {
            "ref": MINE,
            "status": "ok",
            "user_id": self.user_id,
            "user_name": self.user_name,
            "found": len(self.playlists),
            "kept": len(self.kept),
            "playlists": self.playlists,
            "error": None,
        }


def failed_report(error: str) -> dict[str, Any]:
    """The manifest's ``discovery`` entry when ``mine`` could not be resolved."""
    return {
        "ref": MINE,
        "status": "failed",
        "user_id": None,
        "user_name": None,
        "found": None,
        "kept": None,
        "playlists": [],
        "error": error,
    }


def classify(simplified: Any, user_id: str) -> dict[str, Any]:
    """One entry of ``GET /me/playlists`` -> the manifest's record, with ``kept`` and ``reason``."""
    if not isinstance(simplified, dict) or not simplified.get("id"):
        return {"id": None, "name": None, "owner_id": None, "owner_name": None, "collaborative": None,
                "public": None, "total_items": None, "kept": False, "reason": LEFT_OUT_EMPTY}  # fmt: skip
    owner = simplified.get("owner") or {}
    summary = simplified.get("items")
    if not isinstance(summary, dict):
        summary = simplified.get("tracks")
    record = {
        "id": simplified["id"],
        "name": simplified.get("name"),
        "owner_id": owner.get("id"),
        "owner_name": owner.get("display_name"),
        "collaborative": bool(simplified.get("collaborative")),
        "public": simplified.get("public"),
        "total_items": summary.get("total") if isinstance(summary, dict) else None,
    }
    who = owner_text(record["owner_id"], record["owner_name"]) or "an unknown user"
    if record["owner_id"] == user_id:
        record.update(kept=True, reason=KEPT_OWNED)
    elif record["collaborative"]:
        record.update(kept=True, reason=KEPT_COLLABORATIVE.format(owner=who))
    else:
        record.update(kept=False, reason=LEFT_OUT_FOLLOWED.format(owner=who))
    return record


def discover_my_playlists(api: SpotifyApi) -> Discovery:
    """``GET /me`` then every page of ``GET /me/playlists``; raises ``SpotifyRequestError`` (with
    the refusal explained) or ``BudgetExhausted`` when it cannot."""
    me = api.me()
    user_id = me.get("id")
    if not user_id:
        raise SpotifyRequestError("GET /me answered without a user ID: the token is not a user's")
    playlists: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = api.my_playlists_page(offset)
        entries = page.get("items") or []
        playlists += [classify(entry, user_id) for entry in entries]
        if not page.get("next"):
            break
        if not entries:
            raise SpotifyRequestError(
                f"GET /me/playlists sent an empty page with a next link at offset {offset}"
            )
        offset += len(entries)
    return Discovery(user_id=user_id, user_name=me.get("display_name"), playlists=playlists)
