"""The README stays true: its tables, targets, commands and queries are the code's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spotify_etl.cli import build_parser
from spotify_etl.schemas import CATALOG_TABLES, catalog_columns

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def readme_table_after(heading: str) -> list[tuple[str, str]]:
    """(column, type) rows of the markdown table that follows ``**heading** —``."""
    section = README.split(f"**{heading}** —", 1)[1]
    rows = []
    for line in section.splitlines()[2:]:
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[0] in ("column", "---") or set(cells[0]) <= {"-"}:
            continue
        rows.append((cells[0], cells[1].replace("&lt;", "<").replace("&gt;", ">")))
    return rows


@pytest.mark.parametrize("table", CATALOG_TABLES)
def test_readme_lists_each_table_column_with_its_type(table):
    assert readme_table_after(table) == catalog_columns(table)


def test_every_make_target_in_the_readme_exists():
    targets = set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), re.M))
    mentioned = set(re.findall(r"`make ([a-z-]+)`", README)) | set(
        re.findall(r"^make ([a-z-]+)", README, re.M)
    )
    mentioned |= set(
        re.findall(r"`([a-z-]+)`", README.split("`make help` lists every target", 1)[1].split(")", 1)[0])
    )
    assert mentioned and mentioned <= targets, mentioned - targets


def test_every_spotify_etl_command_in_the_readme_exists():
    parser = build_parser()
    commands = set(parser._subparsers._group_actions[0].choices)  # the registered subcommands
    assert set(re.findall(r"`spotify-etl ([a-z][a-z-]*)", README)) == commands


def test_every_query_is_listed():
    listed = set(re.findall(r"^\| `([a-z_]+)` \|", README, re.M)) & {
        p.stem for p in (ROOT / "sql").glob("*.sql")
    }
    assert listed == {p.stem for p in (ROOT / "sql").glob("*.sql")}


def test_linked_files_exist():
    for link in re.findall(r"\]\(([^)#]+)\)", README):
        assert (ROOT / link).exists(), link
