"""Settings: defaults, TOML, HUB_* overrides, and errors that name the key and what is expected."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hub.app import create_app
from hub.channels.email.config import Relay, email_config
from hub.channels.twilio.config import TwilioConfig, twilio_config
from hub.channels.wechat.config import wechat_accounts
from hub.settings import SettingsError, load_settings


def test_defaults_without_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no config/hub.toml here: the default path may be absent
    s = load_settings(env={})
    assert s.http_port == 8080 and s.smtp_port == 2525 and s.redis_url is None and s.public_url is None
    assert s.database_url.startswith("sqlite+aiosqlite:///") and s.is_sqlite


def test_toml_then_env_wins(tmp_path: Path) -> None:
    cfg = tmp_path / "hub.toml"
    cfg.write_text(
        '[hub]\nhttp_port = 9000\nsmtp_port = 2600\n[queues.support]\ndisplay_name = "支持"\n'
        '[queues.sales]\ndisplay_name = "Sales"\n',
        encoding="utf-8",
    )
    env = {
        "HUB_CONFIG": str(cfg),
        "HUB_HTTP_PORT": "9100",
        "HUB_DATABASE_URL": "postgresql://u:p@db/hub",
        "HUB_REDIS_URL": "redis://127.0.0.1:6379/0",
        "HUB_PUBLIC_URL": "https://support.example.com/",
        "HUB_DEFAULT_QUEUE": "support",
    }
    s = load_settings(env=env)
    assert (s.http_port, s.smtp_port) == (9100, 2600)
    assert s.database_url == "postgresql+asyncpg://u:p@db/hub" and not s.is_sqlite
    assert s.public_url == "https://support.example.com"
    assert [(q.name, q.display_name) for q in s.queues] == [("support", "支持"), ("sales", "Sales")]


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("HUB_HTTP_PORT", "eighty", "integer port"),
        ("HUB_HTTP_PORT", "70000", "integer port"),
        ("HUB_SMTP_PORT", "0", "integer port"),
        ("HUB_DATABASE_URL", "mysql://x/y", "sqlite:///path or postgresql://"),
        ("HUB_REDIS_URL", "http://localhost", "redis://"),
        ("HUB_PUBLIC_URL", "support.example.com", "http://"),
        ("HUB_CHAT_MAX_MESSAGE_BYTES", "-5", "positive integer"),
        ("HUB_CONFIG", "/nonexistent/hub.toml", "existing TOML file"),
        ("HUB_DEFAULT_QUEUE", "nowhere", "configured queue"),
    ],
)
def test_bad_values_name_the_key(key: str, value: str, expected: str) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(env={key: value})
    assert key.removeprefix("HUB_").lower() in str(info.value).lower() or key in str(info.value)
    assert expected in str(info.value)


def test_bad_toml_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[hub\nhttp_port = ", encoding="utf-8")
    with pytest.raises(SettingsError, match="HUB_CONFIG"):
        load_settings(env={"HUB_CONFIG": str(broken)})
    typo = tmp_path / "typo.toml"
    typo.write_text("[hub]\nhttp_prot = 1\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="http_prot"):
        load_settings(env={"HUB_CONFIG": str(typo)})
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('[hub]\nhttp_port = "x"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"wrong.toml:http_port"):
        load_settings(env={"HUB_CONFIG": str(wrong)})


WECHAT_OK = """
[wechat.accounts.main]
token = "t"
appid = "wx1"
appsecret = "s"
encoding_aes_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
[wechat.accounts.main.menu.K1]
queue = "general"
topic = "billing"
"""


@pytest.mark.parametrize(
    ("toml", "error"),
    [
        (
            WECHAT_OK.replace(
                'encoding_aes_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"', 'encoding_aes_key = "short"'
            ),
            "encoding_aes_key: expected the 43-character",
        ),
        (WECHAT_OK.replace('appid = "wx1"\n', ""), "wechat.accounts.main.appid: expected a non-empty string"),
        (WECHAT_OK.replace('queue = "general"', 'queue = "nowhere"'), "menu.K1.queue='nowhere'"),
        (WECHAT_OK + '[wechat.accounts.second]\ntoken = "t"\nappid = "wx1"\nappsecret = "s"\n', "its own appid"),
        ('[wechat.accounts."Bad Name"]\ntoken = "t"\n', "a name of a-z"),
    ],
)
def test_wechat_accounts_are_validated(tmp_path: Path, toml: str, error: str) -> None:
    cfg = tmp_path / "hub.toml"
    cfg.write_text(toml, encoding="utf-8")
    settings = load_settings(env={"HUB_CONFIG": str(cfg)})  # the core's settings do not read a channel's table
    with pytest.raises(SettingsError, match=f"{cfg}:.*" + error.replace(".", r"\.").replace("(", r"\(")):
        create_app(settings)  # the channel's setup does, first thing


def test_wechat_account_parsed(tmp_path: Path) -> None:
    cfg = tmp_path / "hub.toml"
    cfg.write_text(WECHAT_OK, encoding="utf-8")
    settings = load_settings(env={"HUB_CONFIG": str(cfg), "HUB_WECHAT_API_BASE": "http://127.0.0.1:1"})
    [account] = wechat_accounts(settings)
    assert account.appid == "wx1" and account.menu["K1"].topic == "billing" and account.encoding_aes_key
    assert settings.wechat_api_base == "http://127.0.0.1:1"


@pytest.mark.parametrize(
    ("toml", "env", "error"),
    [
        ("[email.mailboxes.s]\naddresses = [1]\n", {}, r"hub\.toml:email\.mailboxes\.s\.addresses: expected a list"),
        ('[email.mailboxes.s]\naddresses = ["s@x.test"]\nqueue = "nowhere"\n', {}, "s.queue='nowhere'"),
        ('[hub]\nsmtp_relay = "nohost"\n', {}, r"hub\.toml:smtp_relay='nohost': expected host:port"),
        ("", {"HUB_SMTP_RELAY": "smtp.example.com"}, r"^HUB_SMTP_RELAY='smtp\.example\.com': expected host:port"),
        ("", {"HUB_TWILIO_API_BASE": "ftp://x"}, r"^HUB_TWILIO_API_BASE='ftp://x': expected a base URL"),
        ('[twilio.numbers."+15550001111"]\nqueue = "nowhere"\n', {}, r"queue='nowhere': expected the name of a"),
        ("[webchat]\nwidget = 1\n", {}, r"hub\.toml:webchat\.widget: expected a \[webchat\.widgets"),
    ],
)
def test_channel_tables_are_checked_by_their_channel(
    tmp_path: Path, toml: str, env: dict[str, str], error: str
) -> None:
    cfg = tmp_path / "hub.toml"
    cfg.write_text(toml, encoding="utf-8")
    settings = load_settings(env={"HUB_CONFIG": str(cfg), **env})
    with pytest.raises(SettingsError, match=error):
        create_app(settings)


def test_channel_tables_env_and_overrides(tmp_path: Path) -> None:
    cfg = tmp_path / "hub.toml"
    cfg.write_text(
        '[hub]\nsmtp_relay = "relay.example.com:587"\n[email]\nraw_dir = "x"\n[twilio]\naccount_sid = "AC0"\n'
        "[shiny_new_channel]\nkey = 1\n",
        encoding="utf-8",
    )
    env = {"HUB_CONFIG": str(cfg), "HUB_TWILIO_AUTH_TOKEN": " t0k ", "HUB_TWILIO_API_BASE": "http://127.0.0.1:8/"}
    settings = load_settings(env=env)
    assert settings.channels["shiny_new_channel"] == {"key": 1}  # kept as written for that channel's own setup
    email = email_config(settings)
    assert email.relay == Relay("relay.example.com", 587) and email.raw_dir == "x"
    twilio = twilio_config(settings)
    assert (twilio.account_sid, twilio.auth_token, twilio.api_base) == ("AC0", "t0k", "http://127.0.0.1:8")
    assert "t0k" not in repr(settings)
    mine = TwilioConfig(account_sid="AC1")
    assert twilio_config(settings.with_channel("twilio", mine)) is mine  # code's own config is taken as given


def test_settings_know_no_channel() -> None:
    """Adding a channel is a folder and a line in hub/channels/setups.py: settings never import one."""
    code = "import sys, hub.settings; print(sorted(m for m in sys.modules if m.startswith('hub.channels')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_knowledge_locales() -> None:
    assert load_settings(env={"HUB_KNOWLEDGE_LOCALES": "en, zh-CN, zh-TW"}).knowledge_locales == (
        "en",
        "zh-CN",
        "zh-TW",
    )
    with pytest.raises(SettingsError, match="HUB_KNOWLEDGE_LOCALES"):
        load_settings(env={"HUB_KNOWLEDGE_LOCALES": "English!"})
