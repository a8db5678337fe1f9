"""Where the packaged templates, migrations and assets live, from a checkout or a wheel."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    # An installed wheel carries the folder inside the package (force-include);
    # a checkout keeps it at the top of the repository.
    for candidate in (PACKAGE_DIR / name, PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"cannot find the {name}/ folder beside {PACKAGE_DIR}")


TEMPLATES_DIR = _find("templates")
MIGRATIONS_DIR = _find("migrations")
STATIC_DIR = PACKAGE_DIR / "static"
