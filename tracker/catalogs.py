"""Catalog upkeep for `make catalogs-update`: the English catalog says each message as written.

`python -m tracker.catalogs fill-source PATH` copies every msgid of the source catalog into its
msgstr (the plural too), so English wording can later be changed in the catalog alone, and no
entry of the en catalog is ever untranslated or fuzzy.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po


def fill_source(path: Path) -> int:
    """Make every message of the catalog at `path` its own translation; the number changed."""
    with path.open("rb") as fh:
        catalog: Catalog = read_po(fh)
    changed = 0
    for message in catalog:
        if not message.id:
            continue
        wanted = message.id if isinstance(message.id, str) else tuple(message.id)
        if message.string != wanted or message.fuzzy:
            message.string = wanted
            message.flags.discard("fuzzy")
            changed += 1
    with path.open("wb") as fh:
        write_po(fh, catalog, omit_header=False, sort_output=True, no_location=True)
    return changed


def main(argv: list[str]) -> int:
    """The command line: fill-source PATH."""
    if len(argv) != 2 or argv[0] != "fill-source":
        print("usage: python -m tracker.catalogs fill-source PATH", file=sys.stderr)
        return 2
    print(f"{argv[1]}: {fill_source(Path(argv[1]))} messages set to their source text")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
