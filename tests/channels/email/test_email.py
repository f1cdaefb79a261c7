"""Email: the fixture corpus, then real SMTP in and out of a running hub (aiosmtpd both ways)."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import aiosmtplib
import pytest
from sqlalchemy import func, select

from hub.app import EMAIL
from hub.channels.email.bounces import delivery_report
from hub.channels.email.config import email_config
from hub.channels.email.loops import automatic
from hub.channels.email.parse import parse_mail
from hub.channels.email.parser_pool import PROCESS_FROM_BYTES
from hub.channels.email.raw import RawMailStore
from hub.db.engine import Database
from hub.db.models import Interaction, MailNotice, Ticket
from hub.settings import Settings
from tests.conftest import make_token
from tests.mail_kit import MailHub, started_mail_hub
from tests.waiting import until

CORPUS = Path(__file__).parent / "fixtures"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_parses_as_expected(name: str) -> None:
    want = EXPECTED[name]
    mail = parse_mail((CORPUS / name).read_bytes(), want.get("envelope_from"))
    for key in ("sender", "sender_name", "subject", "message_id"):
        if key in want:
            assert getattr(mail, key) == want[key], key
    assert want["text"] in mail.text, mail.text
    assert mail.quoted.startswith(want.get("quoted", "")) and bool(mail.quoted) == ("quoted" in want)
    for fragment in want.get("warnings", []):
        assert any(fragment in w for w in mail.warnings), (fragment, mail.warnings)
    if not want.get("warnings"):
        assert not mail.warnings, mail.warnings
    assert (automatic(mail) is not None) == want.get("automatic", False), automatic(mail)
    report = delivery_report(mail)
    assert (report.message_ids[0] if report and report.message_ids else None) == want.get("bounce_of")
    assert (report.action if report else None) == want.get("report")
    assert want.get("reason", "") in (report.reason if report else "")
    assert [p.filename for p in mail.parts] == want.get("files", [])
    assert [p.content_id for p in mail.parts if p.inline] == want.get("inline", [])
    assert len(mail.forwarded) == len(want.get("forwarded", []))
    for got, forwarded in zip(mail.forwarded, want.get("forwarded", []), strict=True):
        assert forwarded["from"] in got.sender and got.subject == forwarded["subject"], got
        assert forwarded["text"] in got.text and got.part == forwarded.get("part"), got
    for absent in want.get("html_without", []):
        assert absent not in (mail.html or "")
    assert mail.external_id == (mail.message_id or f"sha256:{mail.content_hash}")


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(p.name for p in CORPUS.glob("*.eml")) == sorted(EXPECTED)


def test_raw_mail_is_kept_then_purged_after_retention(tmp_path: Path) -> None:
    from datetime import date

    store = RawMailStore(tmp_path, retention_days=30)
    old = tmp_path / "2026" / "01" / "02"
    old.mkdir(parents=True)
    (old / "x.eml").write_bytes(b"old")
    recent = tmp_path / "2026" / "11" / "20"
    recent.mkdir(parents=True)
    assert store.purge(today=date(2026, 11, 24)) == 1
    assert not old.exists() and recent.exists()


@pytest.fixture
async def mail_hub(settings: Settings, aiohttp_server: Any) -> AsyncIterator[MailHub]:
    async with started_mail_hub(settings, aiohttp_server) as started:
        yield started


async def interactions(db: Database, ticket_id: int | None = None) -> list[Interaction]:
    async with db.read() as s:
        query = select(Interaction).where(Interaction.channel == "email").order_by(Interaction.id)
        if ticket_id is not None:
            query = query.where(Interaction.ticket_id == ticket_id)
        return list(await s.scalars(query))


async def delivered(db: Database, external_id: str) -> Interaction:
    """Our reply once the outbox has recorded the relay's answer (the relay sees it a moment before)."""

    async def recorded() -> bool:
        return any(r.external_id == external_id and r.delivery_status for r in await interactions(db))

    await until(recorded)
    return next(r for r in await interactions(db) if r.external_id == external_id)


async def test_done_when_gbk_mail_replies_threads_and_goes_out(mail_hub: MailHub, db: Database) -> None:
    hub, relay = mail_hub.hub, mail_hub.relay
    await mail_hub.send((CORPUS / "gbk_plain.eml").read_bytes(), sender="wang.xm@example.cn")
    api = {"Authorization": f"Bearer {await make_token(db, 'agent')}"}
    async with aiohttp.ClientSession(headers=api) as http:
        async with http.get(f"{hub.url}/api/v1/tickets", params={"channel": "email"}) as r:
            tickets = (await r.json())["tickets"]
        assert [t["subject"] for t in tickets] == ["订单没有发货"]
        ticket_id = tickets[0]["id"]
        async with http.get(f"{hub.url}/api/v1/tickets/{ticket_id}") as r:
            detail = await r.json()
        assert detail["interactions"][0]["text"] == "您好，我的订单8812还没有发货，请帮忙查一下。"

    # The acknowledgement: automatic, threaded, from the mailbox written to.
    ack = await relay.next()
    assert ack["Auto-Submitted"] == "auto-replied" and ack["In-Reply-To"] == "<gbk-1@example.cn>"
    assert f"[#{ticket_id}]" in ack["Subject"] and "support@hub.test" in ack["From"]

    # Delivered twice (a retry by the sending server): stored once.
    await mail_hub.send((CORPUS / "gbk_plain.eml").read_bytes(), sender="wang.xm@example.cn")
    assert len(await interactions(db)) == 2  # the mail and the acknowledgement

    # The customer's reply (In-Reply-To their first mail) lands on the same ticket, quote split off.
    await mail_hub.send((CORPUS / "reply_chinese_quote.eml").read_bytes(), sender="wang.xm@example.cn")
    rows = await interactions(db, ticket_id)
    assert rows[-1].text == "好的，谢谢！" and rows[-1].meta["quoted"].startswith("在 2026年11月23日")

    # The agent answers; it arrives at the relay with the threading headers, as text and HTML.
    async with aiohttp.ClientSession(headers=api) as http:
        r = await http.post(f"{hub.url}/api/v1/tickets/{ticket_id}/replies", json={"text": "已经发货了，单号 SF123。"})
        assert r.status == 201
    out = await relay.next()
    assert out["In-Reply-To"] == "<cn-reply-2@example.cn>"
    assert "<cn-reply-2@example.cn>" in out["References"]
    assert out["Subject"].endswith(f"[#{ticket_id}]") and out["Auto-Submitted"] == "no"
    assert out["To"] == "wang.xm@example.cn"
    body = out.get_body(("plain",))
    html = out.get_body(("html",))
    assert body is not None and "已经发货了，单号 SF123。" in body.get_content()
    assert html is not None and "SF123" in html.get_content()
    ours = await delivered(db, out["Message-ID"])
    assert ours.direction == "outbound" and ours.delivery_status == "sent" and ours.external_id == out["Message-ID"]

    # A reply to our reply, with a fresh subject and no ticket token: threaded by In-Reply-To alone.
    answer = (
        f"From: wang.xm@example.cn\r\nTo: support@hub.test\r\nSubject: thanks\r\nMessage-ID: <cn-3@example.cn>\r\n"
        f"In-Reply-To: {out['Message-ID']}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n收到，谢谢。\r\n"
    ).encode()
    await mail_hub.send(answer, sender="wang.xm@example.cn")
    assert (await interactions(db, ticket_id))[-1].text == "收到，谢谢。"

    # An out-of-office reply answering nothing of ours is no contact: a notice, no ticket, no answer queued.
    before = len(await interactions(db))
    await mail_hub.send((CORPUS / "autoreply.eml").read_bytes(), sender="bob@example.com")
    assert len(await interactions(db)) == before
    async with db.read() as s:
        notice = (await s.scalars(select(MailNotice))).one()
    assert notice.kind == "automatic" and notice.text == "I am away until Monday."
    assert notice.reason.startswith("Auto-Submitted") and notice.sender == "bob@example.com"


async def test_unknown_recipient_and_oversize_are_refused_clearly(mail_hub: MailHub, db: Database) -> None:
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as refused:
        await mail_hub.send((CORPUS / "big5.eml").read_bytes(), to="nobody@hub.test")
    assert "550" in str(refused.value) and "no such mailbox" in str(refused.value)
    big = b"From: a@example.com\r\nTo: support@hub.test\r\nSubject: big\r\n\r\n" + b"x" * 400_000 + b"\r\n"
    with pytest.raises(aiosmtplib.SMTPResponseException) as too_big:
        await mail_hub.send(big)
    assert too_big.value.code == 552
    assert await interactions(db) == []


async def test_a_bounce_marks_the_reply_failed(mail_hub: MailHub, db: Database) -> None:
    hub, relay = mail_hub.hub, mail_hub.relay
    await mail_hub.send((CORPUS / "reply_on_wrote.eml").read_bytes(), sender="bob@example.com")
    await relay.next()  # the acknowledgement
    ticket_id = (await interactions(db))[0].ticket_id
    api = {"Authorization": f"Bearer {await make_token(db, 'agent')}"}
    async with aiohttp.ClientSession(headers=api) as http:
        await http.post(f"{hub.url}/api/v1/tickets/{ticket_id}/replies", json={"text": "Try version 2."})
    sent = await relay.next()
    assert (await delivered(db, sent["Message-ID"])).delivery_status == "sent"
    report = (CORPUS / "bounce.eml").read_bytes().replace(b"<hub-reply-77@hub.test>", sent["Message-ID"].encode())
    await mail_hub.send(report, sender="mailer-daemon@mx.example.com")
    rows = await interactions(db, ticket_id)
    reply = next(r for r in rows if r.external_id == sent["Message-ID"])
    assert reply.delivery_status == "failed" and (reply.delivery_error or "").startswith("bounced")
    assert rows[-1].direction == "system" and rows[-1].meta["bounce_of"] == sent["Message-ID"]
    async with db.read() as s:  # the report made no ticket of its own
        assert await s.scalar(select(func.count()).select_from(Ticket)) == 1


async def test_acknowledgements_are_rate_limited_per_sender(mail_hub: MailHub, db: Database) -> None:
    for n in range(5):
        mail = (
            f"From: loop@example.com\r\nTo: support@hub.test\r\nSubject: new {n}\r\nMessage-ID: <n{n}@x>\r\n\r\nhi\r\n"
        )
        await mail_hub.send(mail.encode(), sender="loop@example.com")
    # Acknowledgements are queued before the 250 is given: the outbox holds what will ever go out.
    acks = [r for r in await interactions(db) if r.direction == "outbound"]
    assert len(acks) == email_config(mail_hub.hub.settings).acks_per_sender_per_hour == 3
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(Ticket)) == 5


async def test_hostile_html_never_reaches_the_console_unsanitized(mail_hub: MailHub, db: Database) -> None:
    await mail_hub.send((CORPUS / "html_only_hostile.eml").read_bytes(), sender="mallory@example.com")
    row = (await interactions(db))[0]
    assert row.text.startswith("My app crashes on login.")
    for bad in ("<script", "onclick", "onerror", "javascript:", "tracker.example", "<iframe"):
        assert bad not in (row.html or "")
    # The raw mail is kept as it came, whatever the parser made of it.
    raw = await mail_hub.hub.app[EMAIL].intake.raw.get(row.meta["raw_key"])
    assert raw == (CORPUS / "html_only_hostile.eml").read_bytes()


async def test_big_mail_is_parsed_in_another_process_and_reads_right(mail_hub: MailHub, db: Database) -> None:
    body = ("您的账单已经生成，请查收。\r\n" * 9000).encode("gbk")  # ~216 kB of GBK: parsed in the worker process
    raw = (
        b"From: =?gbk?b?" + base64.b64encode("王先生".encode("gbk")) + b"?= <wang@example.com>\r\n"
        b"To: support@hub.test\r\nSubject: big\r\nMessage-ID: <big-1@example.com>\r\n"
        b"Content-Type: text/plain; charset=gbk\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body + b"\r\n"
    )
    assert len(raw) > PROCESS_FROM_BYTES
    await mail_hub.send(raw, sender="wang@example.com")
    [row] = [r for r in await interactions(db) if r.direction == "inbound"]
    assert row.text.startswith("您的账单已经生成，请查收。") and row.text.count("请查收") == 9000
    assert mail_hub.hub.app[EMAIL].intake.parser._pool is not None  # the worker process did the parsing


async def test_an_agent_attaches_files_to_an_email_reply_and_a_note(mail_hub: MailHub, db: Database) -> None:
    hub, relay = mail_hub.hub, mail_hub.relay
    await mail_hub.send((CORPUS / "gbk_plain.eml").read_bytes(), sender="wang.xm@example.cn")
    await relay.next()  # the acknowledgement
    api = {"Authorization": f"Bearer {await make_token(db, 'agent')}"}
    invoice = "发票 2026-11.pdf"
    pdf = b"%PDF-1.4 " + bytes(range(256)) * 40
    async with aiohttp.ClientSession(headers=api) as http:
        async with http.get(f"{hub.url}/api/v1/tickets", params={"channel": "email"}) as r:
            ticket_id = (await r.json())["tickets"][0]["id"]
        form = aiohttp.FormData()
        form.add_field("file", pdf, filename=invoice, content_type="application/pdf")
        async with http.post(f"{hub.url}/api/v1/attachments", data=form) as r:
            assert r.status == 201
            stored = (await r.json())["attachment"]
        assert stored["size"] == len(pdf) and stored["filename"] == invoice
        replies = f"{hub.url}/api/v1/tickets/{ticket_id}/replies"
        # Sizes and digests come from what is stored, never from the request.
        forged = {**stored, "size": 1, "sha256": "0" * 64}
        async with http.post(replies, json={"text": "发票在附件里。", "attachments": [forged]}) as r:
            assert r.status == 201
            sent = (await r.json())["interaction"]
        assert sent["attachments"][0]["size"] == len(pdf) and sent["attachments"][0]["sha256"] != "0" * 64
        out = await relay.next()
        [part] = list(out.iter_attachments())
        assert part.get_filename() == invoice and part.get_content_type() == "application/pdf"
        assert part.get_content() == pdf
        # A note may carry a file too; unknown or malformed keys and too many files are refused.
        async with http.post(replies, json={"text": "原件", "internal": True, "attachments": [stored]}) as r:
            assert r.status == 201
        bad = [
            ({"attachments": [{"storage_key": "../../etc/passwd"}]}, 422),
            ({"attachments": [{"storage_key": "ab/" + "0" * 32 + "-gone.pdf"}]}, 422),
            ({"attachments": [stored] * 11}, 422),
        ]
        for extra, code in bad:
            async with http.post(replies, json={"text": "x", **extra}) as r:
                assert r.status == code, extra
        empty = aiohttp.FormData()
        empty.add_field("file", b"", filename="empty.txt")
        async with http.post(f"{hub.url}/api/v1/attachments", data=empty) as r:
            assert r.status == 400
        async with http.post(f"{hub.url}/api/v1/attachments", data=b"not multipart") as r:
            assert r.status == 400
