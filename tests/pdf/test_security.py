"""Security rules of letters: the placeholder sandbox and the deny-by-default fetcher."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.pdf.conftest import pdf_text
from tests.pdf.factory import make_addressee, make_appeal, make_case
from tracker.domain.errors import ValidationError
from tracker.domain.placeholders import PlaceholderError, render_letter_text, sample_context
from tracker.models import User
from tracker.pdf import ASSET_BASE, AssetFetcher, RefusedURL, render_pdf
from tracker.services.letters.render import render_letter
from tracker.services.publishing import queries as public_service
from tracker.services.publishing.objects import AppealCard

INJECTIONS = [
    "{{ case.__class__ }}",
    "{{ case.name.__class__.__mro__[1].__subclasses__() }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ case|attr('__class__') }}",
    "{{ case|attr('__init__')|attr('__globals__') }}",
    "{{ self.__init__.__globals__.__builtins__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__['os'].system('touch /tmp/pwned') }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ '{0.__class__.__base__}'.format(case) }}",
    "{{ '%s' % case }}",
    "{{ case.name|format(case) }}",
    "{{ range(10**9)|list }}",
    "{{ 'x' * 10**9 }}",
    "{{ 9**9**9 }}",
    "{% for i in range(10**9) %}{% endfor %}",
    "{% for a in case %}{% for b in case %}{% endfor %}{% endfor %}",
    "{{ case.name|center(10**9) }}",
    "{{ case.name|indent(10**9) }}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{% set x = case %}{{ x }}",
    "{% include '/etc/passwd' %}",
    "{% import 'base.html' as b %}",
    "{{ config }}{{ request }}{{ g }}",
    "{{ case['__class__'] }}",
    "{{ case.items() }}",
    "{{ case.name.upper }}",
    "{{ case._sa_instance_state }}",
]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_template_injection_neither_executes_nor_hangs(payload: str, tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(PlaceholderError):
        render_letter_text(payload, sample_context(dt.date(2024, 5, 1)))
    assert time.monotonic() - started < 1.0
    assert not Path("/tmp/pwned").exists()


def test_template_injection_is_reported_on_the_field_when_saving(db: Any, caseworker: User) -> None:
    addressee = make_addressee(db, caseworker)
    case = make_case(db, caseworker, "VN-INJ", "Injected Person")
    for field in ("body", "subject"):
        with pytest.raises(ValidationError) as err:
            make_appeal(db, caseworker, case, addressee, **{field: "{{ case.__class__ }}"})
        assert field in err.value.field_errors
    with pytest.raises(ValidationError) as err:
        make_appeal(db, caseworker, case, addressee, body="Dear {{ case.nme }}")
    assert "nme" in err.value.field_errors["body"]


class Listener:
    """A TCP server on 127.0.0.1 that counts connections."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self.thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


@pytest.fixture
def canary(tmp_path: Path) -> Path:
    path = tmp_path / "canary.css"
    path.write_text("body::after { content: 'FILECANARY'; } /* FILECANARY */")
    (tmp_path / "canary.txt").write_text("FILECANARY")
    return path


def vectors(canary: Path, port: int) -> list[str]:
    """Every way a document can make WeasyPrint load a URL, for each kind of URL."""
    txt = canary.with_suffix(".txt")
    urls = [
        f"file://{canary}",
        f"file://{txt}",
        f"http://127.0.0.1:{port}/x.css",
        f"https://127.0.0.1:{port}/x.png",
        f"ftp://127.0.0.1:{port}/x",
        "data:text/css,body::after{content:'CANARYLEAKED'}",
        "data:text/plain,CANARYLEAKED",
        str(canary),
        "../../../../../../etc/passwd",
        f"{ASSET_BASE}../../../../../../{canary}",
        f"{ASSET_BASE}%2e%2e/%2e%2e/etc/passwd",
        f"http://127.0.0.1:{port}/redirect-to-file",
    ]
    out = []
    for u in urls:
        out += [
            f'<link rel="stylesheet" href="{u}">',
            f"<style>@import url('{u}');</style>",
            f"<style>@font-face {{ font-family: X; src: url('{u}'); }}"
            " p { font-family: X }</style>",
            f"<p style=\"background: url('{u}')\">styled</p>",
            f'<img src="{u}" alt="x">',
            f'<object data="{u}"></object>',
            f'<embed src="{u}">',
            f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
            f'<image href="{u}" xlink:href="{u}" width="10" height="10"/></svg>',
            f'<link rel="attachment" href="{u}">',
            f'<a rel="attachment" href="{u}">attached</a>',
            f'<iframe src="{u}"></iframe>',
        ]
    return out


def test_fetcher_refuses_every_url_vector_in_the_template(canary: Path, listener: Listener) -> None:
    html = (
        '<html lang="en"><title>t</title><body><p>start</p>'
        + "".join(vectors(canary, listener.port))
        + "</body></html>"
    )
    data = render_pdf(html, max_pages=50)
    assert listener.connections == 0
    assert b"/EmbeddedFile" not in data
    text = pdf_text(data)
    assert "CANARYLEAKED" not in text and "FILECANARY" not in text
    assert b"FILECANARY" not in data


def test_fetcher_refuses_everything_outside_packaged_assets(canary: Path) -> None:
    fetcher = AssetFetcher()
    assert fetcher.fetch(ASSET_BASE + "css/letter.css").read()
    for url in (
        f"file://{canary}",
        ASSET_BASE + "../pyproject.toml",
        ASSET_BASE + "css/x%2e.css",
        ASSET_BASE + "css/letter.css?x",
        "data:text/css,p{}",
        ASSET_BASE + "../__init__.py",
        "http://assets.tracker.invalid/css/letter.css",
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)


FIELDS = (
    "full_name",
    "name_native",
    "profession",
    "place_of_detention",
    "charges",
    "sentence",
    "summary",
)


def test_fetcher_vectors_in_case_fields_and_body_are_inert(
    db: Any, caseworker: User, canary: Path, listener: Listener
) -> None:
    payload = "".join(vectors(canary, listener.port)[::3])[:20_000]
    addressee = make_addressee(
        db,
        caseworker,
        institution=payload[:300],
        address_lines=[payload[i : i + 190] for i in range(0, 1500, 190)],
    )
    values = {f: payload[: 200 if f in ("full_name", "name_native") else 300] for f in FIELDS}
    values["summary"] = payload
    case = make_case(
        db,
        caseworker,
        "VN-VEC",
        "Vector Person",
        **{k: v for k, v in values.items() if k != "full_name"},
    )
    case.full_name = values["full_name"]
    db.flush()
    body = (
        payload[:10_000] + " {{ case.name }} {{ case.name_native }} {{ case.profession }} "
        "{{ case.place_of_detention }} {{ case.charges }} {{ case.sentence }}"
    )
    appeal = make_appeal(db, caseworker, case, addressee, body=body, asks=[payload[:600]])
    person, public_appeal = public_service.public_appeal(db, case.slug, appeal.id)
    try:
        data = render_letter(
            AppealCard(person, public_appeal),
            paper="a4",
            today=dt.date(2024, 5, 1),
            organisation="Org",
        )
    except Exception as exc:  # a refused letter is fine; a fetched URL is not
        assert "pages" in str(exc) or "seconds" in str(exc)
        data = b""
    assert listener.connections == 0
    assert b"/EmbeddedFile" not in data
    if data:
        text = pdf_text(data)
        assert "FILECANARY" not in text
        assert "<img src=" in text.replace("\n", "")  # the markup is printed as text
