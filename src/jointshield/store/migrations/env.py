"""Alembic environment: run by :func:`jointshield.store.migrate` with a connection in
``config.attributes["connection"]`` (or the URL in ``sqlalchemy.url``)."""

from alembic import context
from sqlalchemy import create_engine

from jointshield.store.schema import metadata

config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as connection:
            context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
            with context.begin_transaction():
                context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run()
