"""The app under gunicorn on a free loopback port, for the benchmarks that measure it served."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(
    env: Mapping[str, str], *, workers: int | str = 2, options: Sequence[str] = (), **popen: Any
) -> tuple[subprocess.Popen[bytes], int]:
    """`gunicorn -w N tracker:create_app()` on a free port: (the process, its port)."""
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            *options,
            "--log-level",
            "warning",
            "tracker:create_app()",
        ],
        env=dict(env),
        cwd=ROOT,
        **popen,
    )
    return server, port


def wait_until_listening(port: int, tries: int) -> None:
    """Try to connect up to `tries` times, a tenth of a second apart."""
    for _ in range(tries):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
