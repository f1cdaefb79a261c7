"""ticket customer tier: the customer's tier on each ticket, kept by the database, and a list index over it

Revision ID: 0019
Revises: 0018
Created: 2026-12-03 14:20:00
"""

from __future__ import annotations

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

INDEX = ["customer_tier", "status", "priority_rank", "last_message_at", "id"]

# Triggers, not application code: every way a ticket is made or moved, and every way a tier changes (the API,
# imports, merges, bulk loads), keeps the copy right in the same transaction.
SQLITE = [
    """CREATE TRIGGER tickets_tier_on_insert AFTER INSERT ON tickets BEGIN
        UPDATE tickets SET customer_tier = (SELECT tier FROM customers WHERE customers.id = NEW.customer_id)
        WHERE id = NEW.id; END""",
    """CREATE TRIGGER tickets_tier_on_move AFTER UPDATE OF customer_id ON tickets BEGIN
        UPDATE tickets SET customer_tier = (SELECT tier FROM customers WHERE customers.id = NEW.customer_id)
        WHERE id = NEW.id; END""",
    """CREATE TRIGGER customers_tier_to_tickets AFTER UPDATE OF tier ON customers
        WHEN OLD.tier IS NOT NEW.tier BEGIN
        UPDATE tickets SET customer_tier = NEW.tier WHERE customer_id = NEW.id; END""",
]
POSTGRES = [
    """CREATE FUNCTION tickets_take_customer_tier() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN NEW.customer_tier := (SELECT tier FROM customers WHERE customers.id = NEW.customer_id);
        RETURN NEW; END $$""",
    """CREATE TRIGGER tickets_tier BEFORE INSERT OR UPDATE OF customer_id ON tickets
        FOR EACH ROW EXECUTE FUNCTION tickets_take_customer_tier()""",
    """CREATE FUNCTION customers_give_tier() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN UPDATE tickets SET customer_tier = NEW.tier WHERE customer_id = NEW.id; RETURN NULL; END $$""",
    """CREATE TRIGGER customers_tier_to_tickets AFTER UPDATE OF tier ON customers
        FOR EACH ROW WHEN (OLD.tier IS DISTINCT FROM NEW.tier) EXECUTE FUNCTION customers_give_tier()""",
]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute("ALTER TABLE tickets ADD COLUMN customer_tier VARCHAR(16)")
    op.execute("UPDATE tickets SET customer_tier = (SELECT tier FROM customers WHERE customers.id = customer_id)")
    for statement in SQLITE if sqlite else POSTGRES:
        op.execute(statement)
    # A tier's list (hub/tickets/listing.py) is then an index range, however rare the tier.
    op.create_index("ix_tickets_tier_inbox", "tickets", INDEX)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.drop_index("ix_tickets_tier_inbox", table_name="tickets")
    if sqlite:
        for name in ("tickets_tier_on_insert", "tickets_tier_on_move", "customers_tier_to_tickets"):
            op.execute(f"DROP TRIGGER {name}")
    else:
        op.execute("DROP TRIGGER customers_tier_to_tickets ON customers")
        op.execute("DROP TRIGGER tickets_tier ON tickets")
        op.execute("DROP FUNCTION customers_give_tier()")
        op.execute("DROP FUNCTION tickets_take_customer_tier()")
    op.execute("ALTER TABLE tickets DROP COLUMN customer_tier")
