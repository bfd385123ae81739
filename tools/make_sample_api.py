"""Generate extract_lambda/sample_api/: recorded-shape Spotify Web API responses for two dates.

Deterministic (seeded): running it again rewrites byte-identical files. Everything is invented
(names, IDs, ISRCs); the objects have the Web API's shapes, as returned with the extractor's own
``fields`` filter, ``limit=50`` and ``additional_types=track,episode``.

Two snapshot dates, 2026-11-19 and 2026-11-20, each with:

- "Indie Morning" (120 then 123 items) and "Weekend Mixtape" (55 then 57, collaborative), in
  the February 2026 shape: the item under ``item``, no ``popularity``;
- "Late Night Drive" (70 then 68), in the older shape an extended-quota app still gets: the item
  under ``track``, with ``popularity``;
- Top 50 Global (``37i9dQZEVXbMDoHDwVN2tF``), refused with Spotify's 404 body, as editorial
  playlists are to new apps since November 2024;
- "Friday Finds", a playlist of another user that Jo follows: its metadata answers (without the
  item count object, as another user's playlist does since 2026), its items answer 403, as they do
  to a development-mode app since March 2026;
- ``GET /me`` (Jo) and ``GET /me/playlists``: Jo's three playlists and the followed one, as 2026
  simplified playlist objects (the count under ``items: {href, total}``; ``tracks`` for the
  extended-quota playlist).

The replay's default playlist references (``replay_playlist_refs``) are ``mine`` (the three, found
through ``/me/playlists``) plus Friday Finds and Top 50 Global as explicit IDs, so a replay shows
the 403 and 404 explanations too.

Edge cases: unavailable items (``item``/``track`` null), local files, podcast episodes,
collaborations (one artist pair on two songs), a song twice in one playlist, songs shared
between playlists, several songs of one album, release dates with ``year``/``month``/``day``
precision, album/single/compilation albums, explicit and not, songs whose first artist is not
the album's artist. Between the dates songs move, enter and leave; every snapshot_id changes.

Usage: python tools/make_sample_api.py [--out extract_lambda/sample_api]
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import json
import random
import string
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extract_lambda.playlist_ids import MINE  # noqa: E402 - after the path tweak, as a script
from extract_lambda.spotify_client import (  # noqa: E402
    ADDITIONAL_TYPES,
    ITEMS_FIELDS,
    PAGE_LIMIT,
    PLAYLIST_FIELDS,
    SNAPSHOT_FIELDS,
)

SEED = 20261120
DATES = ("2026-11-19", "2026-11-20")
TOP_50_GLOBAL = "37i9dQZEVXbMDoHDwVN2tF"
API = "https://api.spotify.com/v1"
OPEN = "https://open.spotify.com"
BASE62 = string.digits + string.ascii_letters
NOT_FOUND = {"error": {"status": 404, "message": "Resource not found"}}
FORBIDDEN = {"error": {"status": 403, "message": "Forbidden"}}

FIRST = [
    "Mina",
    "Kito",
    "Nova",
    "Ezra",
    "Lio",
    "Saskia",
    "Tomas",
    "Ines",
    "Rafa",
    "Yuki",
    "Odette",
    "Bram",
    "Celia",
    "Dario",
    "Femi",
    "Greta",
    "Hugo",
    "Ilse",
    "Jonah",
    "Kaia",
    "Lenno",
    "Maren",
    "Nilo",
    "Oona",
]
LAST = [
    "Solberg",
    "Blanc",
    "Reyes",
    "Marlow",
    "Okafor",
    "Quill",
    "Varga",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Ferro",
    "Halden",
    "Ibsen",
    "Jovic",
    "Kestrel",
    "Lorne",
    "Mbeki",
    "Nyberg",
    "Orsini",
    "Pell",
]
BAND_A = [
    "Velvet",
    "Paper",
    "Copper",
    "Hollow",
    "Neon",
    "Quiet",
    "Amber",
    "Static",
    "Lunar",
    "Salt",
    "Glass",
    "Wild",
    "Slow",
    "Cobalt",
    "Marble",
    "Tidal",
]
BAND_B = [
    "Harbours",
    "Lanterns",
    "Foxes",
    "Satellites",
    "Orchards",
    "Ferries",
    "Comets",
    "Pylons",
    "Gardens",
    "Engines",
    "Tides",
    "Parades",
    "Signals",
    "Kites",
]
WORDS = [
    "Morning",
    "Static",
    "Glow",
    "River",
    "Motel",
    "Summer",
    "Echo",
    "Paper",
    "Signal",
    "Harbour",
    "Gold",
    "Window",
    "Northern",
    "Velvet",
    "Rain",
    "Neon",
    "Quiet",
    "Orbit",
    "Lights",
    "Tide",
    "Fever",
    "Ghost",
    "Highway",
    "Honey",
    "Island",
    "Ladder",
    "Mirror",
    "Needle",
    "Ocean",
    "Pilot",
    "Radio",
    "Sugar",
    "Thunder",
    "Violet",
    "Wire",
    "Yellow",
    "Atlas",
    "Bloom",
    "Cinder",
    "Drift",
]
SONG_FORMS = [
    "{a} {b}",
    "The {a} {b}",
    "{a} in the {b}",
    "{a} & {b}",
    "Little {a}",
    "{a} Again",
    "After the {a}",
    "{a} {b} (Reprise)",
    "No {a}",
    "{a}, {b}",
]
OWNER = "31ksqv4gx7nbz2hyd5qm6wlp3tfa"  # pragma: allowlist secret
FRIENDS = ("31tlw2m5ravjq7c4ydkxh6epz3no", "31ey7kfq2zmucpw6d3srjbhn5xla")  # pragma: allowlist secret
OWNER_NAME = "Jo"
FRIEND_NAME = "Sam"


def make_rng(*parts: object) -> random.Random:
    """A stream of its own per purpose, so adding data in one place does not shift the rest."""
    return random.Random(f"{SEED}:" + ":".join(str(part) for part in parts))


def spotify_id(rng: random.Random) -> str:
    return "".join(rng.choice(BASE62) for _ in range(22))


def link(kind: str, object_id: str) -> dict[str, Any]:
    return {
        "id": object_id,
        "uri": f"spotify:{kind}:{object_id}",
        "href": f"{API}/{kind}s/{object_id}",
        "external_urls": {"spotify": f"{OPEN}/{kind}/{object_id}"},
    }


@dataclass
class Artist:
    id: str
    name: str

    def json(self) -> dict[str, Any]:
        return {"name": self.name, "type": "artist", **link("artist", self.id)}


@dataclass
class Album:
    id: str
    name: str
    album_type: str
    release_date: str
    precision: str
    total_tracks: int
    artists: list[Artist]
    tracks: list[Track] = field(default_factory=list)

    def json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "album_type": self.album_type,
            "release_date": self.release_date,
            "release_date_precision": self.precision,
            "total_tracks": self.total_tracks,
            "artists": [artist.json() for artist in self.artists],
            **link("album", self.id),
        }


@dataclass
class Track:
    id: str
    name: str
    album: Album
    artists: list[Artist]
    track_number: int
    duration_ms: int
    explicit: bool
    isrc: str
    popularity: int

    def json(self, with_popularity: bool, snapshot_date: str) -> dict[str, Any]:
        body = {
            "name": self.name,
            "type": "track",
            "duration_ms": self.duration_ms,
            "explicit": self.explicit,
            "is_local": False,
            "track_number": self.track_number,
            "disc_number": 1,
            "external_ids": {"isrc": self.isrc},
            "album": self.album.json(),
            "artists": [artist.json() for artist in self.artists],
            **link("track", self.id),
        }
        if with_popularity:  # drifts a little from one day to the next, as it does
            body["popularity"] = max(
                0, min(100, self.popularity + make_rng("pop", self.id, snapshot_date).randint(-2, 2))
            )
        return body


@dataclass
class Episode:
    id: str
    name: str
    show_id: str
    show_name: str
    duration_ms: int
    explicit: bool

    def json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": "episode",
            "duration_ms": self.duration_ms,
            "explicit": self.explicit,
            "show": {"id": self.show_id, "name": self.show_name},
            **link("episode", self.id),
        }


@dataclass
class LocalFile:
    artist: str
    album: str
    title: str
    seconds: int

    def json(self, with_popularity: bool) -> dict[str, Any]:
        def plus(text: str) -> str:
            return text.replace(" ", "+")

        body = {
            "id": None,
            "name": self.title,
            "type": "track",
            "uri": f"spotify:local:{plus(self.artist)}:{plus(self.album)}:{plus(self.title)}:{self.seconds}",
            "href": None,
            "duration_ms": self.seconds * 1000,
            "explicit": False,
            "is_local": True,
            "track_number": 0,
            "disc_number": 0,
            "external_ids": {},
            "external_urls": {},
            "album": {
                "id": None,
                "name": self.album,
                "album_type": None,
                "release_date": None,
                "release_date_precision": None,
                "uri": None,
                "href": None,
                "external_urls": {},
                "artists": [],
            },
            "artists": [
                {
                    "id": None,
                    "name": self.artist,
                    "type": "artist",
                    "uri": None,
                    "href": None,
                    "external_urls": {},
                }
            ],
        }
        if with_popularity:
            body["popularity"] = 0
        return body


@dataclass
class Entry:
    """One playlist item: what it is, when and by whom it was added."""

    kind: str  # "track", "episode", "local", "null"
    added_at: str
    added_by: str
    obj: Track | Episode | LocalFile | None = None


class Catalog:
    """Invented artists, albums, songs and episodes, plus the named ones each edge case needs."""

    def __init__(self) -> None:
        rng = make_rng("catalog")
        self.used_ids: set[str] = {TOP_50_GLOBAL}
        self.rng = rng
        names: list[str] = []
        while len(names) < 44:
            if rng.random() < 0.6:
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            else:
                name = f"The {rng.choice(BAND_A)} {rng.choice(BAND_B)}"
            if name not in names and name not in {"Nova Reyes", "Kito Blanc"}:
                names.append(name)
        self.artists = [Artist(self.new_id(), name) for name in names]
        self.nova = Artist(self.new_id(), "Nova Reyes")
        self.kito = Artist(self.new_id(), "Kito Blanc")
        self.various = Artist(self.new_id(), "Various Performers")
        self.artists += [self.nova, self.kito]
        self.albums: list[Album] = []
        self.tracks: list[Track] = []
        self.song_names: set[str] = set()
        self._build_regular_albums()
        self._build_special()

    def new_id(self) -> str:
        while True:
            candidate = spotify_id(self.rng)
            if candidate not in self.used_ids:
                self.used_ids.add(candidate)
                return candidate

    def song_name(self) -> str:
        while True:
            a, b = self.rng.sample(WORDS, 2)
            name = self.rng.choice(SONG_FORMS).format(a=a, b=b)
            if name not in self.song_names:
                self.song_names.add(name)
                return name

    def isrc(self) -> str:
        country = self.rng.choice(["GB", "US", "SE", "DE", "FR", "NL", "NO"])
        registrant = "".join(self.rng.choice(string.ascii_uppercase + string.digits) for _ in range(3))
        return f"{country}{registrant}{self.rng.randint(10, 26):02d}{self.rng.randint(0, 99999):05d}"

    def day(self, first_year: int = 1995, last_year: int = 2026) -> str:
        year = self.rng.randint(first_year, last_year)
        month = self.rng.randint(1, 12 if year < 2026 else 10)
        return f"{year}-{month:02d}-{self.rng.randint(1, 28):02d}"

    def album(
        self, name: str, album_type: str, artists: list[Artist], release: str, precision: str, total: int
    ) -> Album:
        album = Album(self.new_id(), name, album_type, release, precision, total, artists)
        self.albums.append(album)
        return album

    def track(self, album: Album, artists: list[Artist] | None = None, explicit: bool | None = None) -> Track:
        number = len(album.tracks) + 1
        track = Track(
            id=self.new_id(),
            name=self.song_name(),
            album=album,
            artists=artists or list(album.artists),
            track_number=number,
            duration_ms=self.rng.randint(140, 330) * 1000 + self.rng.randint(0, 999),
            explicit=self.rng.random() < 0.22 if explicit is None else explicit,
            isrc=self.isrc(),
            popularity=self.rng.randint(8, 88),
        )
        album.tracks.append(track)
        self.tracks.append(track)
        return track

    def _build_regular_albums(self) -> None:
        for artist in self.artists:
            for _ in range(self.rng.choice([1, 2, 2])):
                if self.rng.random() < 0.3:
                    album = self.album(
                        self.song_name(), "single", [artist], self.day(2016), "day", self.rng.randint(1, 3)
                    )
                else:
                    total = self.rng.randint(8, 14)
                    album = self.album(self.song_name(), "album", [artist], self.day(), "day", total)
                for _ in range(min(album.total_tracks, self.rng.randint(2, 5))):
                    featured = self.rng.random() < 0.12
                    guests = [artist, self.rng.choice([a for a in self.artists if a is not artist])]
                    self.track(album, guests if featured else None)

    def _build_special(self) -> None:
        r = self.artists
        # Several songs of one album, all in "Indie Morning".
        self.harbour = self.album("Harbour Lights", "album", [r[0]], "2021-06-18", "day", 11)
        for _ in range(6):
            self.track(self.harbour)
        # Release date precisions: a year-only 1987 album and a month-only 2019 album.
        self.album_1987 = self.album("Cassette Summer", "album", [r[1]], "1987", "year", 10)
        for _ in range(3):
            self.track(self.album_1987, explicit=False)
        self.album_2019 = self.album("Blue Hour Sessions", "album", [r[2]], "2019-03", "month", 9)
        for _ in range(3):
            self.track(self.album_2019)
        # A compilation: album artist "Various Performers", songs by others.
        self.compilation = self.album(
            "Night Drive Classics", "compilation", [self.various], "2024-05-03", "day", 18
        )
        for artist in (r[3], r[4], r[5], r[6], r[7]):
            self.track(self.compilation, [artist])
        # A single whose song lists a guest first (album artist is the second).
        self.feat_single = self.album("Satellite Heart", "single", [r[8]], "2026-09-12", "day", 1)
        self.feat_track = self.track(self.feat_single, [r[9], r[8]], explicit=True)
        # A repeated collaboration: Nova Reyes with Kito Blanc on two songs, plus a trio.
        nova_album = self.album("Parallel Streets", "album", [self.nova], "2025-02-14", "day", 12)
        kito_single = self.album("Second Signal", "single", [self.kito], "2026-03-06", "day", 2)
        self.collab_1 = self.track(nova_album, [self.nova, self.kito])
        self.collab_2 = self.track(kito_single, [self.kito, self.nova], explicit=True)
        self.trio = self.track(nova_album, [self.nova, r[10], r[11]])
        # Episodes of two podcasts.
        self.episode_1 = Episode(
            self.new_id(),
            "Ep. 112: Why Playlists Drift",
            self.new_id(),
            "The Crate Diggers",
            2_843_000,
            False,
        )
        self.episode_2 = Episode(
            self.new_id(), "Weekend Special: Vinyl Stories", self.new_id(), "Groove Notes", 1_917_000, True
        )
        self.local_1 = LocalFile("Sam Okafor", "Home Demos", "Kitchen Floor Demo", 187)
        self.local_2 = LocalFile("Unknown Artist", "Bootleg Tapes", "Live at the Harbour", 254)

    def special_tracks(self) -> set[str]:
        special = [
            *self.harbour.tracks,
            *self.album_1987.tracks,
            *self.album_2019.tracks,
            *self.compilation.tracks,
        ]
        special += [self.feat_track, self.collab_1, self.collab_2, self.trio]
        return {track.id for track in special}


def timestamp(rng: random.Random, first_day: int, last_day: int) -> str:
    """An added_at between 2026-<first_day> and 2026-<last_day> (day numbers of the year)."""
    from datetime import UTC, datetime, timedelta

    moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(
        days=rng.randint(first_day, last_day), seconds=rng.randint(0, 86399)
    )
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class PlaylistSpec:
    id: str
    name: str
    description: str
    public: bool
    collaborative: bool
    old_shape: bool
    entries: dict[str, list[Entry]] = field(default_factory=dict)


def build_playlists(catalog: Catalog) -> list[PlaylistSpec]:
    rng = make_rng("playlists")
    special = catalog.special_tracks()
    plain = [track for track in catalog.tracks if track.id not in special]
    rng.shuffle(plain)
    shared_all = plain.pop()
    shared_13 = [plain.pop() for _ in range(4)]
    shared_12 = [plain.pop() for _ in range(3)]
    shared_23 = [plain.pop() for _ in range(2)]
    twice = plain.pop()

    def take(count: int) -> list[Track]:
        return [plain.pop() for _ in range(count)]

    def entries(tracks: list[Track], who: tuple[str, ...], seed: str) -> list[Entry]:
        local = make_rng("added", seed)
        return [Entry("track", timestamp(local, 0, 320), local.choice(who), track) for track in tracks]

    indie = PlaylistSpec(
        catalog.new_id(),
        "Indie Morning",
        "Soft guitars and first coffee. Updated most mornings.",
        True,
        False,
        old_shape=False,
    )
    night = PlaylistSpec(
        catalog.new_id(), "Late Night Drive", "Synths, tail lights, empty roads.", True, False, old_shape=True
    )
    weekend = PlaylistSpec(
        catalog.new_id(),
        "Weekend Mixtape",
        "Everyone adds two songs a week. No skips.",
        False,
        True,
        old_shape=False,
    )
    me = (OWNER,)
    everyone = (OWNER, *FRIENDS)

    # ---- Indie Morning, 2026-11-19: 120 items.
    songs = [*catalog.harbour.tracks[:5], *catalog.album_1987.tracks[:2], *catalog.album_2019.tracks[:2]]
    songs += [catalog.collab_1, catalog.collab_2, catalog.trio, shared_all, *shared_13, *shared_12]
    songs += take(120 - len(songs) - 4)  # room for: the duplicate (x2), the null item, the episode
    make_rng("indie-order").shuffle(songs)
    indie_entries = entries(songs, me, "indie")
    indie_entries.insert(3, Entry("track", "2026-02-11T07:12:40Z", OWNER, twice))
    indie_entries.insert(17, Entry("null", "2025-08-30T06:41:05Z", OWNER))
    indie_entries.insert(40, Entry("episode", "2026-10-02T06:05:51Z", OWNER, catalog.episode_1))
    indie_entries.insert(88, Entry("track", "2026-09-21T06:58:13Z", OWNER, twice))
    indie.entries[DATES[0]] = indie_entries

    # ---- Late Night Drive, 2026-11-19: 70 items (old shape).
    songs = [*catalog.compilation.tracks, catalog.feat_track, shared_all, *shared_12, *shared_23]
    songs += [catalog.harbour.tracks[5], catalog.album_1987.tracks[2]]
    songs += take(70 - len(songs) - 2)  # room for: the null item, the local file
    make_rng("night-order").shuffle(songs)
    night_entries = entries(songs, me, "night")
    night_entries.insert(33, Entry("null", "2024-12-24T23:10:00Z", OWNER))
    night_entries.insert(60, Entry("local", "2025-05-17T22:45:31Z", OWNER, catalog.local_2))
    night.entries[DATES[0]] = night_entries

    # ---- Weekend Mixtape, 2026-11-19: 55 items (collaborative).
    songs = [shared_all, *shared_13, *shared_23, catalog.collab_2, catalog.album_2019.tracks[2]]
    songs += take(55 - len(songs) - 2)  # room for: the local file, the episode
    make_rng("weekend-order").shuffle(songs)
    weekend_entries = entries(songs, everyone, "weekend")
    weekend_entries.insert(5, Entry("local", "2026-07-04T15:20:00Z", FRIENDS[0], catalog.local_1))
    weekend_entries.insert(30, Entry("episode", "2026-11-08T10:31:17Z", FRIENDS[1], catalog.episode_2))
    weekend.entries[DATES[0]] = weekend_entries

    # ---- 2026-11-20: songs enter, leave and move; every snapshot_id changes.
    change = make_rng("day-two")
    protected = {
        id(entry) for entry in indie_entries + night_entries + weekend_entries if entry.kind != "track"
    }
    protected |= {
        id(entry)
        for entry in indie_entries + night_entries + weekend_entries
        if entry.obj is not None and getattr(entry.obj, "id", None) in special | {shared_all.id, twice.id}
    }

    def removable(entries_: list[Entry]) -> list[int]:
        return [index for index, entry in enumerate(entries_) if id(entry) not in protected]

    def remove(entries_: list[Entry], count: int) -> list[Entry]:
        kept = list(entries_)
        for index in sorted(change.sample(removable(kept), count), reverse=True):
            del kept[index]
        return kept

    def move(entries_: list[Entry], source: int, target: int) -> None:
        entries_.insert(target, entries_.pop(source))

    new_songs = take(10)
    fresh = iter(new_songs)

    def added_today(track: Track, who: str, hour: int) -> Entry:
        stamp = f"2026-11-19T{hour:02d}:{change.randint(0, 59):02d}:{change.randint(0, 59):02d}Z"
        if hour < 6:
            stamp = f"2026-11-20T{hour:02d}:{change.randint(0, 59):02d}:{change.randint(0, 59):02d}Z"
        return Entry("track", stamp, who, track)

    indie_2 = remove(indie_entries, 3)
    move(indie_2, 10, 2)
    move(indie_2, 70, 100)
    both = next(fresh)  # a new song added to two playlists on the same day
    indie_2[0:0] = [added_today(next(fresh), OWNER, 5), added_today(both, OWNER, 21)]
    indie_2 += [added_today(next(fresh), OWNER, hour) for hour in (19, 20, 22, 23)]
    indie.entries[DATES[1]] = indie_2

    night_2 = remove(night_entries, 4)
    night_2[4], night_2[40] = night_2[40], night_2[4]
    night_2.insert(12, added_today(next(fresh), OWNER, 23))
    night_2.append(added_today(next(fresh), OWNER, 2))
    night.entries[DATES[1]] = night_2

    weekend_2 = remove(weekend_entries, 1)
    move(weekend_2, 44, 1)
    weekend_2 += [
        added_today(both, FRIENDS[0], 18),
        added_today(next(fresh), FRIENDS[1], 20),
        added_today(next(fresh), OWNER, 4),
    ]
    weekend.entries[DATES[1]] = weekend_2
    return [indie, night, weekend]


def item_json(entry: Entry, old_shape: bool, snapshot_date: str) -> dict[str, Any]:
    if entry.kind == "null":
        body = None
    elif entry.kind == "local":
        body = entry.obj.json(old_shape)
    elif entry.kind == "episode":
        body = entry.obj.json()
    else:
        body = entry.obj.json(old_shape, snapshot_date)
    return {
        "added_at": entry.added_at,
        "added_by": {"id": entry.added_by},
        "is_local": entry.kind == "local",
        ("track" if old_shape else "item"): body,
    }


def snapshot_id(playlist: PlaylistSpec, items: list[dict[str, Any]]) -> str:
    digest = hashlib.sha256(json.dumps([playlist.id, items], sort_keys=True).encode()).digest()
    return "AAAA" + base64.b64encode(digest).decode()[:28].replace("/", "x").replace("+", "z")


def user_json(user_id: str, name: str) -> dict[str, Any]:
    """A public user object (``GET /me`` lost ``country``, ``email`` and ``product`` in 2026)."""
    return {
        "display_name": name,
        "external_urls": {"spotify": f"{OPEN}/user/{user_id}"},
        "href": f"{API}/users/{user_id}",
        "id": user_id,
        "type": "user",
        "uri": f"spotify:user:{user_id}",
    }


def simplified_playlist(metadata: dict[str, Any], owner: dict[str, Any], count_key: str) -> dict[str, Any]:
    """An entry of ``GET /me/playlists``: the count under ``items: {href, total}`` since 2026."""
    playlist_id = metadata["id"]
    return {
        "collaborative": metadata["collaborative"],
        "description": metadata["description"],
        "external_urls": metadata["external_urls"],
        "href": f"{API}/playlists/{playlist_id}",
        "id": playlist_id,
        "images": [],
        "name": metadata["name"],
        "owner": owner,
        "public": metadata["public"],
        "snapshot_id": metadata["snapshot_id"],
        "type": "playlist",
        "uri": f"spotify:playlist:{playlist_id}",
        count_key: {"href": f"{API}/playlists/{playlist_id}/items", "total": metadata["total"]},
    }


FOLLOWED_ID = spotify_id(make_rng("followed"))
"""Friday Finds, another user's playlist that Jo follows (its own random stream: adding it moved
no other ID)."""


def followed_metadata(snapshot_date: str) -> dict[str, Any]:
    digest = hashlib.sha256(f"{FOLLOWED_ID}:{snapshot_date}".encode()).digest()
    return {
        "id": FOLLOWED_ID,
        "name": "Friday Finds",
        "owner": {"id": FRIENDS[0], "display_name": FRIEND_NAME},
        "snapshot_id": "AAAA" + base64.b64encode(digest).decode()[:28].replace("/", "x").replace("+", "z"),
        "description": "New releases I liked this week.",
        "public": True,
        "collaborative": False,
        "external_urls": {"spotify": f"{OPEN}/playlist/{FOLLOWED_ID}"},
    }


def recording(playlists: list[PlaylistSpec], snapshot_date: str) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    listed: list[dict[str, Any]] = []
    me = user_json(OWNER, OWNER_NAME)
    for playlist in playlists:
        items = [
            item_json(entry, playlist.old_shape, snapshot_date) for entry in playlist.entries[snapshot_date]
        ]
        total = len(items)
        count_key = "tracks" if playlist.old_shape else "items"
        metadata = {
            "id": playlist.id,
            "name": playlist.name,
            "owner": {"id": OWNER, "display_name": OWNER_NAME},
            "snapshot_id": snapshot_id(playlist, items),
            "description": playlist.description,
            "public": playlist.public,
            "collaborative": playlist.collaborative,
            "external_urls": {"spotify": f"{OPEN}/playlist/{playlist.id}"},
            count_key: {"total": total},
        }
        responses[f"GET /v1/playlists/{playlist.id}"] = {"status": 200, "body": metadata}
        listed.append(simplified_playlist(metadata | {"total": total}, me, count_key))
        for offset in range(0, total, PAGE_LIMIT):
            following = offset + PAGE_LIMIT
            next_url = (
                f"{API}/playlists/{playlist.id}/items?offset={following}&limit={PAGE_LIMIT}"
                f"&additional_types={','.join(ADDITIONAL_TYPES)}"
                if following < total
                else None
            )
            page = {
                "items": items[offset:following],
                "limit": PAGE_LIMIT,
                "next": next_url,
                "offset": offset,
                "total": total,
            }
            responses[f"GET /v1/playlists/{playlist.id}/items?offset={offset}"] = {
                "status": 200,
                "body": page,
            }
    for key in (f"GET /v1/playlists/{TOP_50_GLOBAL}", f"GET /v1/playlists/{TOP_50_GLOBAL}/items?offset=0"):
        responses[key] = {"status": 404, "body": NOT_FOUND}
    # Another user's playlist: metadata only (no count object), items refused (development mode).
    followed = followed_metadata(snapshot_date)
    responses[f"GET /v1/playlists/{FOLLOWED_ID}"] = {"status": 200, "body": followed}
    responses[f"GET /v1/playlists/{FOLLOWED_ID}/items?offset=0"] = {"status": 403, "body": FORBIDDEN}
    listed.insert(
        1, simplified_playlist(followed | {"total": 34}, user_json(FRIENDS[0], FRIEND_NAME), "items")
    )
    responses["GET /v1/me"] = {"status": 200, "body": me}
    responses["GET /v1/me/playlists?offset=0"] = {
        "status": 200,
        "body": {
            "href": f"{API}/me/playlists?offset=0&limit={PAGE_LIMIT}",
            "items": listed,
            "limit": PAGE_LIMIT,
            "next": None,
            "offset": 0,
            "previous": None,
            "total": len(listed),
        },
    }
    return {
        "snapshot_date": snapshot_date,
        "note": (
            "Synthetic, recorded-shape Spotify Web API responses (invented names and IDs), written by "
            f"tools/make_sample_api.py (seed {SEED}). Keys: date file, request path, offset. "
            "'Late Night Drive' is in the older shape an extended-quota app gets (track, popularity); "
            "the others in the February 2026 development-mode shape (item). 'Friday Finds' belongs to "
            "another user: its items answer 403 to a development-mode app."
        ),
        "request": {
            "limit": PAGE_LIMIT,
            "additional_types": ",".join(ADDITIONAL_TYPES),
            "items_fields": ITEMS_FIELDS,
            "playlist_fields": PLAYLIST_FIELDS,
            "snapshot_fields": SNAPSHOT_FIELDS,
        },
        "playlist_ids": [playlist.id for playlist in playlists] + [TOP_50_GLOBAL],
        "replay_playlist_refs": [MINE, FOLLOWED_ID, TOP_50_GLOBAL],
        "responses": responses,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "extract_lambda" / "sample_api"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    playlists = build_playlists(Catalog())
    for snapshot_date in DATES:
        document = recording(playlists, snapshot_date)
        text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        path = out / f"{snapshot_date}.json.gz"
        path.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
        print(f"{path}: {path.stat().st_size} bytes")
    init = out / "__init__.py"
    if not init.exists():
        init.write_text('"""Recorded Spotify Web API responses (see tools/make_sample_api.py)."""\n')
    return 0


if __name__ == "__main__":
    sys.exit(main())
