"""`hub webhook add|list|remove` on a real database; refusals are one line on standard error."""

from __future__ import annotations

import pytest

from hub.cli import main
from hub.settings import PROJECT_ROOT


def test_add_list_remove(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HUB_CONFIG", str(PROJECT_ROOT / "config" / "hub.toml"))
    monkeypatch.setenv("HUB_DATABASE_URL", database_url)
    assert main(["webhook", "add", "http://127.0.0.1:8080/hook", "--events", "ticket.created"]) == 1
    assert "not a public address" in capsys.readouterr().err  # private targets are off by default
    monkeypatch.setenv("HUB_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true")
    assert main(["webhook", "add", "http://127.0.0.1:8080/hook", "--events", "ticket.created,bogus"]) == 1
    assert "unknown event 'bogus'" in capsys.readouterr().err
    assert main(["webhook", "add", "http://127.0.0.1:8080/hook", "--events", "ticket.created"]) == 0
    out = capsys.readouterr().out
    assert (
        "webhook 1 posts ticket.created to http://127.0.0.1:8080/hook" in out and "secret (shown once): whsec_" in out
    )
    assert main(["webhook", "list"]) == 0
    assert capsys.readouterr().out.startswith("1\ton\thttp://127.0.0.1:8080/hook\tticket.created")
    assert main(["webhook", "remove", "1"]) == 0
    assert main(["webhook", "remove", "1"]) == 1
    assert "no webhook 1" in capsys.readouterr().err
    assert main(["webhook", "list"]) == 0
    assert capsys.readouterr().out.strip() == "no webhooks"
