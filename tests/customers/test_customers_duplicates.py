"""Duplicate suggestions that mean something: calibrated on labelled pairs, evidence shown, nothing merged alone."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from hub.customers.duplicates import KEY_SHARERS, backfill, reindex, suggest
from hub.customers.evidence import THRESHOLD
from hub.customers.matching import Person, score
from hub.customers.names import compare
from hub.customers.tables import CustomerKey
from hub.db.engine import Database
from hub.db.models import Customer, Identity, Ticket
from tests.conftest import Hub
from tests.console_kit import console
from tests.customers.pairs import labelled, measure, store
from tests.customers.test_customers_import_identities import upload
from tests.customers.test_customers_merge import call, contact


async def test_labelled_pairs_meet_the_goals_on_both_halves(hub: Hub, db: Database) -> None:
    pairs = labelled()
    assert len(pairs) >= 150 and {p.half for p in pairs} == {"tune", "check"}
    figures = await measure(db, pairs, await store(db, pairs))
    for half in ("tune", "check"):
        f = figures[half]
        assert f.suggested and (f.suggested - f.wrong) / f.suggested >= 0.9, f.to_json()
        assert f.found / f.true_pairs >= 0.9, f.to_json()
    # Look-alikes (namesakes, families, colleagues, numbers ending alike): at most one in eight suggested.
    every = figures["all"]
    assert every.negatives_suggested * 8 <= every.negatives, every.to_json()


def test_names_compare_across_scripts_nicknames_and_typos() -> None:
    assert compare("王小明", "Xiao Ming Wang").kind == "same"
    assert compare("Bob Johnson", "Robert Johnson").how == "by nickname"
    assert compare("Micheal Johnson", "Michael Johnson").how == "by spelling"
    assert compare("王小明", "王晓明").kind == "sound"  # other characters: another person, most likely
    assert compare("张伟", "张芳").kind == "differ"
    assert compare("周凯文", "Kevin Zhou").kind == "unknown"  # an English name beside the Chinese one
    assert compare("webchat visitor", "张伟").kind == "unknown"


def test_strong_and_weak_evidence() -> None:
    me = Person(1, "张伟", ("zhang.wei@gmail.com",), ("+8613800138000",))
    mailbox = score(me, Person(2, "Zhang Wei", ("zhangwei+shop@gmail.com",)))
    assert mailbox.score >= 95 and mailbox.basis == "strong"
    assert [(s.name, s.strength) for s in mailbox.signals] == [("name_same_common", "weak"),
                                                               ("same_mailbox", "strong")]  # fmt: skip
    # The last eight digits under another country code, and a name thousands share: weak, not suggested.
    tail = score(me, Person(3, "张伟", (), ("+85200138000",)))
    assert tail.score < THRESHOLD and tail.basis == "weak"
    assert "phones end alike (+8613800138000 / +85200138000)" in tail.evidence
    # One landline, another name and address: a family, counted against.
    family = score(me, Person(4, "李娜", ("li.na@163.com",), ("+8613800138000",)))
    assert family.score < THRESHOLD and any(s.strength == "against" for s in family.signals)


async def test_look_alikes_are_never_merged_and_the_evidence_is_shown(hub: Hub, db: Database, admin_token: str) -> None:
    """Records arriving by mail, SMS and an import stay apart: only an agent merges (or a verified identity
    the channel vouches for, which is one person already); the API shows the evidence, strong and weak."""
    father = await contact(hub, "email", "email", "wang.jianguo@163.com", "订单", "王建国")
    await contact(hub, "sms.twilio", "phone", "+86 10 6543 2100", "在吗", None)
    namesake = await contact(hub, "email", "email", "wangjianguo.sz@qq.com", "发票", "王建国")
    tail = await contact(hub, "sms.twilio", "phone", "+852 6543 2100", "hello", "Wang Jianguo")
    csv = "name,email,phone\n王小红,wxh2005@qq.com,+86 10 6543 2100\n王建国,,+86 10 6543 2100\n"
    report = await upload(hub, admin_token, csv.encode())
    assert report["imported"] == 1 and report["possible_duplicates"]
    async with db.read() as s:
        live = list(await s.scalars(select(Customer).where(Customer.merged_into_id.is_(None))))
    assert len(live) == 5 and all(c.merged_into_id is None for c in live)
    daughter = next(c.id for c in live if c.display_name == "王小红")
    status, body = await call(hub, admin_token, "GET", f"/api/v1/customers/{father}/duplicates")
    assert status == 200 and body["threshold"] == THRESHOLD
    assert all(d["customer_id"] not in (namesake, tail, daughter) for d in body["duplicates"])
    status, body = await call(hub, admin_token, "GET", f"/api/v1/customers/{daughter}/duplicates?min_score=0")
    shown = {d["customer_id"]: d for d in body["duplicates"]}
    landline = next(iter(shown.values()))
    assert landline["score"] < THRESHOLD and {s["signal"] for s in landline["signals"]} >= {
        "same_landline",
        "name_differs",
    }
    assert all({"signal", "strength", "points", "detail"} <= set(s) for s in landline["signals"])
    async with db.read() as s:
        assert not list(await s.scalars(select(Customer.id).where(Customer.merged_into_id.is_not(None))))


async def test_the_console_panel_shows_the_evidence_and_only_the_agent_merges(hub: Hub, db: Database) -> None:
    me = await contact(hub, "email", "email", "xiao.ming.wang@gmail.com", "我的订单", "王小明")
    again = await contact(hub, "webchat", "webchat", "v-8f2a01", "hi", "Wang Xiaoming")
    async with db.write() as uow:  # the chat visitor gave their address, a Gmail variant of the same mailbox
        uow.session.add(Identity(customer_id=again, kind="email", value="xiaomingwang+shop@gmail.com"))
        await reindex(uow.session, [again])
    async with db.read() as s:
        ticket = await s.scalar(select(Ticket.id).where(Ticket.customer_id == again))
    async with console(hub, db, "desk@example.test") as desk:
        status, seen = await desk.api("GET", f"/api/v1/console/tickets/{ticket}")  # the workspace's duplicates panel
        assert status == 200 and seen["customer"]["id"] == again
        status, body = await desk.api("GET", f"/api/v1/customers/{again}/duplicates")
        assert status == 200 and [d["customer_id"] for d in body["duplicates"]] == [me]
        signals = {s["signal"]: s["strength"] for s in body["duplicates"][0]["signals"]}
        assert signals == {"name_same": "weak", "same_mailbox": "strong"}
        async with db.read() as s:  # suggested, shown, and still two records until the agent says so
            assert (await s.get_one(Customer, again)).merged_into_id is None
        status, _ = await desk.api("POST", f"/api/v1/customers/{again}/merge", {"into": me})
        assert status == 200
    async with db.read() as s:
        assert (await s.get_one(Customer, again)).merged_into_id == me


async def test_reindexing_everyone_brings_back_keys_an_older_index_lacked(hub: Hub, db: Database) -> None:
    """Company keys came later: an index written before them misses corporate aliases until it is rebuilt."""
    alias = [p for p in labelled() if p.kind == "corporate-alias"][:1]
    ids = await store(db, alias)
    a, b = ids[(alias[0].id, "a")], ids[(alias[0].id, "b")]
    async with db.write() as uow:
        await uow.session.execute(delete(CustomerKey).where(CustomerKey.key.like("c:%")))
    assert not [m for m in await suggest(db, a) if m.customer_id == b]
    assert await backfill(db) == 0  # everyone has keys: the usual backfill leaves them
    assert await backfill(db, everyone=True) >= 2
    assert [m.customer_id for m in await suggest(db, a)] == [b]


async def test_a_key_shared_by_a_crowd_is_skipped_and_the_real_evidence_still_found(hub: Hub, db: Database) -> None:
    """A company switchboard every colleague lists: its key tells nobody apart, and reading it for every
    lookup would cost O(colleagues). The lookup leaves it out; a mailbox shared by one person still counts."""
    switchboard = {"shared_phones": [{"number": "+862161234500", "extension": None}]}
    async with db.write() as uow:
        s = uow.session
        # The namesake first: among sharers of equal weight the earliest records are read first.
        me, again, namesake = (Customer(display_name=n, attributes=switchboard) for n in ("张伟", "Zhang Wei", "张伟"))
        s.add_all([namesake, me, again])
        await s.flush()
        staff = [Customer(display_name=f"Colleague {i}", attributes=switchboard) for i in range(KEY_SHARERS)]
        s.add_all(staff)
        await s.flush()
        s.add_all([Identity(customer_id=me.id, kind="email", value="zhang.wei@gmail.com"),
                   Identity(customer_id=again.id, kind="email", value="zhangwei+shop@gmail.com")])  # fmt: skip
        await reindex(s, [c.id for c in (*staff, me, again, namesake)])
    async with db.read() as s:
        holders = await s.scalar(select(func.count()).where(CustomerKey.key == "p:61234500"))
    assert holders == KEY_SHARERS + 3
    # Only the mailbox links the two: the namesake behind the same switchboard is not even read.
    assert [m.customer_id for m in await suggest(db, me.id)] == [again.id]
    # A small office (20 colleagues): the number is read, and a namesake on it is a likely duplicate.
    async with db.write() as uow:
        await uow.session.execute(delete(CustomerKey).where(CustomerKey.customer_id.in_([c.id for c in staff[20:]])))
    assert [m.customer_id for m in await suggest(db, me.id)] == [again.id, namesake.id]
