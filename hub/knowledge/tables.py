"""Knowledge tables: articles, their versions, agents' feedback, suggestions counted per day and the queries that
found nothing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.clock import utcnow
from hub.db.base import Base


class Article(Base):
    """A stable identity; its content lives in versions. At most one live and one working version."""

    __tablename__ = "kb_articles"
    id: Mapped[int] = mapped_column(primary_key=True)
    locale: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    review_by: Mapped[date | None] = mapped_column(Date, default=None)
    live_version_id: Mapped[int | None] = mapped_column(Integer, default=None)
    working_version_id: Mapped[int | None] = mapped_column(Integer, default=None)
    archived_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ArticleVersion(Base):
    __tablename__ = "kb_versions"
    __table_args__ = (UniqueConstraint("article_id", "number", name="uq_kb_versions_article_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    # draft -> in_review -> published -> superseded | archived
    status: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    body_md: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    short_answer: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(200), default="")
    tags: Mapped[list[Any]] = mapped_column(default=list)
    variants: Mapped[list[Any]] = mapped_column(default=list)
    # Bumped on every save of a draft: a save naming an older revision is a conflict, never an overwrite.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(default=None)


class ArticleEvent(Base):
    """inserted / helpful / not_helpful, as agents tell: what the ranking learns from (suggestions are counted per
    day in ArticleDay)."""

    __tablename__ = "kb_events"
    __table_args__ = (Index("ix_kb_events_article_kind", "article_id", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ArticleDay(Base):
    """How often an article was suggested on a day (UTC): one row per article and day, added to by each flush of
    the usage log (a row per suggestion was five rows per inbound message, and nothing read them one by one)."""

    __tablename__ = "kb_article_days"
    # The knowledge list sums the last 30 days for every article: by day first, or it reads every day ever kept.
    __table_args__ = (Index("ix_kb_article_days_day", "day", "article_id"),)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    suggested: Mapped[int] = mapped_column(Integer, default=0)


class UnansweredQuery(Base):
    """A search or ticket message whose best suggestion scored under the threshold: the gap report's input."""

    __tablename__ = "kb_unanswered"
    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(500))
    locale: Mapped[str] = mapped_column(String(16))
    best_score: Mapped[float | None] = mapped_column(default=None)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
