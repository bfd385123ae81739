"""Scan the repository's tracked files with detect-secrets; exit 1 and list any finding.

A deliberate fake credential in a test carries an inline ``# pragma: allowlist secret``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    scan = subprocess.run(
        [sys.executable, "-m", "detect_secrets", "scan"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    results = json.loads(scan.stdout)["results"]
    for path, findings in sorted(results.items()):
        for finding in findings:
            print(f"{path}:{finding['line_number']}: {finding['type']}")
    scanned = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    count = len(scanned.stdout.split())
    print(f"detect-secrets: {sum(map(len, results.values()))} finding(s) in {count} tracked files")
    return 1 if results else 0


if __name__ == "__main__":
    sys.exit(main())
