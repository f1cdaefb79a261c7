"""A customer's name learnt from a channel (a WeChat follower's nickname): it fills a placeholder only, never
replaces a real name."""

from __future__ import annotations

from hub.customers import duplicates
from hub.customers.identities import find_customer
from hub.customers.matching import real_name
from hub.db.engine import Database
from hub.envelopes import IdentityRef


class Nicknames:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def unnamed(self, identity: IdentityRef) -> bool:
        """Whether the customer still has a placeholder name ("wechat visitor"): a real one is never replaced."""
        async with self._db.read() as s:
            customer = await find_customer(s, identity)
        return customer is not None and not real_name(customer.display_name)

    async def give(self, identity: IdentityRef, name: str) -> None:
        """The name, unless the customer was named meanwhile (by an agent, an import): theirs wins."""
        async with self._db.write() as uow:
            customer = await find_customer(uow.session, identity, lock=True)
            if customer is None or real_name(customer.display_name):
                return
            customer.display_name = name
            await uow.session.flush()
            await duplicates.reindex(uow.session, [customer.id])  # the name is a matching key now
