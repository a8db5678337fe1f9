"""The built wheel installs into a fresh venv and finds its templates and migrations."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        **kwargs,  # type: ignore[arg-type]
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.mark.slow
def test_wheel_installs_into_a_fresh_venv_and_migrates(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, ROOT)
    (wheel,) = dist.glob("tracker-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True, system_site_packages=False)
    bin_dir = env_dir / "bin"
    # Dependencies come from the local pip cache and configured indexes, not this venv.
    run(bin_dir / "pip", "install", "-q", wheel)

    instance = tmp_path / "instance"
    workdir = tmp_path / "elsewhere"  # not the checkout: everything must come from the wheel
    workdir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(TRACKER_INSTANCE_PATH=str(instance), PATH=f"{bin_dir}:{env['PATH']}")
    help_text = run(bin_dir / "tracker", "--help", cwd=workdir, env=env).stdout
    assert "cases" in help_text and "demo" in help_text
    run(bin_dir / "tracker", "db", "upgrade", cwd=workdir, env=env)
    assert (instance / "tracker.db").exists()
    loaded = run(bin_dir / "tracker", "demo", "load", cwd=workdir, env=env).stdout
    assert "Loaded 27 demo cases" in loaded
    paths = run(
        bin_dir / "python",
        "-c",
        "from tracker.paths import TEMPLATES_DIR, MIGRATIONS_DIR; "
        "print(TEMPLATES_DIR); print(MIGRATIONS_DIR)",
        cwd=workdir,
        env=env,
    ).stdout.split()
    for path in paths:
        assert str(env_dir) in path, path
        assert Path(path).is_dir()
    assert (Path(paths[0]) / "base.html").exists()
    assert any((Path(paths[1]) / "versions").glob("0001_*.py"))
