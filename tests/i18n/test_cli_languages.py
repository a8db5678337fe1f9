"""Command-line messages speak the site's DEFAULT_LANGUAGE, with values as the files carry them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import make_app
from tests.custody.test_facilities import HEADER
from tracker.cli import cli


def test_a_refused_facility_import_is_told_in_french(fresh_database: str, tmp_path: Path) -> None:
    app = make_app(fresh_database, str(tmp_path), DEFAULT_LANGUAGE="fr")
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER
        + "Bad Country,,prison,ZZ,,,yes,,,,,,\n"
        + "Bad Date,,prison,BY,,,yes,2020-13-01,,,,,\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(cli, ["facilities", "import", str(path)])
    assert result.exit_code == 1
    # The row's place and field stay as written; the sentence is French, the value is the file's.
    assert (
        "bad.csv:2 : country : « ZZ » n'est pas un code de pays ISO 3166-1 alpha-2."
        in result.output
    )
    assert "« 2020-13-01 » n'est pas une date de la forme AAAA-MM-JJ" in result.output
    assert "2 problème(s) ; rien n'a été importé." in result.output
    assert "is not" not in result.output


def test_doctor_and_demo_speak_arabic(
    fresh_database: str, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    app = make_app(fresh_database, str(tmp_path), DEFAULT_LANGUAGE="ar")
    runner = app.test_cli_runner()
    doctor = runner.invoke(cli, ["doctor"])
    assert "المفتاح السري في" in doctor.output and "غير مُعدّ" in doctor.output
    assert "not configured" not in doctor.output
    loaded = runner.invoke(cli, ["demo", "load"])
    assert loaded.exit_code == 0, loaded.output
    again = runner.invoke(cli, ["demo", "load"])
    assert "تحتوي قاعدة البيانات على حالات بالفعل؛ لم تُحمَّل البيانات التجريبية." in again.output


def test_a_refused_case_import_is_told_in_french(fresh_database: str, tmp_path: Path) -> None:
    from tests.cli.test_import import EVENTS_HEADER, GOOD, cases_file, events_file

    app = make_app(fresh_database, str(tmp_path), DEFAULT_LANGUAGE="fr")
    cases = cases_file(
        tmp_path,
        [
            *GOOD,
            "VN-3,A,,VN,activist",
            "VN-1,Duplicate,,VN,activist,,2020-01-01,detained,,,,true,true",
        ],
    )
    events = events_file(
        tmp_path,
        ["XX-9,detained,2017-01-21,day,,,", "VN-1,detained,2015-08-03,week,,,ftp://example.org"],
    )
    result = app.test_cli_runner().invoke(cli, ["cases", "import", cases, "--events", events])
    assert result.exit_code == 1
    said = result.output
    assert f"{cases}:4 : 13 champs attendus, 5 trouvés" in said
    assert f"{cases}:5 : référence VN-1 en double (première occurrence à la ligne 2)" in said
    assert f"{events}:2 : référence inconnue « XX-9 » (absente du fichier des dossiers)" in said
    assert f"{events}:3 : précision inconnue « week » (utilisez day, month ou year)" in said
    assert f"{events}:3 : source_url : utilisez une adresse en http(s)://" in said
    assert "problème(s) ; rien n'a été importé." in said
    assert "expected" not in said and "unknown" not in said and "duplicate" not in said

    header = tmp_path / "header.csv"
    header.write_text("reference,name\nVN-1,A\n", encoding="utf-8")
    wrong = app.test_cli_runner().invoke(cli, ["cases", "import", str(header)])
    assert f"{header}:1 : en-tête incorrect : " in wrong.output
    assert EVENTS_HEADER not in wrong.output


def test_mail_settings_problems_are_told_in_french(fresh_database: str, tmp_path: Path) -> None:
    app = make_app(
        fresh_database, str(tmp_path), DEFAULT_LANGUAGE="fr", MAIL_URL="ftp://example.org"
    )
    result = app.test_cli_runner().invoke(cli, ["reminders", "send"])
    assert result.exit_code == 1
    assert "TRACKER_MAIL_URL doit être de la forme smtp://hôte:port" in result.output
    assert "must look like" not in result.output
    doctor = app.test_cli_runner().invoke(cli, ["doctor"])
    assert "TRACKER_MAIL_URL doit être de la forme" in doctor.output
