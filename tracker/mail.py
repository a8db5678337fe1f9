"""Outgoing mail over SMTP: TRACKER_MAIL_URL (smtp://, smtp+starttls:// or smtps://) and _FROM."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from urllib.parse import unquote, urlsplit

from tracker.domain.messages import M_

SCHEMES = {"smtp": "plain", "smtp+starttls": "starttls", "smtps": "ssl"}


class MailConfigError(ValueError):
    """TRACKER_MAIL_URL or TRACKER_MAIL_FROM cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class MailSettings:
    """Where and how to send, and the From address."""

    host: str
    port: int
    security: str
    username: str
    password: str
    sender: str

    def describe(self) -> str:
        """The server, without the password."""
        user = f"{self.username}@" if self.username else ""
        return f"{self.security} SMTP {user}{self.host}:{self.port}, from {self.sender}"


def mail_settings(config: Mapping[str, Any]) -> MailSettings | None:
    """The mail settings, or None when mail is not configured; MailConfigError when wrong."""
    url = str(config.get("MAIL_URL") or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    security = SCHEMES.get(parts.scheme)
    if security is None or not parts.hostname:
        raise MailConfigError(
            M_(
                "TRACKER_MAIL_URL must look like smtp://host:port, "
                "smtp+starttls://user:pass@host:587 or smtps://user:pass@host:465"
            )
        )
    sender = str(config.get("MAIL_FROM") or "").strip()
    if "@" not in sender:
        raise MailConfigError(M_("TRACKER_MAIL_FROM must be the address mail is sent from."))
    try:
        port = parts.port or (465 if security == "ssl" else 25)
    except ValueError:
        raise MailConfigError(M_("TRACKER_MAIL_URL has a port that is not a number.")) from None
    return MailSettings(
        host=parts.hostname,
        port=port,
        security=security,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        sender=sender,
    )


def message(settings: MailSettings, to: str, subject: str, text: str, html: str) -> EmailMessage:
    """A plain-text mail with an HTML alternative."""
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=settings.sender.rsplit("@", 1)[1])
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def send(settings: MailSettings, messages: Iterable[EmailMessage], timeout: float = 30) -> int:
    """Send the messages over one SMTP connection; how many were sent."""
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.security == "ssl":
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
    sent = 0
    with smtp:
        if settings.security == "starttls":
            smtp.starttls(context=context)
        if settings.username:
            smtp.login(settings.username, settings.password)
        for msg in messages:
            smtp.send_message(msg)
            sent += 1
    return sent
