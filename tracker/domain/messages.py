"""Messages for people, written in English where they arise and worded again where they are read.

`N_` marks a fixed English text for the catalogs (a label a page translates itself).

`M_` and `Mn_` make a `Message`: a `str` whose value is the English sentence, as the API, the
logs and the tests read it, that also keeps its msgid and parameters, so the layer that shows
it (tracker.i18n.translate) can word it again in its reader's language. Services raise them in
errors and stay free of any request: they never know who will read the message. A parameter
may be a Message itself, a date (English: ISO; translated: the reader's date) or a vocabulary
token (English: the token, `released`; translated: its label, "Libéré·e").

`make catalogs-extract` collects the msgids of all three (`-k N_ -k M_ -k Mn_:1,2`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping


def N_(text: str) -> str:
    """The text unchanged: `make catalogs-extract` collects it, the page shows it translated."""
    return text


class Message(str):
    """An English message (its `str` value) that can be worded again in another language."""

    msgid: str
    plural: str | None
    quantity: int | None
    params: Mapping[str, object]

    def __new__(
        cls,
        msgid: str,
        params: Mapping[str, object] | None = None,
        plural: str | None = None,
        count: int | None = None,
    ) -> Message:
        values = dict(params or {})
        if plural is not None:
            values.setdefault("num", count)
        pattern = plural if plural is not None and count != 1 else msgid
        text = pattern % {k: english(v) for k, v in values.items()} if values else pattern
        self = super().__new__(cls, text)
        self.msgid = msgid
        self.plural = plural
        self.quantity = count
        self.params = values
        return self

    def __str__(self) -> str:
        # str(error) and str(message) keep the Message, so it can still be translated.
        return self

    def __reduce__(self) -> tuple[object, ...]:
        return (Message, (self.msgid, dict(self.params), self.plural, self.quantity))


def M_(msgid: str, /, **params: object) -> Message:
    """A message with `%(name)s` parameters: `M_("%(day)s is in the future.", day=day)`."""
    return Message(msgid, params)


def Mn_(singular: str, plural: str, count: int, /, **params: object) -> Message:
    """A message whose words follow a number (`%(num)s`): ngettext's rule in each language."""
    return Message(singular, params, plural, count)


def english(value: object) -> str:
    """A parameter as the English message writes it."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def message_data(text: str) -> dict[str, object] | None:
    """A Message as JSON data (to be worded again later, by whoever reads it); None for text.

    Parameters keep their English form except nested messages and dates, which stay typed.
    """
    if not isinstance(text, Message):
        return None
    params: dict[str, object] = {}
    for name, value in text.params.items():
        if isinstance(value, Message):
            params[name] = {"message": message_data(value)}
        elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            params[name] = {"date": value.isoformat()}
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            params[name] = english(value)
        else:
            params[name] = value
    return {"msgid": text.msgid, "plural": text.plural, "count": text.quantity, "params": params}


def message_from_data(data: Mapping[str, object]) -> Message:
    """The Message that `message_data` wrote."""
    params: dict[str, object] = {}
    raw = data.get("params")
    for name, value in (raw if isinstance(raw, Mapping) else {}).items():
        if isinstance(value, Mapping) and isinstance(value.get("message"), Mapping):
            params[name] = message_from_data(value["message"])
        elif isinstance(value, Mapping) and isinstance(value.get("date"), str):
            params[name] = dt.date.fromisoformat(value["date"])
        else:
            params[name] = value
    plural, count = data.get("plural"), data.get("count")
    return Message(
        str(data["msgid"]),
        params,
        str(plural) if plural is not None else None,
        count if isinstance(count, int) else None,
    )
