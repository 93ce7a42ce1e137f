"""Opening a database: the URL, the engine (SQLite in WAL mode, or PostgreSQL) and the migrations."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url

from ..errors import InputError

DEFAULT_URL = "sqlite:///jointshield.db"
ENV = "JOINTSHIELD_DATABASE_URL"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def database_url(url: str | None = None) -> str:
    """``url``, else ``$JOINTSHIELD_DATABASE_URL``, else ``jointshield.db`` in the working directory."""
    url = url or os.environ.get(ENV) or DEFAULT_URL
    try:
        u = make_url(url)
    except Exception:  # noqa: BLE001  (sqlalchemy raises ArgumentError and others)
        raise InputError("--db", f"{url!r} is not a database URL; e.g. sqlite:///jointshield.db or "
                         "postgresql+psycopg://user@host/db") from None
    if u.get_backend_name() not in ("sqlite", "postgresql"):
        raise InputError("--db", f"{u.get_backend_name()!r} is not supported; allowed: sqlite, postgresql")
    if u.get_backend_name() == "postgresql" and u.drivername == "postgresql":
        url = u.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def make_engine(url: str) -> Engine:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                               pool_size=20, max_overflow=20)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
            cur = dbapi_conn.cursor()
            if u.database not in (None, "", ":memory:"):
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            # A writing transaction takes the write lock at once: no upgrade deadlock, no lost update.
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")

        return engine
    return create_engine(url, pool_size=20, max_overflow=20, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (Alembic ``upgrade head``)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        conn.info["write"] = True
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.commit()
        conn.info.pop("write", None)
