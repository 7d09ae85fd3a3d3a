"""Alembic's entry point for the store's migrations: the store hands over its connection
(``config.attributes["connection"]``), so that migrating is part of opening a store."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=True)  # batch: SQLite's ALTER
with context.begin_transaction():
    context.run_migrations()
