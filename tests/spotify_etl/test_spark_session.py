import stat

import pytest

from spotify_etl.spark_session import JavaNotFoundError, require_java


def fake_java_home(tmp_path, version_line: str) -> str:
    java = tmp_path / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text(f"#!/bin/sh\necho '{version_line}' >&2\n")
    java.chmod(java.stat().st_mode | stat.S_IEXEC)
    return str(tmp_path)


def test_java_17_passes(tmp_path, monkeypatch):
    monkeypatch.setenv("JAVA_HOME", fake_java_home(tmp_path, 'openjdk version "17.0.15" 2025-04-15'))
    require_java()


@pytest.mark.parametrize(
    ("line", "found"),
    [('openjdk version "21.0.2" 2024-01-16', "Java 21"), ('java version "1.8.0_392"', "Java 8")],
)
def test_other_java_versions_say_what_to_install(tmp_path, monkeypatch, line, found):
    monkeypatch.setenv("JAVA_HOME", fake_java_home(tmp_path, line))
    with pytest.raises(JavaNotFoundError, match=f"needs Java 17 \\(found: {found}\\); install OpenJDK 17"):
        require_java()


def test_no_java_at_all(tmp_path, monkeypatch):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(JavaNotFoundError, match="found: no java on PATH"):
        require_java()
