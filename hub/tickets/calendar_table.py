"""The calendars table: business hours, holidays and extra working days admins edit (hub.toml's are mirrored in)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from hub.clock import utcnow
from hub.db.base import Base


class StoredCalendar(Base):
    """One calendar as the API shows it: spans as "HH:MM-HH:MM" text, dates as ISO text (hub/tickets/calendar_store.py
    turns a row into a business-time Calendar)."""

    __tablename__ = "calendars"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    time_zone: Mapped[str] = mapped_column(String(64))
    hours: Mapped[list[Any]] = mapped_column()  # seven lists of spans, Monday first
    holidays: Mapped[list[Any]] = mapped_column(default=list)
    workdays: Mapped[list[Any]] = mapped_column(default=list)
    workday_hours: Mapped[list[Any]] = mapped_column(default=list)
    # From hub.toml's [calendars.<name>]; the start-up sync refreshes such a row from the file until an admin
    # edits it (`edited`): from then on the admin's hours win over the file's.
    configured: Mapped[bool] = mapped_column(default=False)
    edited: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
