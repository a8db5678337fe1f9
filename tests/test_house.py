"""The house rules a reader can check by counting: short modules, short routes, one commit point."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import click
from flask import Flask

from tracker.cli import cli

TRACKER = Path(__file__).resolve().parent.parent / "tracker"
MAX_MODULE_LINES = 400
MAX_ROUTE_LINES = 40


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_module_is_over_400_lines() -> None:
    sizes = {str(p.relative_to(TRACKER)): _lines(p) for p in TRACKER.rglob("*.py")}
    too_long = {name: n for name, n in sizes.items() if n > MAX_MODULE_LINES}
    assert too_long == {}, "split these into packages"


def test_no_route_function_is_over_40_lines(app: Flask) -> None:
    too_long: dict[str, int] = {}
    checked = 0
    for endpoint, view in app.view_functions.items():
        function = inspect.unwrap(view)
        if not function.__module__.startswith("tracker."):
            continue  # Flask's static files, the API docs of flask-smorest
        source, _ = inspect.getsourcelines(function)
        start = next(i for i, line in enumerate(source) if line.lstrip().startswith("def "))
        checked += 1
        if len(source) - start > MAX_ROUTE_LINES:
            too_long[endpoint] = len(source) - start
    assert checked > 40  # every web page and API operation was seen
    assert too_long == {}


def test_only_the_unit_of_work_commits() -> None:
    commits = {
        str(p.relative_to(TRACKER))
        for p in TRACKER.rglob("*.py")
        if re.search(r"\.commit\(\)", p.read_text(encoding="utf-8"))
    }
    assert commits == {"unit_of_work.py"}


def _commands(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found.update(_commands(command, f"{prefix}{name} "))
        else:
            found[f"{prefix}{name}"] = command
    return found


def test_every_tracker_command_is_one_unit_of_work() -> None:
    ours = {
        name: command
        for name, command in _commands(cli).items()
        if command.callback is not None and command.callback.__module__.startswith("tracker.")
    }
    assert "users create" in ours and "cases import" in ours
    outside = sorted(n for n, c in ours.items() if not getattr(c.callback, "unit_of_work", False))
    # `keys new` only prints a fresh key and opens no database; `worker` is a long-running
    # process whose jobs are each their own unit of work (tracker/jobs/runner.py).
    assert outside == ["keys new", "worker"]
