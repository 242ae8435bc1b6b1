"""`dailypapers config` (every setting in effect and where it came from, secrets never shown) and
`dailypapers doctor` (each configured service asked one small thing, with what to fix), against
real servers on 127.0.0.1; and the config file's misspelled keys and a DAILYPAPERS_CONFIG that
names no file."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from dailypapers.config import explain_settings
from tests import test_publish_email
from tests.conftest import UNREACHABLE
from tests.fakes import Answer, FakeArxiv, FakeHF, FakeLLM, Fixed, json_answer
from tests.publish_day import write_config
from tests.test_publish_chat import CHAT_ID, DISCORD_PATH, TOKEN, FakeDiscord, FakeSlack, FakeTelegram
from tests.test_publish_email import PASSWORD, USER, email_toml, server_context, smtp_server

tls_ca = test_publish_email.ca  # the fixture (as `tls_ca` here): a CA the SMTP fake's certificate comes from

KEY = "sk-test-Very-Secret-Key-0123456789"
SECRETS = {
    "OPENAI_API_KEY": KEY,
    "HF_TOKEN": "hf_SecretHuggingFaceToken42",
    "SMTP_USERNAME": USER,
    "SMTP_PASSWORD": PASSWORD,
    "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T0AB/B0CD/slackWebhookSecretPart",
    "SLACK_BOT_TOKEN": "xoxb-test-token",
    "DISCORD_WEBHOOK_URL": "https://discord.com/api/webhooks/111/discordWebhookSecretPart",
    "TELEGRAM_BOT_TOKEN": TOKEN,
}


def _reply(body: dict[str, Any]) -> str:
    return "{}"


def _lines(out: str) -> dict[str, str]:
    """doctor's lines by service: `STATUS SERVICE: DETAIL`."""
    found = {}
    for line in out.splitlines():
        m = re.match(r"(ok|failed|skipped)\s+([\w-]+): (.*)$", line)
        assert m, f"not a check line: {line!r}"
        found[m.group(2)] = f"{m.group(1)} {m.group(3)}"
    return found


# -- config ---------------------------------------------------------------------------------------

def test_config_says_where_each_setting_came_from(cli: Any) -> None:
    path = write_config(cli.config_home, 'concurrency = 3\nlang = "en"\n[email]\nsmtp_host = "mail.example.com"\n')
    env = {"DAILYPAPERS_TIMEOUT": "7", "DAILYPAPERS_LANG": "ja"}
    r = cli("config", "--json", env=env)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["config_file"] == {"path": str(path), "exists": True}
    s = out["settings"]
    assert s["home"] == {"value": str(cli.home), "origin": "option", "where": None}
    assert s["timeout"] == {"value": 7.0, "origin": "environment", "where": "DAILYPAPERS_TIMEOUT"}
    assert s["concurrency"] == {"value": 3, "origin": "file", "where": str(path)}
    assert s["lang"] == {"value": "ja", "origin": "environment", "where": "DAILYPAPERS_LANG"}  # env beats file
    assert s["retries"] == {"value": 4, "origin": "default", "where": None}
    assert s["email.smtp_host"] == {"value": "mail.example.com", "origin": "file", "where": str(path)}
    assert s["email.security"] == {"value": "starttls", "origin": "default", "where": None}
    assert s["chat.services"] == {"value": [], "origin": "default", "where": None}

    text = cli("config", env=env)
    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines()[0] == f"config file: {path} (read)"
    assert re.search(r"^  concurrency +3 +file$", text.stdout, re.M)
    assert re.search(r"^  timeout +7\.0 +environment DAILYPAPERS_TIMEOUT$", text.stdout, re.M)
    assert re.search(rf"^  home +{re.escape(str(cli.home))} +option$", text.stdout, re.M)
    assert re.search(r"^  checks +standard +default$", text.stdout, re.M)


def test_each_origin_in_the_order_of_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One setting given in all four places, then taken away from the strongest, one by one."""
    cfg = tmp_path / "config.toml"
    cfg.write_text("concurrency = 3\n", encoding="utf-8")
    monkeypatch.setenv("DAILYPAPERS_CONFIG", str(cfg))
    monkeypatch.setenv("DAILYPAPERS_CONCURRENCY", "4")
    seen = []
    for flags in ({"concurrency": 5}, {}):
        e = explain_settings(home=tmp_path, **flags)
        seen.append((e.settings.concurrency, e.origins["concurrency"].kind, e.origins["concurrency"].where))
    monkeypatch.delenv("DAILYPAPERS_CONCURRENCY")
    e = explain_settings(home=tmp_path)
    seen.append((e.settings.concurrency, e.origins["concurrency"].kind, e.origins["concurrency"].where))
    cfg.write_text("", encoding="utf-8")
    e = explain_settings(home=tmp_path)
    seen.append((e.settings.concurrency, e.origins["concurrency"].kind, e.origins["concurrency"].where))
    assert seen == [(5, "option", ""), (4, "environment", "DAILYPAPERS_CONCURRENCY"), (3, "file", str(cfg)),
                    (8, "default", "")]


def test_secrets_are_never_shown(cli: Any) -> None:
    write_config(cli.config_home, 'openai_base_url = "https://proxyuser:urlPassw0rd@llm.example.com/v1"\n')
    for args in (("config",), ("config", "--json")):
        r = cli(*args, env=SECRETS)
        assert r.returncode == 0, r.stderr
        shown = r.stdout + r.stderr
        for name, value in SECRETS.items():
            assert value not in shown, name
        assert "slackWebhookSecretPart" not in shown and "discordWebhookSecretPart" not in shown
        assert "urlPassw0rd" not in shown and "https://***@llm.example.com/v1" in shown
    secrets = json.loads(r.stdout)["secrets"]
    assert secrets == {name: {"set": True} for name in SECRETS}
    assert all(json.loads(cli("config", "--json").stdout)["secrets"][n] == {"set": False} for n in SECRETS)


def test_without_a_config_file_everything_is_from_the_defaults(cli: Any) -> None:
    r = cli("config", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["config_file"] == {"path": str(cli.config_home / "dailypapers" / "config.toml"), "exists": False}
    origins = {name: v["origin"] for name, v in out["settings"].items()}
    # The test environment points the hosts on the internet at a closed port (conftest.py).
    assert {n for n, o in origins.items() if o != "default"} == {"home", "hf_endpoint", "arxiv_api_url", "arxiv_url"}
    assert origins["home"] == "option" and origins["hf_endpoint"] == "environment"
    assert "(not found" in cli("config").stdout.splitlines()[0]


# -- the config file's mistakes ---------------------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ("concurency = 3\n", "unknown setting 'concurency' in {path}; did you mean 'concurrency'?"),
    ('[email]\nsmtp_hots = "mail.example.com"\n',
     "unknown setting 'smtp_hots' in [email] of {path}; did you mean 'smtp_host'?"),
    ('[chat]\nslack_chanel = "#papers"\n',
     "unknown setting 'slack_chanel' in [chat] of {path}; did you mean 'slack_channel'?"),
    ('sender = "a@example.com"\n', "unknown setting 'sender' in {path}; did you mean to put it in the [email] table?"),
    ("frobnicate = 1\n", "unknown setting 'frobnicate' in {path}; `dailypapers config` lists every setting"),
])
def test_a_misspelled_key_is_an_error_with_a_suggestion(cli: Any, text: str, message: str) -> None:
    path = write_config(cli.config_home, text)
    for command in ("config", "list"):
        r = cli(command)
        assert r.returncode == 2, r.stderr
        assert r.stderr.strip() == f"error: {message.format(path=path)}"


def test_a_secret_in_the_config_file_is_refused_by_its_variable(cli: Any) -> None:
    path = write_config(cli.config_home, f'openai_api_key = "{KEY}"\n')
    r = cli("config")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.strip() == (f"error: config file {path}: keep openai_api_key out of it; secrets come from the "
                                "environment only (OPENAI_API_KEY)")


def test_a_config_file_named_in_the_environment_must_exist(cli: Any, tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "confg.toml"
    for command in ("config", "list", "doctor"):
        r = cli(command, env={"DAILYPAPERS_CONFIG": str(missing)})
        assert r.returncode == 2 and str(missing) in r.stderr and "does not exist" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr and r.stdout == ""
    assert cli("list").returncode == 0  # the default file, absent, is fine


# -- doctor ---------------------------------------------------------------------------------------

def test_doctor_asks_each_configured_service_once_and_posts_nothing(cli: Any, tls_ca: Any) -> None:
    with FakeLLM(_reply, api_key=KEY) as llm, FakeHF() as hf, FakeArxiv() as arxiv, \
            FakeSlack() as slack, FakeTelegram() as telegram, FakeDiscord() as discord, \
            smtp_server(tls_context=server_context(tls_ca), require_starttls=True, auth=True,
                        auth_require_tls=True) as (inbox, port):
        write_config(cli.config_home, email_toml(port, "starttls")
                     + f'[chat]\nslack_channel = "#papers"\ntelegram_chat_id = "{CHAT_ID}"\n')
        env = {**SECRETS, "OPENAI_BASE_URL": f"{llm.url}/v1", "HF_ENDPOINT": hf.url,
               "DAILYPAPERS_ARXIV_API_URL": f"{arxiv.url}/api/query", "DAILYPAPERS_ARXIV_DELAY": "0",
               "SLACK_API_URL": f"{slack.url}/api", "TELEGRAM_API_URL": telegram.url,
               "DISCORD_WEBHOOK_URL": discord.url + DISCORD_PATH, "SSL_CERT_FILE": str(tls_ca.pem_path)}
        r = cli("doctor", "--llm", "openai/gpt-4o-mini", env=env)
        assert r.returncode == 0, r.stdout + r.stderr
        lines = _lines(r.stdout)
        assert {s: line.split()[0] for s, line in lines.items()} == {
            "llm": "ok", "hf": "ok", "arxiv": "ok", "discord": "ok", "email": "ok", "site": "skipped",
            "slack": "ok", "telegram": "ok"}
        assert "digest-bot of Lab" in lines["slack"] and "@papers_bot" in lines["telegram"]
        assert "no mail was sent" in lines["email"] and "STARTTLS" in lines["email"]
        assert "test post is not made" in lines["discord"]
        # Each asked once, and nothing posted or sent anywhere.
        assert len(llm.pings) == 1 and llm.requests == []
        assert [(q.path, q.query["limit"]) for q in hf.requests] == [("/api/daily_papers", ["1"])]
        assert [q.path for q in arxiv.requests] == ["/api/query"]
        assert [q.path for q in slack.requests] == ["/api/auth.test"] and slack.accepted == []
        assert [q.path for q in telegram.requests] == [f"/bot{TOKEN}/getMe"] and telegram.accepted == []
        assert discord.requests == []
        assert inbox.logins == [USER] and inbox.envelopes == []
        js = cli("doctor", "--llm", "openai/gpt-4o-mini", "--json", env=env)
    assert js.returncode == 0, js.stderr
    report = json.loads(js.stdout)
    assert report["ok"] is True and [c["status"] for c in report["checks"] if c["service"] == "llm"] == ["ok"]
    for out in (r, js):
        for name, value in SECRETS.items():
            assert value not in out.stdout + out.stderr, name


def test_doctor_asks_only_what_is_configured(cli: Any) -> None:
    with FakeHF() as hf, FakeArxiv() as arxiv, FakeSlack() as slack:
        env = {"HF_ENDPOINT": hf.url, "DAILYPAPERS_ARXIV_API_URL": f"{arxiv.url}/api/query",
               "DAILYPAPERS_ARXIV_DELAY": "0", "SLACK_API_URL": f"{slack.url}/api"}
        r = cli("doctor", env=env)
        assert slack.requests == []
    assert r.returncode == 0, r.stdout + r.stderr
    lines = _lines(r.stdout)
    assert lines["llm"].startswith("skipped not configured") and "--llm" in lines["llm"]
    assert lines["hf"].startswith("ok") and lines["arxiv"].startswith("ok")
    assert lines["email"].startswith("skipped not configured") and "[email]" in lines["email"]
    assert lines["slack"].startswith("skipped not configured") and "SLACK_WEBHOOK_URL" in lines["slack"]


@pytest.fixture
def sources() -> Any:
    with FakeHF() as hf, FakeArxiv() as arxiv:
        yield {"HF_ENDPOINT": hf.url, "DAILYPAPERS_ARXIV_API_URL": f"{arxiv.url}/api/query",
               "DAILYPAPERS_ARXIV_DELAY": "0"}


def test_a_wrong_key_fails_with_the_fix(cli: Any, sources: dict[str, str]) -> None:
    with FakeLLM(_reply, api_key=KEY) as llm:
        wrong = "sk-wrong-Key-That-Must-Not-Show-999"
        r = cli("doctor", "--llm", "openai/gpt-4o-mini",
                env={**sources, "OPENAI_BASE_URL": f"{llm.url}/v1", "OPENAI_API_KEY": wrong})
        assert len(llm.pings) == 1
    assert r.returncode == 1
    line = _lines(r.stdout)["llm"]
    assert line.startswith("failed") and "rejected the credentials (HTTP 401)" in line and "OPENAI_API_KEY" in line
    assert wrong not in r.stdout + r.stderr
    report = json.loads(cli("doctor", "--llm", "openai/gpt-4o-mini", "--json",
                            env={**sources, "OPENAI_BASE_URL": UNREACHABLE + "/v1", "OPENAI_API_KEY": wrong}).stdout)
    [llm_check] = [c for c in report["checks"] if c["service"] == "llm"]
    assert report["ok"] is False and llm_check["status"] == "failed"
    assert "cannot reach" in llm_check["detail"] and "OPENAI_BASE_URL" in llm_check["fix"]


def test_an_unreachable_host_fails_each_with_its_fix(cli: Any) -> None:
    """The test environment points Hugging Face, arXiv and the LLM at a closed port."""
    r = cli("doctor", "--llm", "openai-compatible/m", env={"OPENAI_BASE_URL": UNREACHABLE + "/v1"})
    assert r.returncode == 1
    lines = _lines(r.stdout)
    assert lines["llm"].startswith("failed cannot reach") and "fix: check OPENAI_BASE_URL" not in lines["hf"]
    assert "OPENAI_BASE_URL" in lines["llm"]
    assert lines["hf"].startswith("failed") and "HF_ENDPOINT" in lines["hf"]
    assert lines["arxiv"].startswith("failed") and "fix: check the network and DAILYPAPERS_ARXIV_API_URL" in lines["arxiv"]


def test_a_model_the_server_does_not_have(cli: Any, sources: dict[str, str]) -> None:
    error = {"error": {"message": "The model `gpt-nope` does not exist", "code": "model_not_found"}}
    with Fixed(json_answer(error, 404)) as server:
        r = cli("doctor", "--llm", "openai-compatible/gpt-nope", env={**sources, "OPENAI_BASE_URL": f"{server.url}/v1"})
    assert r.returncode == 1
    line = _lines(r.stdout)["llm"]
    assert line.startswith("failed") and "no such model or endpoint (HTTP 404)" in line
    assert "fix: check the model name (gpt-nope) and the base URL" in line


def test_a_busy_llm_is_a_failure_not_an_ok(cli: Any, sources: dict[str, str]) -> None:
    with Fixed(Answer(503, b'{"error": "overloaded"}')) as server:
        r = cli("doctor", "--llm", "openai-compatible/m", env={**sources, "OPENAI_BASE_URL": f"{server.url}/v1"})
        assert len(server.requests) == 1  # no retries
    assert r.returncode == 1 and _lines(r.stdout)["llm"].startswith("failed") and "HTTP 503" in r.stdout


def test_wrong_chat_and_smtp_credentials_fail_with_the_fix(cli: Any, sources: dict[str, str], tls_ca: Any) -> None:
    with FakeSlack() as slack, FakeTelegram() as telegram, \
            smtp_server(tls_context=server_context(tls_ca), require_starttls=True, auth=True,
                        auth_require_tls=True) as (inbox, port):
        write_config(cli.config_home, email_toml(port, "starttls"))
        bad = {"SLACK_BOT_TOKEN": "xoxb-revoked-Secret-Token", "SLACK_CHANNEL": "#papers",
               "SLACK_API_URL": f"{slack.url}/api", "TELEGRAM_BOT_TOKEN": "999:Wrong-Telegram-Secret",
               "TELEGRAM_CHAT_ID": CHAT_ID, "TELEGRAM_API_URL": telegram.url,
               "SMTP_USERNAME": USER, "SMTP_PASSWORD": "wrong-Smtp-Password",
               "SSL_CERT_FILE": str(tls_ca.pem_path), "DISCORD_WEBHOOK_URL": "discord.com/api/webhooks/1/discordSecret"}
        r = cli("doctor", env={**sources, **bad})
        assert inbox.envelopes == [] and slack.accepted == [] and telegram.accepted == []
    assert r.returncode == 1
    lines = _lines(r.stdout)
    assert lines["slack"].startswith("failed") and "invalid_auth" in lines["slack"]
    assert "fix: check SLACK_BOT_TOKEN" in lines["slack"]
    assert lines["telegram"].startswith("failed") and "Unauthorized" in lines["telegram"]
    assert "fix: check TELEGRAM_BOT_TOKEN" in lines["telegram"]
    assert lines["email"].startswith("failed") and "refused the login" in lines["email"]
    assert "fix: check SMTP_USERNAME and SMTP_PASSWORD" in lines["email"]
    assert lines["discord"].startswith("failed DISCORD_WEBHOOK_URL is not a URL; fix: set DISCORD_WEBHOOK_URL")
    for value in bad.values():
        if "Secret" in value or "Password" in value or "Wrong" in value:
            assert value not in r.stdout + r.stderr
    assert "discordSecret" not in r.stdout + r.stderr


def test_a_webhook_of_the_wrong_form_fails_without_a_post(cli: Any, sources: dict[str, str]) -> None:
    r = cli("doctor", env={**sources, "SLACK_WEBHOOK_URL": "https://hooks.slack.com/servces/slackSecretPath"})
    assert r.returncode == 1
    line = _lines(r.stdout)["slack"]
    assert line.startswith("failed SLACK_WEBHOOK_URL is at hooks.slack.com but not of the form of its webhooks")
    assert "slackSecretPath" not in r.stdout + r.stderr


def test_a_chat_service_named_in_the_settings_but_not_set_up_fails(cli: Any, sources: dict[str, str]) -> None:
    write_config(cli.config_home, '[chat]\nservices = ["telegram"]\n')
    r = cli("doctor", env=sources)
    assert r.returncode == 1
    line = _lines(r.stdout)["telegram"]
    assert line.startswith("failed") and "TELEGRAM_BOT_TOKEN" in line


def test_a_silent_server_fails_within_the_timeout(cli: Any, sources: dict[str, str]) -> None:
    """A server that takes the request and says nothing: the check gives up after the read timeout
    (DAILYPAPERS_TIMEOUT, and never more than doctor's own deadline) instead of hanging."""
    with Fixed(Answer(200, b"{}", delay=5)) as server:
        r = cli("doctor", "--llm", "openai-compatible/m", timeout=30,
                env={**sources, "OPENAI_BASE_URL": f"{server.url}/v1", "DAILYPAPERS_TIMEOUT": "1"})
    assert r.returncode == 1 and _lines(r.stdout)["llm"].startswith("failed"), r.stdout
