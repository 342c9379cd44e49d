"""A fix of Rasa 3.6's lock store for a Rasa replica that dies while it holds a conversation.

Rasa serves a conversation's messages one at a time by tickets in the lock store (Redis when
there are replicas): a message waits until its ticket is the first one not yet expired
(``TicketLock.is_locked``: "now serving" is not its number). A replica killed mid-turn leaves
its ticket behind; the message the proxy retries on another replica takes the next ticket and
waits for the dead one to expire (TICKET_LOCK_LIFETIME). Both were issued within the same
second, so both expire within the same second, and a waiter that sees the lock only once a
second (Rasa's ``_acquire_lock``) often finds them gone together. Then "now serving" is 0, never
its number, and it waits for ever: in the topology test the retried message got the trouble
reply at the 45 s deadline, and its turn went on waiting in the background.

Here a ticket is locked while an earlier ticket that has not expired is in the lock: the same
answer as Rasa's while the waiter's own ticket is there, and "go" once everything ahead of it
has expired, whether its own ticket has or not. ``install()`` is idempotent; our channels call
it (net_assistant.rasa_adapters.channels), so every Rasa server that serves the assistant has it.
"""
from __future__ import annotations

from rasa.core.lock import TicketLock


def is_locked(self: TicketLock, ticket_number: int) -> bool:
    """Whether a ticket issued before ``ticket_number`` is still waiting or being served."""
    return any(ticket.number < ticket_number and not ticket.has_expired()
               for ticket in self.tickets)


def install() -> None:
    TicketLock.is_locked = is_locked
