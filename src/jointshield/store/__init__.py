"""The store: SQLAlchemy Core tables with Alembic migrations; SQLite (``jointshield.db`` in the working
directory, WAL mode) by default, PostgreSQL when ``JOINTSHIELD_DATABASE_URL`` (or ``--db``) names one.
Every write is one transaction."""

from .db import DEFAULT_URL, ENV, database_url, make_engine, migrate
from .store import Store, now_iso

__all__ = ["DEFAULT_URL", "ENV", "Store", "database_url", "make_engine", "migrate", "now_iso"]
