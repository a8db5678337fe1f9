"""Names people read, in the reader's language: statuses, categories, kinds, countries.

The domain keeps the contract's English tokens (`detained`, `VN`) for the API, CSV and CLI;
these helpers turn a token into its label through our catalogs (statuses, categories, release
kinds) or CLDR's territory names (countries), in the language Flask-Babel has chosen.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import get_locale, gettext, ngettext

from tracker.domain import values
from tracker.domain.case_fields import field_named
from tracker.domain.custody import FacilityKind, HearingKind, LetterReportKind
from tracker.domain.dates import format_partial_date
from tracker.domain.messages import N_, Message, english
from tracker.domain.vocabulary import Category, ReleaseKind, Role, Status

# What each audit action means, for the audit log page (the code stays in the row's title).
AUDIT_ACTIONS: dict[str, str] = {
    "addressee.create": N_("Addressee created"),
    "addressee.update": N_("Addressee updated"),
    "appeal.close": N_("Appeal closed"),
    "appeal.create": N_("Appeal created"),
    "appeal.expire": N_("Appeal closed at its deadline"),
    "appeal.update": N_("Appeal updated"),
    "archive.export": N_("Archive exported"),
    "archive.import": N_("Archive imported"),
    "auth.2fa_disable": N_("Two-step sign-in turned off"),
    "auth.2fa_enrol": N_("Two-step sign-in set up"),
    "auth.2fa_reset": N_("Two-step sign-in reset by an administrator"),
    "auth.code_failed": N_("Wrong sign-in code"),
    "auth.login": N_("Signed in"),
    "auth.login_blocked": N_("Sign-in blocked after too many attempts"),
    "auth.login_failed": N_("Failed sign-in"),
    "auth.logout": N_("Signed out"),
    "auth.recovery_code_used": N_("Recovery code used"),
    "auth.recovery_codes_regenerate": N_("New recovery codes made"),
    "campaign.create": N_("Campaign created"),
    "campaign.update": N_("Campaign updated"),
    "case.create": N_("Case created"),
    "case.hearing": N_("Hearing recorded"),
    "case.hearing_removed": N_("Hearing removed"),
    "case.letter_report": N_("Letter report recorded"),
    "case.letter_report_removed": N_("Letter report removed"),
    "case.photo": N_("Photo added"),
    "case.photo_remove": N_("Photo removed"),
    "case.placement": N_("Place of detention recorded"),
    "case.placement_removed": N_("Place of detention removed"),
    "case.status": N_("Status changed"),
    "case.update": N_("Case updated"),
    "cases.export": N_("Cases exported"),
    "cases.import": N_("Cases imported"),
    "demo.load": N_("Demonstration data loaded"),
    "facility.create": N_("Facility created"),
    "facility.update": N_("Facility updated"),
    "token.create": N_("API token created"),
    "token.revoke": N_("API token revoked"),
    "user.create": N_("User created"),
    "user.deactivate": N_("User deactivated"),
    "user.language": N_("Language changed"),
    "user.password": N_("Password changed"),
    "user.reactivate": N_("User reactivated"),
    "user.role": N_("Role changed"),
}


def audit_action_label(code: str) -> str:
    """An audit action in the reader's language ("Cases exported" for `cases.export`); an
    action without a label (an older code) as it was recorded."""
    label = AUDIT_ACTIONS.get(code)
    return gettext(label) if label else code


def case_field_label(name: str) -> str:
    """A case field's declared label in the reader's language ("Date of arrest" for
    `arrested_on`); a name the declaration does not hold (a field since removed) as recorded."""
    try:
        return gettext(field_named(name).label)
    except KeyError:
        return name


def status_label(token: str | None) -> str:
    """ "Detained", "Détenu·e", "محتجز" for `detained`; empty for none."""
    return gettext(Status(token).label) if token else ""


def category_label(token: str | None) -> str:
    """The category's label in the reader's language; empty for none."""
    return gettext(Category(token).label) if token else ""


def release_kind_label(token: str | None) -> str:
    """The release kind's label in the reader's language; empty for none."""
    return gettext(ReleaseKind(token).label) if token else ""


def role_label(token: str | None) -> str:
    """The staff role's label in the reader's language; empty for none."""
    return gettext(Role(token).label) if token else ""


def facility_kind_label(token: str | None) -> str:
    """A facility's kind ("Prison", "Prison", "سجن" for `prison`); the token if unknown."""
    return _kind_label(FacilityKind, token)


def hearing_kind_label(token: str | None) -> str:
    """A hearing's kind ("Trial", "Procès", "محاكمة" for `trial`); the token if unknown."""
    return _kind_label(HearingKind, token)


def letter_report_kind_label(token: str | None) -> str:
    """What became of reported letters ("Returned", "Renvoyées"…); the token if unknown."""
    return _kind_label(LetterReportKind, token)


def _kind_label(
    kinds: type[FacilityKind] | type[HearingKind] | type[LetterReportKind], token: str | None
) -> str:
    if not token:
        return ""
    try:
        return str(gettext(kinds(token).label))
    except ValueError:
        return token


def consent_giver_label(giver: str | None) -> str:
    """Who gave a consent ("person", "family", "lawyer") in the reader's language."""
    words = {
        "person": gettext("the person"),
        "family": gettext("family"),
        "lawyer": gettext("lawyer"),
    }
    return words.get(giver or "", giver or "")


def appeal_status_label(status: str | None) -> str:
    """An appeal's status (draft, active, closed) in the reader's language."""
    words = {"draft": gettext("draft"), "active": gettext("active"), "closed": gettext("closed")}
    return words.get(status or "", status or "")


def appeal_kind_label(kind: str | None) -> str:
    """The kind of an appeal (a letter or a message of solidarity) in the reader's language."""
    if not kind:
        return ""
    return gettext("Message of solidarity") if kind == "solidarity" else gettext("Appeal")


def partial_date(value: dt.date | None, precision: str = "day") -> str:
    """A date at its precision as the reader's language writes it ("mai 2015", "8 octobre 2020")."""
    return format_partial_date(value, precision, locale=_language()) if value else ""


def short_date(value: dt.date) -> str:
    """Day and abbreviated month in the reader's language ("03 Dec", "03 déc.")."""
    return str(format_date(value, "dd MMM", locale=_language()))


def number(value: float) -> str:
    """A count with the separators of the reader's language (1,204 in English)."""
    return str(format_decimal(value, locale=_language()))


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "en"


@lru_cache(maxsize=16)
def _territories(language: str) -> dict[str, str]:
    return dict(Locale.parse(language).territories)


def country_name(code: str | None, language: str | None = None) -> str:
    """The country of an ISO 3166-1 code named in the reader's language (the code if unknown).

    English keeps pycountry's names (those of the CSV and report); other languages take CLDR's
    (Babel), which name every country in each of them, where pycountry's Arabic misses some.
    """
    if not code:
        return ""
    language = language or _language()
    if language != "en":
        name = _territories(language).get(code.upper())
        if name:
            return name
    return values.country_name(code)


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    """Every country as (code, name in the reader's language), in that language's order."""
    language = language or _language()
    pairs = [(code, country_name(code, language)) for code in values.COUNTRY_CODES]
    return sorted(pairs, key=lambda pair: _sort_key(pair[1]))


def _sort_key(name: str) -> str:
    # Accents sort with their letter ("Égypte" beside "Equateur"), case aside; a simple
    # stand-in for full collation that needs no ICU.
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def translate(text: str, *, as_written: bool = False) -> str:
    """A service's message (tracker.domain.messages) in the reader's language; other text as is.

    Dates in it become the reader's dates, numbers take their separators, and statuses,
    release kinds, categories and roles their labels; `as_written` keeps every value as the
    English message writes it (ISO dates, tokens: what a CSV file and a command line carry).
    """
    if not isinstance(text, Message):
        return text
    if as_written:
        params = {
            name: translate(value, as_written=True)
            if isinstance(value, Message)
            else english(value)
            for name, value in text.params.items()
        }
    else:
        params = {name: _worded(value) for name, value in text.params.items()}
    if text.plural is not None:
        return str(ngettext(text.msgid, text.plural, text.quantity or 0, **params))
    return str(gettext(text.msgid, **params))


def _worded(value: object) -> object:
    if isinstance(value, Message):
        return translate(value)
    if isinstance(value, Status):
        return status_label(value)
    if isinstance(value, ReleaseKind):
        return release_kind_label(value)
    if isinstance(value, Category):
        return category_label(value)
    if isinstance(value, Role):
        return role_label(value)
    if isinstance(value, dt.date):
        return partial_date(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return number(value)
    return value
