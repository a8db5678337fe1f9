"""The reader's language: which one a request gets, Flask-Babel, and the language switcher.

A page speaks `?lang=TAG` when we ship that language (the choice is remembered in a cookie),
else the language of that cookie, else the best of the browser's `Accept-Language`, else
`DEFAULT_LANGUAGE`. Outside a request (CLI, worker, mail) it is `DEFAULT_LANGUAGE` unless the
caller forces one (`flask_babel.force_locale`, as the reminders digest does per user).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, Response, current_app, g, has_request_context, request
from flask_babel import Babel, get_locale

# The languages the site ships, each named in itself (how a reader finds their own).
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "ar": "العربية",
}
# Scripts written right to left, by primary language subtag.
RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ur", "ps", "yi", "dv", "ckb", "sd", "ug"})
COOKIE_NAME = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"

babel = Babel()


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with our language choice, the cookie and the template helpers."""
    app.config.setdefault("LANGUAGES", tuple(LANGUAGE_NAMES))
    app.config.setdefault("DEFAULT_LANGUAGE", "en")
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["DEFAULT_LANGUAGE"])
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    if app.config["DEFAULT_LANGUAGE"] not in app.config["LANGUAGES"]:
        raise ValueError(
            f"DEFAULT_LANGUAGE {app.config['DEFAULT_LANGUAGE']!r} is not one of LANGUAGES "
            f"({', '.join(app.config['LANGUAGES'])})"
        )
    babel.init_app(app, locale_selector=current_language)
    app.after_request(_remember_choice)
    app.context_processor(_template_helpers)


def shipped(tag: str | None) -> str | None:
    """The shipped language a tag names ("fr", "FR", "fr-CA", "fr_FR" -> "fr"), else None."""
    if not tag:
        return None
    languages = current_app.config["LANGUAGES"]
    wanted = tag.strip().replace("_", "-").lower()
    if wanted in languages:
        return wanted
    primary = wanted.split("-", 1)[0]
    return primary if primary in languages else None


def requested_language() -> str | None:
    """The language of a valid `?lang=` on this request (an unknown tag is ignored)."""
    return shipped(request.args.get("lang")) if has_request_context() else None


def current_language() -> str:
    """The language this request is served in (Flask-Babel's locale selector)."""
    default = str(current_app.config["DEFAULT_LANGUAGE"])
    if not has_request_context():
        return default
    cached = g.get("_language")
    if cached:
        return str(cached)
    chosen = (
        requested_language()
        or shipped(request.cookies.get(COOKIE_NAME))
        or request.accept_languages.best_match(current_app.config["LANGUAGES"])
        or default
    )
    g._language = chosen
    return chosen


def direction(tag: str) -> str:
    """ "rtl" for a language written right to left, else "ltr"."""
    return "rtl" if tag.replace("_", "-").split("-", 1)[0].lower() in RIGHT_TO_LEFT else "ltr"


def _remember_choice(response: Response) -> Response:
    if request.endpoint == "static":
        return response
    chosen = requested_language()
    if chosen and request.cookies.get(COOKIE_NAME) != chosen:
        set_language_cookie(response, chosen)
    # The same address answers in several languages: caches must key on what chooses one.
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


def set_language_cookie(response: Response, language: str) -> None:
    """Remember a reader's language for a year (sent back on every page of the site)."""
    response.set_cookie(
        COOKIE_NAME,
        language,
        max_age=COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=bool(current_app.config.get("HTTPS")),
    )


@dataclass(frozen=True)
class LanguageLink:
    """One entry of the language switcher."""

    tag: str
    name: str
    href: str
    current: bool


def switcher_links() -> list[LanguageLink]:
    """A link per shipped language to this same page in that language.

    Each href is a query-only relative reference ("?page=2&lang=fr"): the browser resolves it
    against the page it is on, so it can only lead back to this path, never to another site.
    The sign-in page's `next` is carried only when it is a path of this site.
    """
    from tracker.web.auth import safe_next

    here = current_language()
    kept = [
        (k, v)
        for k, v in request.args.items(multi=True)
        if k != "lang" and (k != "next" or safe_next(v) == v)
    ]
    return [
        LanguageLink(
            tag=tag,
            name=LANGUAGE_NAMES.get(tag, tag),
            href="?" + urlencode([*kept, ("lang", tag)]),
            current=tag == here,
        )
        for tag in current_app.config["LANGUAGES"]
    ]


def _template_helpers() -> dict[str, object]:
    # get_locale() rather than current_language(): it honours force_locale (mail per user).
    language = str(get_locale() or current_language())
    return {
        "current_language": language,
        "text_direction": direction(language),
        "language_links": switcher_links,
    }
