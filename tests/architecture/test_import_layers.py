"""Data flows one way — Spotify -> raw -> normalised items -> tables -> catalog -> analysis, and
Snowflake — and modules import only downward along it. This test fails on an import that points back up."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "glue_jobs" / "spotify_etl"

# Lowest layer first. A module may import its own layer and the layers before it.
LAYERS: list[tuple[str, ...]] = [
    ("schemas",),
    ("lake_layout", "snapshot_dates", "type_mismatch", "spark_session"),
    ("raw_reader", "envelopes"),
    ("items", "quarantine"),
    ("snapshot_reader",),
    ("tables", "quality", "reconcile", "api_health", "volume"),
    ("lake_io", "job_args", "metrics"),
    ("catalog",),
    ("jobs",),
    ("snowflake",),
    ("analysis",),
    ("local_workflow", "cli"),
]
LAYER_OF = {name: index for index, names in enumerate(LAYERS) for name in names}


def top_module(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def imported_top_modules(path: Path, package: Path = PACKAGE) -> set[str]:
    """The package's top-level modules that ``path`` imports (absolute or relative, anywhere)."""
    found: set[str] = set()
    depth = len(path.relative_to(package).parts) - 1  # 0 for a top-level module
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                if node.level > depth + 1:
                    continue
                if node.level <= depth:  # inside a subpackage: "." is that subpackage
                    found.add(path.relative_to(package).parts[0])
                    continue
                if node.module:
                    found.add(node.module.split(".")[0])
                else:
                    found.update(alias.name for alias in node.names)
            elif node.module and node.module.startswith("spotify_etl."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("spotify_etl."))
    return found


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


def test_every_module_has_a_layer():
    assert {top_module(p) for p in modules()} <= set(LAYER_OF)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_the_flow(path):
    own = LAYER_OF[top_module(path)]
    upward = {name: LAYER_OF[name] for name in imported_top_modules(path) if LAYER_OF.get(name, -1) > own}
    assert not upward, f"{path.relative_to(ROOT)} (layer {own}) imports from later layers: {upward}"


def test_the_extractor_does_not_import_the_jobs():
    for path in (ROOT / "extract_lambda").rglob("*.py"):
        tree = ast.parse(path.read_text())
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not [n for n in names if n.startswith("spotify_etl")], path


def test_the_check_sees_upward_imports_of_every_form(tmp_path):
    copy = tmp_path / "spotify_etl" / "tables" / "song.py"
    copy.parent.mkdir(parents=True)
    copy.write_text(
        (PACKAGE / "tables" / "song.py").read_text()
        + "\nfrom ..jobs import WORKFLOW\nimport spotify_etl.analysis.charts\nfrom .. import cli\n"
    )
    found = imported_top_modules(copy, tmp_path / "spotify_etl")
    assert {"jobs", "analysis", "cli"} <= found and "schemas" in found
