"""E-mail: the day as one multipart/alternative message (plain text, then HTML) to the recipients of
the config file's [email] table, over SMTP with STARTTLS (default), implicit TLS, or none (for a
server on this machine only).

    [email]
    smtp_host = "smtp.example.com"
    smtp_port = 587                 # default: 587 starttls, 465 tls, 25 none
    security = "starttls"           # starttls | tls | none
    sender = "Daily Papers <papers@example.com>"
    to = ["team@example.com", "someone@example.org"]
    list = "team"                   # the list's name in the record of what was sent [default: the addresses]
    subject = "Daily Papers"        # the subject is "SUBJECT (DATE)"

SMTP_USERNAME and SMTP_PASSWORD come from the environment only, and are never logged or stored.
The server's certificate is checked against the system's CAs (or SSL_CERT_FILE). The recipients
are the envelope's only: the To header names the sender, so readers do not see one another's
addresses. The HTML is simple, inline-styled and table-free, every paper text escaped. Both parts
end with the day's ledger in one line (`13 listed, 12 published, 1 failed (checks: hard problem)`).
"""

from __future__ import annotations

import html
import smtplib
import ssl
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import TYPE_CHECKING

from dailypapers.errors import ConfigError, PublishError
from dailypapers.models import Digest, DigestEntry, format_order
from dailypapers.publish.chat import published
from dailypapers.render.footer import footer
from dailypapers.text import one_line, safe_url

if TYPE_CHECKING:
    from dailypapers.config import PublishOptions
    from dailypapers.publish import Journal

SECURITY = ("starttls", "tls", "none")
DEFAULT_PORT = {"starttls": 587, "tls": 465, "none": 25}
_LOOPBACK = ("localhost", "127.0.0.1", "::1")


@dataclass
class EmailConfig:
    """How to send the e-mail: the SMTP server and its security (`port` 0: the default for it), the
    sender and recipients, the list's name in the journal (default: the addresses), and the login."""

    host: str
    sender: str
    to: list[str]
    security: str = "starttls"
    port: int = 0  # 0: the default for the security
    list_key: str = ""
    subject: str = "Daily Papers"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 60.0

    def __post_init__(self) -> None:
        if self.security not in SECURITY:
            raise ConfigError(f"[email] security {self.security!r}: use starttls, tls or none")
        self.port = self.port or DEFAULT_PORT[self.security]
        self.list_key = self.list_key or ",".join(sorted(a.lower() for a in self.to))
        if self.username and self.security == "none" and self.host not in _LOOPBACK:
            raise ConfigError(f"[email] security = \"none\" would send SMTP_PASSWORD in clear text to "
                              f"{self.host}; use starttls or tls")

    @property
    def envelope_sender(self) -> str:
        """The sender's bare address (`papers@example.com` of `Daily Papers <papers@example.com>`)."""
        return parseaddr(self.sender)[1]


def _address(value: object, what: str) -> str:
    if not isinstance(value, str) or "@" not in parseaddr(value)[1] or any(c in value for c in "\r\n"):
        raise ConfigError(f"[email] {what}: {value!r} is not an e-mail address")
    return value.strip()


def email_config(options: PublishOptions, env: Mapping[str, str]) -> EmailConfig:
    """The e-mail settings of the [email] table, with the SMTP login from the environment."""
    table = options.email
    if not table.smtp_host:
        raise ConfigError("--to email needs an [email] table in the config file with smtp_host, sender "
                          "and to (see the README); SMTP_USERNAME and SMTP_PASSWORD go in the environment")
    if not table.to:
        raise ConfigError("[email] to: give the recipients as a list of addresses")
    return EmailConfig(host=table.smtp_host, sender=_address(table.sender, "sender"),
                       to=[_address(a, "to") for a in table.to], security=table.security,
                       port=table.smtp_port, list_key=table.list, subject=one_line(table.subject or "Daily Papers"),
                       username=env.get("SMTP_USERNAME") or None, password=env.get("SMTP_PASSWORD") or None,
                       timeout=options.timeout)


# -- the message --------------------------------------------------------------------------------------

def _links(e: DigestEntry) -> list[tuple[str, str]]:
    p = e.paper
    out = [("arXiv", p.url), ("PDF", p.pdf_url)]
    if safe_url(p.github_repo):
        out.append(("GitHub" + (f" ★{p.github_stars}" if p.github_stars is not None else ""),
                    safe_url(p.github_repo) or ""))
    if safe_url(p.project_page):
        out.append(("Project page", safe_url(p.project_page) or ""))
    return out


def subject(digest: Digest, prefix: str = "Daily Papers") -> str:
    """The subject: `PREFIX (DATE)`."""
    return f"{prefix} ({digest.date})"


def text_body(digest: Digest, prefix: str = "Daily Papers") -> str:
    """The plain-text part: each paper's title, links, authors and summary, wrapped at 76 columns."""
    entries = published(digest)
    out = [f"{subject(digest, prefix)} - {len(entries)} papers", ""]
    wrap = textwrap.TextWrapper(width=76, initial_indent="   ", subsequent_indent="   ",
                                break_long_words=False, break_on_hyphens=False)
    for n, e in enumerate(entries, 1):
        p = e.paper
        out.append(f"{n}. {one_line(p.title)}")
        out.append(f"   {p.url}")
        if p.authors:
            out.extend(wrap.wrap("Authors: " + ", ".join(one_line(a) for a in p.authors)))
        if e.upvotes is not None:
            out.append(f"   Votes: {e.upvotes}")
        out.append("")
        assert e.summary is not None
        for s in format_order(e.summary.sections):
            text = one_line(s.text)
            out.extend(wrap.wrap(f"{s.label}: {text}" if s.label else f"- {text}"))
            out.append("")
        extra = [f"{name}: {url}" for name, url in _links(e)[1:]]
        out.extend(f"   {x}" for x in extra)
        out.append("")
    out.append("-- ")
    ledger = footer(digest.ledger, digest.lang)
    if ledger:
        out.append(one_line(ledger))
    out.append("Sent by dailypapers" + _models_note(entries))
    return "\n".join(out) + "\n"


def _models_note(entries: list[DigestEntry]) -> str:
    models = sorted({e.summary.key.model for e in entries if e.summary is not None})
    return f"; summaries written by {', '.join(models)}" if models else ""


_FONT = ("font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,"
         "'Apple SD Gothic Neo','Malgun Gothic','Noto Sans KR','Hiragino Sans','Noto Sans CJK JP',"
         "sans-serif")


def html_body(digest: Digest, prefix: str = "Daily Papers") -> str:
    """Simple HTML that mail clients render alike: no tables, no scripts, no remote images, every
    style inline, every text from a paper or a model escaped."""
    esc = html.escape
    entries = published(digest)
    title = esc(subject(digest, prefix))
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{esc(digest.lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light">',
        f"<title>{title}</title>",
        "</head>",
        '<body style="margin:0;padding:0;background-color:#f4f4f5;">',
        (f'<div style="max-width:640px;margin:0 auto;padding:24px 12px;{_FONT};font-size:16px;'
         'line-height:1.6;color:#18181b;">'),
        f'<h1 style="font-size:22px;line-height:1.3;margin:0 0 4px 0;">{title}</h1>',
        f'<p style="margin:0 0 20px 0;color:#52525b;font-size:14px;">{len(entries)} papers</p>',
    ]
    for n, e in enumerate(entries, 1):
        p = e.paper
        out.append('<div style="background-color:#ffffff;border:1px solid #e4e4e7;border-radius:8px;'
                   'padding:16px 20px;margin:0 0 16px 0;">')
        out.append(f'<h2 style="font-size:18px;line-height:1.35;margin:0 0 6px 0;">'
                   f'<a href="{esc(p.url)}" style="color:#1d4ed8;text-decoration:none;">'
                   f"{n}. {esc(one_line(p.title))}</a></h2>")
        meta = []
        if p.authors:
            meta.append(esc(", ".join(one_line(a) for a in p.authors)))
        if e.upvotes is not None:
            meta.append(f"&#9650; {e.upvotes}")
        if meta:
            out.append(f'<p style="margin:0 0 12px 0;color:#52525b;font-size:14px;">{" &middot; ".join(meta)}</p>')
        assert e.summary is not None
        for s in format_order(e.summary.sections):
            label = f"<strong>{esc(s.label)}</strong>: " if s.label else "&bull; "
            out.append(f'<p style="margin:0 0 10px 0;">{label}{esc(one_line(s.text))}</p>')
        links = " &middot; ".join(f'<a href="{esc(url)}" style="color:#1d4ed8;">{esc(name)}</a>'
                                  for name, url in _links(e))
        out.append(f'<p style="margin:12px 0 0 0;font-size:14px;">{links}</p>')
        out.append("</div>")
    ledger = footer(digest.ledger, digest.lang)
    if ledger:
        out.append(f'<p style="margin:24px 0 0 0;font-size:12px;color:#71717a;">{esc(one_line(ledger))}</p>')
    out.append(f'<p style="margin:{8 if ledger else 24}px 0 0 0;font-size:12px;color:#71717a;">Sent by dailypapers'
               f"{esc(_models_note(entries))}.</p>")
    out += ["</div>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def build_message(digest: Digest, cfg: EmailConfig, date_header: str | None = None) -> EmailMessage:
    """The day as one multipart/alternative message (plain text, then HTML), addressed to the sender."""
    msg = EmailMessage()
    msg["Subject"] = subject(digest, cfg.subject)
    msg["From"] = cfg.sender
    msg["To"] = cfg.sender  # the recipients are in the envelope only
    msg["Date"] = date_header or formatdate(localtime=True)
    domain = cfg.envelope_sender.rpartition("@")[2] or None
    msg["Message-ID"] = make_msgid(f"dailypapers.{digest.date}.{digest.lang}", domain=domain)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text_body(digest, cfg.subject))
    msg.add_alternative(html_body(digest, cfg.subject), subtype="html")
    msg["Content-Language"] = digest.lang  # after the content: setting it clears Content-* headers
    return msg


# -- sending ------------------------------------------------------------------------------------------

class EmailPublisher:
    """`publish --to email`: the day as one message to the recipients of the [email] table."""

    target = "email"

    def __init__(self, cfg: EmailConfig) -> None:
        self.cfg = cfg
        self.channel = cfg.list_key

    def publish(self, digest: Digest, journal: Journal) -> list[str]:
        """Send the day once (nothing when the journal has it, or no paper has a summary); returns the
        message's id. PublishError when the server refuses it, or some of the recipients."""
        if journal.sent("message") is not None or not published(digest):
            return []
        msg = build_message(digest, self.cfg)
        refused = self.send(msg)
        message_id = str(msg["Message-ID"])
        accepted = [a for a in self.cfg.to if a not in refused]
        journal.record("message", message_id, {"recipients": len(accepted),
                                               "refused": sorted(refused)})
        if refused:
            reasons = "; ".join(f"{a}: {code} {_text(why)}" for a, (code, why) in sorted(refused.items()))
            raise PublishError(f"the SMTP server {self.where} took the message for {len(accepted)} of "
                               f"{len(self.cfg.to)} recipients and refused {reasons}; it will not be sent "
                               "again to the others (--again sends it to everyone)",
                               hint="--again sends it to everyone")
        return [message_id]

    @property
    def where(self) -> str:
        """The SMTP server as messages name it: `host:port`."""
        return f"{self.cfg.host}:{self.cfg.port}"

    def send(self, msg: EmailMessage) -> dict[str, tuple[int, bytes]]:
        """Send `msg`; returns the recipients refused (when others were taken). Once the server has
        taken the message, a failure to say goodbye is not a failure to send."""
        cfg, where = self.cfg, self.where
        context = ssl.create_default_context()
        try:
            if cfg.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout, context=context)
            else:
                smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
        except ssl.SSLError as e:
            raise PublishError(_tls_advice(where, e), hint=_TLS_HINT) from None
        except (OSError, smtplib.SMTPException) as e:
            raise PublishError(f"cannot reach the SMTP server {where}: {e}; check smtp_host, smtp_port "
                               "and security in [email]",
                               hint="check smtp_host, smtp_port and security in [email]") from None
        taken = False
        try:
            smtp.ehlo()
            if cfg.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise PublishError(f"the SMTP server {where} does not offer STARTTLS; use security = "
                                       "\"tls\" (port 465) if it speaks TLS from the start",
                                       hint="use security = \"tls\" (port 465) if the server speaks TLS from the start")
                smtp.starttls(context=context)
                smtp.ehlo()
            if cfg.username:
                smtp.login(cfg.username, cfg.password or "")
            refused = smtp.send_message(msg, from_addr=cfg.envelope_sender, to_addrs=cfg.to)
            taken = True
            return refused
        except ssl.SSLError as e:
            raise PublishError(_tls_advice(where, e), hint=_TLS_HINT) from None
        except smtplib.SMTPAuthenticationError as e:
            raise PublishError(f"the SMTP server {where} refused the login of SMTP_USERNAME: "
                               f"{e.smtp_code} {_text(e.smtp_error)}") from None
        except smtplib.SMTPNotSupportedError as e:
            raise PublishError(f"the SMTP server {where}: {e} (SMTP_USERNAME is set, but the server offers "
                               "no login on this connection)") from None
        except smtplib.SMTPRecipientsRefused as e:
            reasons = "; ".join(f"{a}: {code} {_text(why)}" for a, (code, why) in sorted(e.recipients.items()))
            raise PublishError(f"the SMTP server {where} refused every recipient: {reasons}") from None
        except smtplib.SMTPSenderRefused as e:
            raise PublishError(f"the SMTP server {where} refused the sender {e.sender}: "
                               f"{e.smtp_code} {_text(e.smtp_error)}") from None
        except smtplib.SMTPResponseException as e:
            raise PublishError(f"the SMTP server {where} answered {e.smtp_code} {_text(e.smtp_error)}") from None
        except (smtplib.SMTPException, OSError) as e:
            raise PublishError(f"sending through the SMTP server {where} failed: {type(e).__name__}: {e}") from None
        finally:
            # After a failure the connection may be in any state (half a TLS handshake): close it
            # rather than wait for an answer to QUIT that may never come.
            if taken:
                try:
                    smtp.quit()
                except (smtplib.SMTPException, OSError):
                    smtp.close()
            else:
                smtp.close()


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


_TLS_HINT = ("check security in [email] (starttls on 587, tls on 465), and set SSL_CERT_FILE if the "
             "server's certificate comes from a private CA")


def _tls_advice(where: str, e: ssl.SSLError) -> str:
    return f"TLS with the SMTP server {where} failed: {e.reason or e}; {_TLS_HINT}"


def make(options: PublishOptions, env: Mapping[str, str]) -> EmailPublisher:
    """The `email` publisher (the entry point): the [email] table and SMTP_USERNAME/SMTP_PASSWORD."""
    return EmailPublisher(email_config(options, env))
