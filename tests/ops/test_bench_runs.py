"""The benches run from a checkout as the README says (`python bench/x.py`), from any directory, without pytest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCHES = ("day", "twilio", "webchat", "console", "login", "startup", "email")


@pytest.mark.parametrize("name", BENCHES)
def test_a_bench_starts_without_pytest(name: str, tmp_path: Path) -> None:
    # A `pytest` that cannot be imported, first on the path: a bench needing it at run time fails here.
    (tmp_path / "pytest").mkdir()
    (tmp_path / "pytest" / "__init__.py").write_text("raise ImportError('pytest is not needed by a bench')\n")
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / f"{name}.py"), "--help"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "--quick" in done.stdout
    assert "--unsafe" in done.stdout  # every bench runs durable unless told otherwise
