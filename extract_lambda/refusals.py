"""What Spotify's refusals mean in late 2026, said so that a person knows which rule refused and
what to do.

The rules (Spotify's February 2026 Web API changelog and migration guide, applied to every
development-mode app since 2026-03-09; the November 2024 Web API blog post for the 404s):

- every new app starts in **development mode**; it works only while its owner has Premium;
- ``GET /playlists/{id}/items`` answers **403** unless the user behind the access token owns the
  playlist or collaborates on it; followed playlists of other users are refused, and a
  client-credentials (app) token has no user, so it is refused for every playlist;
- ``GET /playlists/{id}`` of another user's playlist still answers, with metadata only;
- Spotify's own editorial and algorithmic playlists answer **404** to apps created after
  2024-11-27;
- a refresh token stops working (``invalid_grant``) when the user revokes the app, or when
  Spotify replaced it by a new one that was not kept.

Extended-quota apps keep the older rules, so the messages say what changes with extended quota.
"""

from __future__ import annotations

from dataclasses import dataclass

USER_FLOW = "refresh_token"
APP_FLOW = "client_credentials"

NOT_FOUND_HINT = (
    "since November 2024 Spotify's own editorial and algorithmic playlists (such as Top 50 Global) "
    "return 404 to new apps; use a user-created playlist"
)
DEV_MODE_RULE = (
    "since March 2026 a development-mode app reads the items of a playlist only when the user who "
    "authorized it owns the playlist or collaborates on it; followed playlists of other users are refused"
)
PREMIUM_NOTE = (
    "(a 403 on every playlist, your own included, means the app owner's Premium has lapsed: "
    "development mode needs it since February 2026)"
)


@dataclass(frozen=True)
class AuthContext:
    """What the explanations need to know: the token's flow and the command that re-authorizes."""

    flow: str = USER_FLOW
    reauthorize_command: str = "spotify-etl auth"

    @property
    def user_token(self) -> bool:
        return self.flow == USER_FLOW


def user_authorization_needed(context: AuthContext) -> str:
    """Why an app token cannot do this, and the one command that fixes it."""
    return (
        "a client-credentials (app) token has no user, and since March 2026 Spotify refuses it the "
        "items of every playlist of a development-mode app; a user authorization is needed: run "
        f"`{context.reauthorize_command}` once, as the user whose playlists are to be read (it stores "
        "a refresh token)"
    )


def mine_needs_a_user(context: AuthContext) -> str:
    """``PLAYLIST_IDS=mine`` with client credentials only: refused before any request."""
    return (
        "PLAYLIST_IDS=mine reads the playlists of the user who authorized the app, but the credentials "
        f"hold no refresh token: {user_authorization_needed(context)}"
    )


def owner_text(owner_id: str | None, owner_name: str | None) -> str | None:
    """``Sam (31tlw2…)`` from a playlist's owner, or ``None`` when unknown."""
    if owner_name and owner_id and owner_name != owner_id:
        return f"{owner_name} ({owner_id})"
    return owner_id or owner_name or None


def playlist_refusal(
    playlist_id: str, status: int, message: str, context: AuthContext, owner: str | None = None
) -> str:
    """The explanation of a 401, 403 or 404 answered for a playlist (its metadata or items)."""
    if status == 404:
        return f"playlist {playlist_id} not found or not readable by this app: {NOT_FOUND_HINT}"
    if status == 403 and not context.user_token:
        return f"playlist {playlist_id} refused (HTTP 403 {message}): {user_authorization_needed(context)}"
    if status == 403:
        whose = f"it is owned by {owner}" if owner else "its owner is unknown (its metadata was refused too)"
        return (
            f"playlist {playlist_id} refused (HTTP 403 {message}): {DEV_MODE_RULE}; {whose}. Read it as "
            "its owner or a collaborator (run the authorization as that user), copy its songs into a "
            f"playlist of your own, or use an app with extended quota {PREMIUM_NOTE}"
        )
    if status == 401 and context.user_token:
        return (
            f"playlist {playlist_id}: token refused even after a refresh (HTTP 401 {message}): the user's "
            "authorization may have been revoked (spotify.com account page, Manage apps) or the user "
            f"removed from the app's User Management; run `{context.reauthorize_command}` again"
        )
    if status == 401:
        return (
            f"playlist {playlist_id}: token refused even after a refresh (HTTP 401 {message}): "
            f"{user_authorization_needed(context)}"
        )
    return f"playlist {playlist_id}: Spotify answered HTTP {status}: {message}"


def request_refusal(what: str, status: int, message: str, context: AuthContext) -> str:
    """The explanation of a refusal outside a playlist (``GET /me``, ``GET /me/playlists``)."""
    if status in (401, 403) and not context.user_token:
        return f"{what}: HTTP {status} {message}: {user_authorization_needed(context)}"
    if status in (401, 403):
        return (
            f"{what}: HTTP {status} {message}: the user's authorization was refused (revoked, the user "
            "removed from the app's User Management, or the app owner's Premium lapsed); run "
            f"`{context.reauthorize_command}` again"
        )
    return f"{what}: Spotify answered HTTP {status}: {message}"


def token_refusal(error: str | None, detail: str, context: AuthContext) -> str:
    """The explanation of an error of the accounts service's token endpoint."""
    if error == "invalid_grant" and context.user_token:
        return (
            f"Spotify refused the refresh token ({detail}): it was revoked, or replaced by a newer one "
            f"that was not kept; re-run `{context.reauthorize_command}`"
        )
    if error == "invalid_client":
        return (
            f"Spotify refused the app's client ID or secret ({detail}): copy both from the app's "
            f"settings in the Spotify developer dashboard; `{context.reauthorize_command}` stores them"
        )
    if error == "interactive_authorization_required":
        return f"{detail}; re-run `{context.reauthorize_command}` on a machine with a browser"
    return f"could not get a Spotify access token: {detail}"
