"""Charts of the query results (PNG, matplotlib's Agg canvas: no display, no global pyplot state).

Each chart has a data-prep function (tested) and a plot function (drawing only), so what a
chart shows can be checked without looking at pixels.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

TOP_ARTISTS_PNG = "top_artists.png"
CHART_MOVEMENT_PNG = "chart_movement.png"
API_HEALTH_PNG = "api_health.png"
MAX_DATE_TICKS = 15
"""At most this many date labels on the x axis (a label every n-th date beyond that)."""


def top_artists_bars(top_artists: pd.DataFrame, top: int = 10) -> list[tuple[str, int]]:
    """(artist, songs) for the ``top`` first rows of top_artists.sql, best first (its order)."""
    rows = top_artists.head(top)
    return [(str(name), int(songs)) for name, songs in zip(rows["artist_name"], rows["songs"], strict=True)]


@dataclass
class ChartMovement:
    """Place over time of one playlist's current top songs: one series per song, one value per date."""

    playlist_name: str
    dates: list[str]
    series: dict[str, list[int | None]] = field(default_factory=dict)
    """``"<current rank>. <song>"`` -> the song's rank on each of ``dates`` (None: not on the playlist)."""


def pick_playlist(history: pd.DataFrame, playlist: str | None = None) -> str | None:
    """The playlist_id to chart: the one named (by id or name), else the one with the most history."""
    if history.empty:
        return None
    if playlist is not None:
        match = history[(history["playlist_id"] == playlist) | (history["playlist_name"] == playlist)]
        if match.empty:
            raise ValueError(f"no playlist {playlist!r} in the position history")
        return str(match["playlist_id"].iloc[0])
    dates = (
        history.groupby(["playlist_id", "playlist_name"])["snapshot_date"]
        .nunique()
        .reset_index()
        .sort_values(["snapshot_date", "playlist_name", "playlist_id"], ascending=[False, True, True])
    )
    return str(dates["playlist_id"].iloc[0])


def chart_movement_data(
    history: pd.DataFrame, playlist: str | None = None, top: int = 10
) -> ChartMovement | None:
    """From position_history.sql: the chosen playlist's top ``top`` songs, their rank per date."""
    playlist_id = pick_playlist(history, playlist)
    if playlist_id is None:
        return None
    rows = history[(history["playlist_id"] == playlist_id) & (history["current_rank"] <= top)]
    dates = sorted(str(d) for d in rows["snapshot_date"].unique())
    movement = ChartMovement(playlist_name=str(rows["playlist_name"].iloc[0]), dates=dates)
    for (current_rank, song_name), song_rows in rows.groupby(["current_rank", "song_name"], sort=True):
        ranks = {
            str(d): int(r) for d, r in zip(song_rows["snapshot_date"], song_rows["song_rank"], strict=True)
        }
        movement.series[f"{int(current_rank)}. {song_name}"] = [ranks.get(date) for date in dates]
    return movement


def plot_top_artists(
    top_artists: pd.DataFrame, path: str, top: int = 10, snapshot: str = "latest snapshot"
) -> str:
    """Horizontal bars of the top artists' songs, the best at the top; returns ``path``."""
    bars = top_artists_bars(top_artists, top)
    figure = _figure(width=8, height=max(2.5, 0.45 * len(bars) + 1.2))
    axes = figure.add_subplot()
    if bars:
        names = [name for name, _ in reversed(bars)]
        songs = [count for _, count in reversed(bars)]
        drawn = axes.barh(names, songs, color="#1DB954")
        axes.bar_label(drawn, padding=3)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlabel("songs on the playlists (entries, every credited artist)")
    else:
        _no_data(axes)
    axes.set_title(f"Top artists, {snapshot}")
    return _save(figure, path)


def plot_chart_movement(history: pd.DataFrame, path: str, playlist: str | None = None, top: int = 10) -> str:
    """Rank over snapshot dates for one playlist's top songs, #1 at the top; returns ``path``."""
    movement = chart_movement_data(history, playlist, top)
    figure = _figure(width=10, height=5.5)
    axes = figure.add_subplot()
    if movement is None or not movement.series:
        _no_data(axes)
        axes.set_title("Chart movement")
    else:
        x = list(range(len(movement.dates)))
        for label, ranks in movement.series.items():
            axes.plot(x, [float("nan") if r is None else r for r in ranks], marker="o", label=label)
        step = max(1, math.ceil(len(x) / MAX_DATE_TICKS))
        axes.set_xticks(x[::step], movement.dates[::step], rotation=30, ha="right")
        worst = max((r for ranks in movement.series.values() for r in ranks if r is not None), default=1)
        if worst <= 25:
            axes.set_yticks(range(1, worst + 1))  # every place labelled, #1 included
        else:
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.invert_yaxis()
        axes.set_ylabel("place on the playlist (1 = top)")
        axes.set_title(f"Chart movement: {movement.playlist_name}, top {len(movement.series)} songs")
        axes.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small", frameon=False)
    return _save(figure, path)


@dataclass
class FieldPresence:
    """Share of items with each field the jobs read, per snapshot date (the api_health table)."""

    dates: list[str]
    series: dict[str, list[float | None]] = field(default_factory=dict)
    """field -> its share of items in percent on each of ``dates`` (None: not measured that date,
    or no items)."""


def field_presence_data(health: pd.DataFrame) -> FieldPresence:
    """From the api_health rows (columns snapshot_date, measure, name, share): the
    ``field_present`` measure as one series per field, in percent, over every date of the table."""
    dates = sorted(str(d) for d in health["snapshot_date"].unique())
    rows = health[health["measure"] == "field_present"]
    presence = FieldPresence(dates=dates)
    for name, field_rows in rows.groupby("name", sort=True):
        shares = {
            str(d): None if pd.isna(s) else round(float(s) * 100, 1)
            for d, s in zip(field_rows["snapshot_date"], field_rows["share"], strict=True)
        }
        presence.series[str(name)] = [shares.get(date) for date in dates]
    return presence


def plot_field_presence(health: pd.DataFrame, path: str) -> str:
    """Lines of each field's share of items over the snapshot dates (a fall is the API dropping
    a field); one date draws points. Returns ``path``."""
    presence = field_presence_data(health)
    figure = _figure(width=10, height=5.5)
    axes = figure.add_subplot()
    if not presence.series:
        _no_data(axes)
    else:
        x = list(range(len(presence.dates)))
        for name, shares in presence.series.items():
            axes.plot(x, [float("nan") if s is None else s for s in shares], marker="o", label=name)
        step = max(1, math.ceil(len(x) / MAX_DATE_TICKS))
        axes.set_xticks(x[::step], presence.dates[::step], rotation=30, ha="right")
        axes.set_ylim(-5, 105)
        axes.set_ylabel("% of items with the field present and not null")
        axes.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small", frameon=False)
    axes.set_title("Field presence per snapshot date (api_health)")
    return _save(figure, path)


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _no_data(axes: Axes) -> None:
    axes.text(0.5, 0.5, "no data yet", ha="center", va="center", transform=axes.transAxes)
    axes.set_axis_off()


def _save(figure: Figure, path: str) -> str:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    figure.savefig(path, dpi=110)
    return path
