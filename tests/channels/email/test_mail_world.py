"""Mail from the world's clients, sent over SMTP into a running hub: what an agent then reads through the API.

Japanese Outlook's ISO-2022-JP with Windows' characters, Cyrillic and German mail with raw 8-bit headers, an
HTML part labelled only by its <meta>, Apple Mail's format=flowed, Foxmail's split encoded words and GBK file
names, a complaint sent as a text file, and a reply whose subject stacked up "Re: 回复: AW:" prefixes.
"""

from __future__ import annotations

import base64
import struct
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from hub.channels.email.flowed import unflow
from hub.channels.email.jis import decode as jis_decode
from hub.channels.email.tnef import NotTnef, read
from hub.db.engine import Database
from hub.settings import Settings
from tests.conftest import make_token
from tests.mail_kit import MailHub, started_mail_hub
from tests.waiting import until

CORPUS = Path(__file__).parent / "fixtures"


@pytest.fixture
async def mail_hub(settings: Settings, aiohttp_server: Any) -> AsyncIterator[MailHub]:
    async with started_mail_hub(settings, aiohttp_server) as started:
        yield started


async def seen_by_agent(mail_hub: MailHub, db: Database, fixture: str, sender: str) -> dict[str, Any]:
    """The ticket the fixture's mail opened, as the console's API shows it, and its files' bytes."""
    await mail_hub.send((CORPUS / fixture).read_bytes(), sender=sender)
    api = {"Authorization": f"Bearer {await make_token(db, 'agent')}"}
    async with aiohttp.ClientSession(headers=api) as http:
        tickets: list[dict[str, Any]] = []

        async def listed() -> bool:
            async with http.get(f"{mail_hub.hub.url}/api/v1/tickets", params={"channel": "email"}) as r:
                tickets[:] = (await r.json())["tickets"]
            return bool(tickets)

        await until(listed, what="the mail's ticket in the list")  # the list's index follows the commit
        [ticket] = tickets
        async with http.get(f"{mail_hub.hub.url}/api/v1/tickets/{ticket['id']}") as r:
            detail: dict[str, Any] = await r.json()
        files = {}
        for attachment in detail["interactions"][0]["attachments"]:
            async with http.get(f"{mail_hub.hub.url}/api/v1/attachments/{attachment['storage_key']}") as r:
                assert r.status == 200
                files[attachment["filename"]] = await r.read()
    return {**detail["ticket"], "interactions": detail["interactions"], "files": files}


@pytest.mark.parametrize(
    ("fixture", "sender", "name", "subject", "text"),
    [
        ("iso2022jp_windows_chars.eml", "yamada@example.co.jp", "山田 太郎", "注文①",
         "お世話になっております。\n注文番号①の件で、㈱山田商事です。\nよろしくお願いします。"),
        ("shift_jis_windows_chars.eml", "a@example.co.jp", None, "注文①", "注文番号①、㈱山田"),
        ("koi8r_8bit_headers.eml", "ivan@example.ru", "Иван Петров", "Заказ не пришёл",
         "Здравствуйте! Мой заказ 5512 не пришёл."),
        ("latin1_8bit_headers.eml", "jm@example.de", "Jürgen Müller", "Bestellung für Köln", "Grüße aus Köln"),
        ("cp1252_unlabelled.eml", "jm@example.de", None, "order",
         "Sehr geehrte Damen und Herren, die Lieferung für Köln ist verspätet. Grüße, Jürgen Müller"),
        ("big5_html_meta_charset.eml", "chen@example.com.tw", None, "出貨查詢",
         "請問我的訂單什麼時候出貨？謝謝。\n\n陳先生"),
        ("euckr_uhc_chars.eml", "a@example.kr", None, "주문 문의", "안녕하세요 똠방각하 주문"),
        ("outlook_html_only_cp1252.eml", "jose.muller@example.de", "José Müller", "“Premium” plan – doesn’t work",
         "Hi team,\n\nThe “Premium” plan doesn’t work – order #4411 costs €120.\n\nRegards,\nJosé Müller"),
        ("apple_format_flowed.eml", "emma@example.com", "Emma Stone", "Wrong colour",
         "Hello,\n\nI ordered the blue jacket last week but the package that arrived contained a red one instead, "
         "and the size is also wrong. Could you please send the right one?\n\nThanks,\nEmma"),
        ("text_only_in_attachment.eml", "carol@example.com", None, "complaint", "我的快递丢了，请帮忙查询。"),
        ("outlook_tnef_whole_mail.eml", "jose.muller@example.es", "José Müller", "Invoice 4411",
         "Hello,\n\nthe invoice for order 4411 is attached. Please confirm the “Premium” price.\n\nJosé"),
    ],
)  # fmt: skip
async def test_an_agent_reads_the_mail_as_its_sender_wrote_it(
    mail_hub: MailHub, db: Database, fixture: str, sender: str, name: str | None, subject: str, text: str
) -> None:
    seen = await seen_by_agent(mail_hub, db, fixture, sender)
    assert seen["subject"] == subject
    assert seen["interactions"][0]["text"] == text
    assert seen["customer_name"] == (name or sender)


async def test_foxmail_s_split_words_and_gbk_file_names_arrive_whole(mail_hub: MailHub, db: Database) -> None:
    seen = await seen_by_agent(mail_hub, db, "foxmail_split_words_gbk_names.eml", "lina@foxmail.com")
    # A GBK character cut in half between two encoded words, RFC 2231 continuations, raw GBK in quotes.
    assert seen["subject"] == "关于订单８８１２的退款申请（加急）" and seen["customer_name"] == "李娜"
    assert seen["files"] == {"发票-订单8812.pdf": base64.b64decode("JVBERi0xLjQKJcfsj6IK"),
                             "截图 退款.png": base64.b64decode("iVBORw0KGgo=")}  # fmt: skip
    assert "warnings" not in seen["interactions"][0]["meta"]


async def test_a_text_file_sent_alone_is_read_and_kept(mail_hub: MailHub, db: Database) -> None:
    seen = await seen_by_agent(mail_hub, db, "text_only_in_attachment.eml", "carol@example.com")
    assert seen["files"] == {"complaint.txt": "我的快递丢了，请帮忙查询。\r\n".encode("gbk")}
    assert seen["interactions"][0]["meta"]["warnings"] == ["the mail's text is in its attached file 'complaint.txt'"]


async def test_stacked_reply_prefixes_become_one_re(mail_hub: MailHub, db: Database) -> None:
    seen = await seen_by_agent(mail_hub, db, "reply_prefixes_stacked.eml", "wangfang@163.com")
    assert seen["subject"] == "Re: 回复: 答复: AW: SV: 订单8812 退款"  # the ticket keeps what the customer wrote
    ack = await mail_hub.relay.next()  # the acknowledgement, the hub's first reply on the ticket
    assert ack["Subject"] == f"Re: 订单8812 退款 [#{seen['id']}]"
    assert ack["In-Reply-To"] == "<re1@163.com>"


def test_iso2022jp_as_windows_writes_it() -> None:
    # CP50220: NEC's row 13 (①, ㈱) inside ESC $ B, half-width katakana after ESC ( I and between SO and SI.
    assert jis_decode(b"\x1b$B-!-j\x1b(B ok") == "①㈱ ok"
    assert jis_decode(b"\x1b(I12\x1b(B \x0e34\x0f") == "ｱｲ ｳｴ"
    assert jis_decode(b"\x1b$B$3$", final=False) == "こ"  # a character cut off at the end waits for its bytes
    with pytest.raises(UnicodeDecodeError):
        jis_decode(b"\x1b$(Dxx\x1b(B")  # JIS X 0212: left to the standard library's iso2022_jp_2


def test_flowed_text_is_joined_at_its_soft_breaks_only() -> None:
    text = "a long \r\nline\r\n> quoted \r\n> more\r\n>> deeper\r\n \r\n-- \r\nsig"
    assert unflow(text) == "a long line\n> quoted more\n>> deeper\n\n-- \nsig"
    assert unflow("中文 \r\n继续\r\n", delsp=True) == "中文继续\n"  # DelSp: the space was the wrapper's
    assert unflow("end of paragraph \r\n> quote") == "end of paragraph \n> quote"  # no join across depths


async def test_outlook_s_winmail_dat_becomes_the_files_inside_it(mail_hub: MailHub, db: Database) -> None:
    seen = await seen_by_agent(mail_hub, db, "outlook_winmail_dat_cp936.eml", "zhang.wei@example.cn")
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    # The long Unicode name over the 8.3 title; a title in the sender's code page (936: GBK); Outlook's MIME tag,
    # else the type the name says; an inline picture keeps its Content-ID for the HTML that shows it.
    assert seen["files"] == {"2026年报价单-最终版.xlsx": b"PK\x03\x04" + bytes(range(60)), "发票.pdf": pdf,
                             "截图.png": seen["files"]["截图.png"]}  # fmt: skip
    assert seen["files"]["截图.png"].startswith(b"\x89PNG")
    line = seen["interactions"][0]  # the acknowledgement follows it
    types = {a["filename"]: a["content_type"] for a in line["attachments"]}
    assert types["2026年报价单-最终版.xlsx"].endswith("spreadsheetml.sheet") and types["发票.pdf"] == "application/pdf"
    assert list(line["meta"]["cid"]) == ["image001.png@01DB4A1C.5E6F7A80"]
    assert line["text"] == "王经理：\n\n附件是报价单和发票，请查收。\n\n张伟"


def test_a_winmail_dat_that_is_cut_short_or_no_tnef_says_so() -> None:
    whole = b"".join(
        base64.b64decode(line)
        for line in (CORPUS / "outlook_winmail_dat_cp936.eml")
        .read_bytes()
        .split(b'winmail.dat"\r\n\r\n')[1]
        .split(b"\r\n--")[0]
        .split()
    )
    assert [f.name for f in read(whole).files] == ["2026年报价单-最终版.xlsx", "发票.pdf", "截图.png"]
    for broken in (
        whole[:150],
        b"not tnef at all",
        struct.pack("<IH", 0x223E9F78, 0) + b"\x01\x03\x90\x06\x00\xff\xff\xff\x7f",
    ):
        with pytest.raises(NotTnef):
            read(broken)


async def test_a_file_sent_with_the_sender_s_whole_path_is_named_by_its_last_part(
    mail_hub: MailHub, db: Database
) -> None:
    seen = await seen_by_agent(mail_hub, db, "lotus_notes_path_file_names.eml", "liuyang@example.cn")
    assert seen["files"] == {"报价.pdf": base64.b64decode("JVBERi0xLjMK"), "names list.nsf": b"\x00\x01\x02"}
