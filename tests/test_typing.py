"""The domain, the services and the models stay typed: `mypy --strict` passes on them in CI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TYPED = ("tracker/domain", "tracker/services", "tracker/models")


@pytest.mark.slow
def test_mypy_strict_passes_on_domain_services_and_models() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *TYPED],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
