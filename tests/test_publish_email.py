"""E-mail, against a real SMTP server on 127.0.0.1 (aiosmtpd): the day arrives once, as one
multipart/alternative message with a plain-text and an HTML part, to the configured recipients;
STARTTLS and implicit TLS with a certificate made in the test (trustme), credentials from the
environment and never shown."""

from __future__ import annotations

import email
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from dailypapers.config import Settings
from dailypapers.errors import ConfigError
from dailypapers.publish import MemoryJournal
from dailypapers.publish.email import (
    EmailConfig,
    EmailPublisher,
    build_message,
    email_config,
)
from tests.publish_day import (
    DATE,
    HOSTILE_TEXT,
    HOSTILE_TITLE,
    SUMMARIZED,
    UNSUMMARIZED,
    fill,
    sections_of,
    write_config,
)

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402 - after the skip when aiosmtpd is absent

SENDER = "Daily Papers <papers@example.com>"
TO = ["alice@example.com", "bob@example.org"]
USER, PASSWORD = "papers-bot", "s3cret-Pa55word!"


class Inbox:
    """An aiosmtpd handler that keeps what it is sent; `nobody@...` does not exist."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        self.logins: list[str] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.login == USER.encode() and data.password == PASSWORD.encode()
        if ok:
            self.logins.append(data.login.decode())
        return AuthResult(success=ok, handled=False)  # False: the server answers 535 itself

    def messages(self) -> list[EmailMessage]:
        return [email.message_from_bytes(e.original_content, policy=policy.default)  # type: ignore[misc]
                for e in self.envelopes]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def smtp_server(**kwargs: Any) -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    if kwargs.pop("auth", False):
        kwargs["authenticator"] = inbox.authenticate
    port = free_port()
    controller = aiosmtpd_controller.Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def email_toml(port: int, security: str = "none", to: list[str] = TO, extra: str = "") -> str:
    recipients = ", ".join(f'"{a}"' for a in to)
    return (f'[email]\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\nsecurity = "{security}"\n'
            f'sender = "{SENDER}"\nto = [{recipients}]\n{extra}')


@pytest.fixture
def day(cli: Any) -> Any:
    fill(cli.home / "dailypapers.db")
    return cli


def parts(msg: EmailMessage) -> dict[str, str]:
    return {p.get_content_type(): p.get_content() for p in msg.iter_parts()}


# -- one message, both parts, once --------------------------------------------------------------------

def test_the_day_arrives_once_as_text_and_html_to_the_recipients(day: Any) -> None:
    with smtp_server() as (inbox, port):
        write_config(day.config_home, email_toml(port))
        result = day("publish", "--date", DATE, "--to", "email")
        assert result.returncode == 0, result.stderr
        assert len(inbox.envelopes) == 1
        envelope = inbox.envelopes[0]
        assert envelope.mail_from == "papers@example.com"
        assert envelope.rcpt_tos == TO
        msg = inbox.messages()[0]

        assert msg["Subject"] == "Daily Papers (2025-02-03)"
        assert msg["From"] == SENDER and msg["To"] == SENDER  # readers do not see one another
        assert msg["Message-ID"] and msg["Date"] and msg["Content-Language"] == "ko"
        assert msg.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
        assert all(p.get_content_charset() == "utf-8" for p in msg.iter_parts())
        body = parts(msg)
        for pid in SUMMARIZED:
            assert f"https://arxiv.org/abs/{pid}" in body["text/plain"]
            assert f"https://arxiv.org/abs/{pid}" in body["text/html"]
            for section in sections_of(pid)[:2]:
                assert section.split(". ")[0] in " ".join(body["text/plain"].split())
        for pid in UNSUMMARIZED:
            assert pid not in body["text/plain"] and pid not in body["text/html"]
        assert "left out 1 papers with no summary: 2502.00404" in result.stderr
        assert f"email ({','.join(TO)}) 2025-02-03 [ko]: sent 1 message(s) for 4 papers" in result.stderr

        again = day("publish", "--date", DATE, "--to", "email")
        assert again.returncode == 0 and len(inbox.envelopes) == 1
        assert "sent before; nothing sent" in again.stderr

        forced = day("publish", "--date", DATE, "--to", "email", "--again")
        assert forced.returncode == 0 and len(inbox.envelopes) == 2
        assert inbox.messages()[1]["Message-ID"] != msg["Message-ID"]
    rows = sqlite3.connect(day.home / "dailypapers.db").execute(
        "SELECT target, channel, date, lang, part FROM publications ORDER BY part").fetchall()
    assert rows == [("email", ",".join(TO), DATE, "ko", "*"), ("email", ",".join(TO), DATE, "ko", "message")]


def test_a_named_list_and_subject(day: Any) -> None:
    with smtp_server() as (inbox, port):
        write_config(day.config_home, email_toml(port, extra='list = "team"\nsubject = "오늘의 논문"\n'))
        assert day("publish", "--date", DATE, "--to", "email").returncode == 0
        write_config(day.config_home, email_toml(port, to=TO + ["carol@example.net"],
                                                 extra='list = "team"\nsubject = "오늘의 논문"\n'))
        second = day("publish", "--date", DATE, "--to", "email")  # the same list, one reader more
        assert "email (team)" in second.stderr and "sent before" in second.stderr
        assert len(inbox.envelopes) == 1
        assert inbox.messages()[0]["Subject"] == "오늘의 논문 (2025-02-03)"


# -- what the HTML may hold ---------------------------------------------------------------------------

class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs.update(k for k, _ in attrs)
        self.hrefs += [v or "" for k, v in attrs if k == "href"]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_hostile_text_is_escaped_and_the_html_is_simple(day: Any) -> None:
    with smtp_server() as (inbox, port):
        write_config(day.config_home, email_toml(port))
        assert day("publish", "--date", DATE, "--to", "email").returncode == 0
        body = parts(inbox.messages()[0])
    page = body["text/html"]
    assert "&lt;script&gt;" in page and "<script" not in page
    tags = _Tags()
    tags.feed(page)
    assert tags.tags <= {"html", "head", "meta", "title", "body", "div", "h1", "h2", "p", "a", "strong"}
    assert tags.attrs <= {"lang", "charset", "name", "content", "style", "href"}
    assert all(h.startswith("https://") for h in tags.hrefs)  # javascript: from a paper is dropped
    assert "https://example.org/p?a=1&b=2" in tags.hrefs and "p?a=1&amp;b=2" in page  # escaped in the attribute
    shown = "".join(tags.text)
    assert HOSTILE_TITLE in shown and HOSTILE_TEXT in shown  # shown as text, whole
    assert HOSTILE_TITLE in body["text/plain"]
    assert "<table" not in page and "<img" not in page and 'style="' in page


def test_build_message_is_pure(tmp_path: Path) -> None:
    fill(tmp_path / "d.db")
    from dailypapers import pipeline
    from dailypapers.store import Store

    store = Store.open(tmp_path / "d.db")
    d = pipeline.digest(store, DATE, "ko")
    cfg = EmailConfig(host="localhost", sender=SENDER, to=TO, security="none")
    one = build_message(d, cfg, "Mon, 03 Feb 2025 08:00:00 +0900")
    two = build_message(d, cfg, "Mon, 03 Feb 2025 08:00:00 +0900")
    assert parts(one) == parts(two) and one["Message-ID"] != two["Message-ID"]
    assert one["Message-ID"].endswith("@example.com>")


# -- TLS and credentials ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> Any:
    trustme = pytest.importorskip("trustme")
    authority = trustme.CA()
    folder = tmp_path_factory.mktemp("ca")
    authority.cert_pem.write_to_path(str(folder / "ca.pem"))
    authority.pem_path = folder / "ca.pem"
    other = trustme.CA()
    other.cert_pem.write_to_path(str(folder / "other.pem"))
    authority.other_pem_path = folder / "other.pem"
    return authority


def server_context(ca: Any) -> Any:
    import ssl

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(ctx)
    return ctx


def test_starttls_with_a_login_from_the_environment(day: Any, ca: Any) -> None:
    with smtp_server(tls_context=server_context(ca), require_starttls=True, auth=True,
                     auth_require_tls=True) as (inbox, port):
        write_config(day.config_home, email_toml(port, "starttls"))
        creds = {"SMTP_USERNAME": USER, "SMTP_PASSWORD": PASSWORD}

        untrusted = day("publish", "--date", DATE, "--to", "email",
                        env={**creds, "SSL_CERT_FILE": str(ca.other_pem_path)})
        assert untrusted.returncode == 1 and "TLS" in untrusted.stderr and "SSL_CERT_FILE" in untrusted.stderr
        assert inbox.envelopes == []

        wrong = day("publish", "--date", DATE, "--to", "email",
                    env={"SMTP_USERNAME": USER, "SMTP_PASSWORD": "wrong-password", "SSL_CERT_FILE": str(ca.pem_path)})
        assert wrong.returncode == 1 and "refused the login" in wrong.stderr
        assert "wrong-password" not in wrong.stderr + wrong.stdout

        result = day("publish", "--date", DATE, "--to", "email", env={**creds, "SSL_CERT_FILE": str(ca.pem_path)})
        assert result.returncode == 0, result.stderr
        assert len(inbox.envelopes) == 1 and inbox.logins == [USER]
        assert inbox.envelopes[0].rcpt_tos == TO
    for out in (untrusted, wrong, result):
        assert PASSWORD not in out.stderr + out.stdout
    assert PASSWORD.encode() not in (day.home / "dailypapers.db").read_bytes()


def test_implicit_tls(day: Any, ca: Any) -> None:
    with smtp_server(ssl_context=server_context(ca)) as (inbox, port):
        write_config(day.config_home, email_toml(port, "tls"))
        result = day("publish", "--date", DATE, "--to", "email", env={"SSL_CERT_FILE": str(ca.pem_path)})
        assert result.returncode == 0, result.stderr
        assert len(inbox.envelopes) == 1


def test_starttls_is_required_when_asked_for(day: Any) -> None:
    with smtp_server() as (inbox, port):  # a server that offers no STARTTLS
        write_config(day.config_home, email_toml(port, "starttls"))
        result = day("publish", "--date", DATE, "--to", "email")
        assert result.returncode == 1 and "does not offer STARTTLS" in result.stderr
        assert inbox.envelopes == []


def test_no_password_in_clear_text_to_another_host(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, email={"smtp_host": "mail.example.com", "security": "none",
                                              "sender": "a@example.com", "to": ["b@example.com"]})
    with pytest.raises(ConfigError, match="clear text"):
        email_config(settings, {"SMTP_USERNAME": "u", "SMTP_PASSWORD": "p"})
    assert email_config(settings, {}).port == 25
    assert repr(EmailConfig("h", "a@b.c", ["d@e.f"], password="hidden")).count("hidden") == 0


# -- failures -----------------------------------------------------------------------------------------

def test_a_server_that_cannot_be_reached_sends_nothing_and_a_retry_sends(day: Any) -> None:
    port = free_port()
    write_config(day.config_home, email_toml(port))
    down = day("publish", "--date", DATE, "--to", "email")
    assert down.returncode == 1 and f"cannot reach the SMTP server 127.0.0.1:{port}" in down.stderr
    with smtp_server() as (inbox, live_port):
        write_config(day.config_home, email_toml(live_port))
        assert day("publish", "--date", DATE, "--to", "email").returncode == 0
        assert len(inbox.envelopes) == 1


def test_a_refused_recipient_is_reported_and_the_others_are_not_sent_twice(day: Any) -> None:
    with smtp_server() as (inbox, port):
        write_config(day.config_home, email_toml(port, to=["alice@example.com", "nobody@example.com"]))
        result = day("publish", "--date", DATE, "--to", "email")
        assert result.returncode == 1 and "nobody@example.com: 550" in result.stderr
        assert inbox.envelopes[0].rcpt_tos == ["alice@example.com"]
        again = day("publish", "--date", DATE, "--to", "email")
        assert again.returncode == 0 and len(inbox.envelopes) == 1


def test_every_recipient_refused_is_a_failure_with_nothing_recorded(day: Any) -> None:
    with smtp_server() as (_, port):
        write_config(day.config_home, email_toml(port, to=["nobody@example.com"]))
        result = day("publish", "--date", DATE, "--to", "email")
        assert result.returncode == 1 and "refused every recipient" in result.stderr
    assert sqlite3.connect(day.home / "dailypapers.db").execute("SELECT count(*) FROM publications").fetchone() == (0,)


@pytest.mark.parametrize("table, message", [
    ('[email]\nsmtp_host = "h"\nsender = "a@b.c"\nto = ["d@e.f"]\npassword = "x"\n', "environment"),
    ('[email]\nsmtp_host = "h"\nto = ["d@e.f"]\n', "sender"),
    ('[email]\nsmtp_host = "h"\nsender = "a@b.c"\nto = []\n', "recipients"),
    ('[email]\nsmtp_host = "h"\nsender = "a@b.c"\nto = ["d@e.f"]\nsecurity = "ssl"\n', "use one of: starttls, tls, none"),
    ('[email]\nsmtp_host = "h"\nsender = "a@b.c"\nto = ["not an address"]\n', "not an e-mail address"),
    ('[email]\nhost = "h"\n', "unknown setting 'host' in [email]"),
    ("", "[email]"),
])
def test_bad_email_settings_stop_before_sending(day: Any, table: str, message: str) -> None:
    write_config(day.config_home, table)
    result = day("publish", "--date", DATE, "--to", "email")
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert '"x"' not in result.stderr


def test_no_summaries_no_mail(cli: Any) -> None:
    with smtp_server() as (inbox, port):
        write_config(cli.config_home, email_toml(port))
        result = cli("publish", "--date", DATE, "--to", "email")
        assert result.returncode == 1 and "no papers for 2025-02-03" in result.stderr
        assert inbox.envelopes == []


def test_the_publisher_alone(tmp_path: Path) -> None:
    """The publisher without the CLI or the store: the journal is what keeps it to one send."""
    fill(tmp_path / "d.db")
    from dailypapers import pipeline
    from dailypapers.store import Store

    d = pipeline.digest(Store.open(tmp_path / "d.db"), DATE, "ko")
    with smtp_server() as (inbox, port):
        pub = EmailPublisher(EmailConfig("127.0.0.1", SENDER, TO, security="none", port=port))
        journal = MemoryJournal()
        assert len(pub.publish(d, journal)) == 1
        assert pub.publish(d, journal) == []
        assert len(inbox.envelopes) == 1
