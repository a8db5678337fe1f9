"""The report's words in a reader's language, outside any request (page, PDF and HTML file).

The report as data (the API, the CSV, JSON) keeps English labels beside the codes. The page
and the documents show it in a language: country names from CLDR, statuses, categories and
release kinds from our catalogs, dates and durations as that language writes them.
"""

from __future__ import annotations

import copy
import datetime as dt
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.lists import format_list
from babel.support import NullTranslations, Translations
from babel.units import format_unit

from tracker.domain.dates import format_partial_date
from tracker.domain.values import country_name
from tracker.domain.vocabulary import Category, ReleaseKind
from tracker.paths import PACKAGE_DIR

TRANSLATIONS_DIR = PACKAGE_DIR / "translations"
RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ur"})


@lru_cache(maxsize=16)
def site_translations(language: str) -> NullTranslations:
    """The site's catalog of a language (tracker/translations); English words when none."""
    found = Translations.load(str(TRANSLATIONS_DIR), [language], domain="messages")
    return found if isinstance(found, Translations) else NullTranslations()


def direction(language: str) -> str:
    """ "rtl" for a language written right to left, else "ltr"."""
    return "rtl" if language.split("-", 1)[0].lower() in RIGHT_TO_LEFT else "ltr"


@lru_cache(maxsize=16)
def _locale(language: str) -> Locale:
    return Locale.parse(language.replace("-", "_"))


def country_label(code: str | None, language: str) -> str:
    """A country's name in `language` (CLDR), its English name when CLDR has none."""
    if not code:
        return ""
    if language != "en":
        name = _locale(language).territories.get(code.upper())
        if name:
            return str(name)
    return country_name(code)


def duration(days: int, approximate: bool, language: str) -> str:
    """ "3 years, 2 months", "3 ans et 2 mois", "about 5 years" in a language."""
    words = site_translations(language)
    locale = _locale(language)
    years, rest = divmod(days, 365)
    months = rest // 30
    if years == 0 and months == 0:
        parts = [format_unit(days, "duration-day", length="long", locale=locale)]
    else:
        parts = []
        if years:
            parts.append(format_unit(years, "duration-year", length="long", locale=locale))
        if months:
            parts.append(format_unit(months, "duration-month", length="long", locale=locale))
    # English keeps the report's "3 years, 2 months"; others say "3 ans et 2 mois".
    text = ", ".join(parts) if language == "en" else format_list(parts, locale=locale)
    return words.gettext("about %(duration)s") % {"duration": text} if approximate else text


def _month(month: int | None, language: str) -> str:
    if not month:
        return site_translations(language).gettext("Month not known")
    names = _locale(language).months["stand-alone"]["wide"]
    return str(names[month]).capitalize() if language != "en" else str(names[month])


def _person(person: dict[str, Any], language: str) -> None:
    words = site_translations(language)
    person["country_name"] = country_label(person.get("country"), language)
    if person.get("category"):
        person["category_label"] = words.gettext(Category(person["category"]).label)
    if person.get("release_kind"):
        person["release_kind_label"] = words.gettext(ReleaseKind(person["release_kind"]).label)
    if person.get("effective_on"):
        day = dt.date.fromisoformat(person["effective_on"])
        person["date_text"] = format_partial_date(day, person["precision"], locale=language)
    if person.get("rearrested_on"):
        day = dt.date.fromisoformat(person["rearrested_on"])
        precision = person.get("rearrested_precision") or "day"
        person["rearrested_text"] = format_partial_date(day, precision, locale=language)
    if person.get("days_detained") is not None:
        person["time_detained_text"] = duration(
            person["days_detained"], bool(person.get("days_detained_approximate")), language
        )


def localised_report(report: dict[str, Any], language: str) -> dict[str, Any]:
    """A copy of the report data whose display labels are in `language` (codes unchanged)."""
    if language == "en":
        return report
    out = copy.deepcopy(report)
    for section in ("released", "restricted", "died_in_custody"):
        for person in out[section]:
            _person(person, language)
    words = site_translations(language)
    totals = out["totals"]
    for bar in totals["by_country"]:
        bar["label"] = country_label(bar["key"], language)
    for bar in totals["by_category"]:
        bar["label"] = words.gettext(Category(bar["key"]).label)
    for bar in totals["by_release_kind"]:
        bar["label"] = words.gettext(ReleaseKind(bar["key"]).label)
    for bar in totals["by_month"]:
        bar["label"] = _month(bar["month"], language)
    return out
