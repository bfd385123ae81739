"""Find and load the analysis queries: one Trino SQL file per question in the repository's ``sql/``.

The files stay outside the package so that they can be pasted into the Athena console as they
are; the package finds them relative to its own (editable) install, or where
``SPOTIFY_ETL_SQL_DIR`` says.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SQL_DIR_ENV = "SPOTIFY_ETL_SQL_DIR"


class UnknownQueryError(LookupError):
    """A query name with no ``<name>.sql`` file; the message lists the ones there are."""


@dataclass(frozen=True)
class Query:
    """One question: its name (the file's stem), its Trino SQL and the header comment."""

    name: str
    sql: str
    path: Path

    @property
    def description(self) -> list[str]:
        """The leading ``-- `` comment lines, without the marker: what it answers, how to read it."""
        lines = []
        for line in self.sql.splitlines():
            if not line.startswith("--"):
                break
            lines.append(line[2:].removeprefix(" ").rstrip())
        return lines

    @property
    def title(self) -> str:
        """The first line of the header, else the name."""
        return self.description[0] if self.description else self.name


def sql_dir() -> Path:
    """Where the queries are: ``$SPOTIFY_ETL_SQL_DIR``, else the repository's ``sql/``.

    This file is ``<repo>/glue_jobs/spotify_etl/analysis/queries.py`` (installed editable).
    """
    override = os.environ.get(SQL_DIR_ENV)
    return Path(override) if override else Path(__file__).resolve().parents[3] / "sql"


def query_names(directory: Path | None = None) -> list[str]:
    """Every query there is, alphabetically."""
    directory = directory or sql_dir()
    if not directory.is_dir():
        raise FileNotFoundError(
            f"no SQL directory at {directory}; set {SQL_DIR_ENV} to the repository's sql/"
        )
    return sorted(path.stem for path in directory.glob("*.sql"))


def load_query(name: str, directory: Path | None = None) -> Query:
    """The query ``name`` (``top_artists`` or ``top_artists.sql``)."""
    directory = directory or sql_dir()
    name = name.removesuffix(".sql")
    path = directory / f"{name}.sql"
    if not path.is_file():
        raise UnknownQueryError(
            f"no query {name!r} in {directory}; the queries are: {', '.join(query_names(directory))}"
        )
    return Query(name=name, sql=path.read_text(encoding="utf-8"), path=path)


def load_queries(names: Iterable[str] | None = None, directory: Path | None = None) -> list[Query]:
    """The named queries in the order given, or all of them alphabetically."""
    directory = directory or sql_dir()
    return [load_query(name, directory) for name in (names or query_names(directory))]
