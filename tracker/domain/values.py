"""The plain values people type: true/false words, web addresses and country codes."""

from __future__ import annotations

import re

import pycountry

TRUE_WORDS = frozenset({"1", "true", "yes", "y", "on"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "n", "off"})
# An http(s) address without white space or control characters (the API document's pattern).
WEB_ADDRESS_PATTERN = r"^https?://[^\x00-\x20\x7f-\x9f]+$"
_WEB_ADDRESS = re.compile(WEB_ADDRESS_PATTERN)
COUNTRY_CODES = frozenset(c.alpha_2 for c in pycountry.countries)


def parse_bool(value: object) -> bool:
    """True or False from a bool or a word (yes/no, true/false, 1/0, on/off, empty)."""
    if isinstance(value, bool):
        return value
    word = ("" if value is None else str(value)).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(word)


def is_web_address(text: str) -> bool:
    """True for an http:// or https:// address."""
    return bool(_WEB_ADDRESS.match(text))


def is_country_code(code: str) -> bool:
    """True for an ISO 3166-1 alpha-2 code in capitals (VN, IR, CN)."""
    return code in COUNTRY_CODES


def country_name(code: str) -> str:
    """The English name of an ISO 3166-1 alpha-2 code (the code itself when unknown)."""
    country = pycountry.countries.get(alpha_2=code.upper()) if code else None
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


def country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166-1 country as (code, name), by name."""
    return sorted(((c, country_name(c)) for c in COUNTRY_CODES), key=lambda pair: pair[1])
