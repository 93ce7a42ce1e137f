"""The tables (SQLAlchemy Core). Documents (changes, notifications, results, statements, ledger payloads)
are canonical JSON text, so that what is hashed and what is stored are the same bytes. Alembic's
migrations in ``migrations/versions`` create them; a test keeps the two equal."""

from __future__ import annotations

from sqlalchemy import (
                        Boolean,
                        Column,
                        Float,
                        ForeignKey,
                        Integer,
                        MetaData,
                        String,
                        Table,
                        Text,
                        UniqueConstraint,
)

metadata = MetaData()

meta = Table("meta", metadata, Column("key", String(64), primary_key=True), Column("value", Text, nullable=False))

partners = Table(
    "partners", metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("country", String(2), nullable=False),
    Column("role", String(16), nullable=False),
    Column("token_id", String(32), nullable=False, unique=True),
    Column("token_salt", String(64), nullable=False),
    Column("token_hash", String(128), nullable=False),
    Column("public_key", String(64), nullable=False),
    Column("private_key", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("revoked_at", String(32)),
)

ledger_head = Table(
    "ledger_head", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("time", String(32), nullable=False),
)

ledger_entries = Table(
    "ledger_entries", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("ledger", String(64), nullable=False),
    Column("prev", String(64), nullable=False),
    Column("time", String(32), nullable=False),
    Column("partner", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("payload", Text, nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    Column("signature", String(128), nullable=False),
)

architecture = Table(
    "architecture", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False),
    Column("document", Text, nullable=False),
)

proposals = Table(
    "proposals", metadata,
    Column("id", Integer, primary_key=True),
    Column("author", String(64), ForeignKey("partners.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("change", Text, nullable=False),
    Column("required", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
)

decisions = Table(
    "decisions", metadata,
    Column("id", Integer, primary_key=True),
    Column("proposal_id", Integer, ForeignKey("proposals.id"), nullable=False),
    Column("partner", String(64), ForeignKey("partners.id"), nullable=False),
    Column("approve", Boolean, nullable=False),
    Column("comment", Text, nullable=False),
    Column("ledger_seq", Integer, nullable=False),
    UniqueConstraint("proposal_id", "partner", name="uq_decision_once"),
)

notifications = Table(
    "notifications", metadata,
    Column("id", Integer, primary_key=True),
    Column("partner", String(64), ForeignKey("partners.id"), nullable=False),
    Column("document", Text, nullable=False),
    Column("filed_at", String(32), nullable=False),
    Column("ledger_seq", Integer, nullable=False),
)

runs = Table(
    "runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("partner", String(64), ForeignKey("partners.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("progress", Float, nullable=False),
    Column("request", Text, nullable=False),
    Column("result", Text),
    Column("error", Text),
    Column("created_at", String(32), nullable=False),
    Column("finished_at", String(32)),
    Column("ledger_seq", Integer),
)

statements = Table(
    "statements", metadata,
    Column("id", Integer, primary_key=True),
    Column("partner", String(64), ForeignKey("partners.id"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("document", Text, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("ledger_seq", Integer, nullable=False),
)
