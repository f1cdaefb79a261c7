"""Tables of the ticket domain beyond the core ones: links between tickets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.clock import utcnow
from hub.db.base import Base


class TicketLink(Base):
    """Two tickets that belong together. "related" is stored with the lower id first; "parent" from the parent
    to its child. One link per pair, whichever way round (hub/tickets/links.py)."""

    __tablename__ = "ticket_links"
    __table_args__ = (UniqueConstraint("from_id", "to_id", name="uq_ticket_links_pair"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    from_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    to_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
