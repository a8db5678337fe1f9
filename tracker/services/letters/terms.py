"""What a letter says of its case in words (status, category, title) and its guidance page.

All from the letter_words catalogs (tracker/letter_words, domain `letters`), not the site's: a
letter prints `{{ case.status }}` and `{{ case.category }}` in its own language, in forms fit for
a letter to an official (formal, and neutral where the person's gender would show and is not
known). The guidance page after a solidarity letter speaks to the supporter who prints it, in
their own (the site's) language, which may differ from the letter's.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale, UnknownLocaleError

from tracker.domain.custody import LetterRules
from tracker.domain.vocabulary import CATEGORY_LABELS, STATUS_LABELS, Category, Status
from tracker.services.letters.language import LanguageError, letter_language
from tracker.services.letters.words import MESSAGES, catalog_name, translations

# msgctxt of the two vocabularies: "Other" is a category, "Closed" a status.
STATUS_CONTEXT = "status"
CATEGORY_CONTEXT = "category"

# Plain strings, not N_(): they belong to the letter_words catalogs, never the site's.
TITLE = "Letter for %(name)s"

# The guidance page's messages (English is the source language).
GUIDANCE: dict[str, str] = {
    "title": "Before you post this letter",
    "intro": (
        "%(facility)s lets letters through on these conditions. Letters that break them are "
        "often held back or returned."
    ),
    "languages": "Write in",
    "envelope": "On the envelope",
    "allowed": "You may enclose",
    "forbidden": "Do not write or enclose",
    "notes": "Notes",
    "not_posted": "This page is for you: do not post it with the letter.",
}


def status_word(status: str, tag: str) -> str:
    """A custody status in the words of a letter in `tag`: "Verurteilt", "محکوم"."""
    try:
        msgid = STATUS_LABELS[Status(status)]
    except ValueError:
        return status
    return translations(catalog_name(tag)).pgettext(STATUS_CONTEXT, msgid)


def category_word(category: str, tag: str) -> str:
    """A person's category in the words of a letter in `tag`; "" when none is recorded."""
    if not category:
        return ""
    try:
        msgid = CATEGORY_LABELS[Category(category)]
    except ValueError:
        return category
    return translations(catalog_name(tag)).pgettext(CATEGORY_CONTEXT, msgid)


def title_for(name: str, tag: str) -> str:
    """The PDF title of a person's letter in the letter's language: "Lettre pour ..."."""
    return translations(catalog_name(tag)).gettext(TITLE) % {"name": name}


@dataclass(frozen=True, slots=True)
class GuidanceWords:
    """The guidance page in its reader's language: headings, and the rules' languages named."""

    lang: str
    dir: str
    script: str
    title: str
    intro_before: str
    intro_after: str
    languages_label: str
    envelope: str
    allowed: str
    forbidden: str
    notes: str
    not_posted: str
    languages: str  # the languages the facility reads, named in the reader's language


def language_names(tags: tuple[str, ...], reader: str) -> list[str]:
    """Each language tag named in the reader's language ("persan", "الفارسية")."""
    try:
        locale = letter_language(reader).locale
    except LanguageError:
        locale = Locale("en")
    names = []
    for tag in tags:
        try:
            name = Locale.parse(tag.replace("-", "_")).get_display_name(locale) or tag
        except (ValueError, UnknownLocaleError):
            name = tag
        names.append(name)
    return names


def guidance_words(reader: str, rules: LetterRules | None) -> GuidanceWords:
    """The words of the guidance page for a supporter reading `reader` (a site language)."""
    name = catalog_name(reader)
    tag = name.replace("_", "-")
    found = translations(name)
    words = {key: found.gettext(msgid) for key, msgid in GUIDANCE.items()}
    before, _, after = words["intro"].partition("%(facility)s")
    language = letter_language(tag)
    names = language_names(rules.languages, tag) if rules else []
    return GuidanceWords(
        lang=tag,
        dir=language.direction,
        script=language.script,
        title=words["title"],
        intro_before=before,
        intro_after=after,
        languages_label=words["languages"],
        envelope=words["envelope"],
        allowed=words["allowed"],
        forbidden=words["forbidden"],
        notes=words["notes"],
        not_posted=words["not_posted"],
        languages=language.separator.join(names),
    )


def catalog_messages() -> frozenset[tuple[str | None, str]]:
    """Every (msgctxt, msgid) a letter_words catalog holds: each language must have them all."""
    found: set[tuple[str | None, str]] = {(None, m) for m in MESSAGES.values()}
    found.update((STATUS_CONTEXT, m) for m in STATUS_LABELS.values())
    found.update((CATEGORY_CONTEXT, m) for m in CATEGORY_LABELS.values())
    found.update((None, m) for m in (TITLE, *GUIDANCE.values()))
    return frozenset(found)
