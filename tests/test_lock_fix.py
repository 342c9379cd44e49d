"""net_assistant/rasa_adapters/lock_fix.py: a message waiting behind a dead replica's lock ticket is
served once that ticket expires, even when its own ticket expired too (Rasa 3.6 waited for ever).
Fast: Rasa's in-memory lock store, the same ticket lock as its Redis one."""
from __future__ import annotations

import asyncio
import time

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import InMemoryLockStore

from net_assistant.rasa_adapters import lock_fix


def test_a_ticket_is_locked_while_an_earlier_one_is_alive_and_free_when_all_ahead_expired() -> None:
    lock_fix.install()
    now = time.time()
    lock = TicketLock("anna-1", tickets=None)
    lock.tickets.extend([Ticket(1, now + 60), Ticket(2, now + 60)])
    assert (lock.is_locked(1), lock.is_locked(2)) == (False, True)
    lock.tickets.clear()
    lock.tickets.extend([Ticket(1, now - 1), Ticket(2, now - 1)])  # both expired together
    assert not lock.is_locked(2)


def test_the_message_retried_after_a_replica_died_gets_the_lock() -> None:
    """The dead replica's ticket, then the retry's, issued together with the same short
    lifetime: the retry is served within a poll or two of their expiry."""
    lock_fix.install()
    store = InMemoryLockStore()
    store.issue_ticket("anna-1", lock_lifetime=0.5)  # the replica that died holding it

    async def retried() -> float:
        started = time.monotonic()
        async with store.lock("anna-1", lock_lifetime=0.5, wait_time_in_seconds=1):
            return time.monotonic() - started

    assert asyncio.run(asyncio.wait_for(retried(), timeout=5)) < 3
