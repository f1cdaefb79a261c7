"""Storage: engine factory, tables, unit of work and alembic migrations."""
