"""One name for each idea (document version 6): a measurement's ``runtime`` is where it ran
(was ``runtime_kind``; the CLI's "chromium" is "browser", as the page's own rows were), its
``interpreter`` what ran it (was ``runtime``); every saved document is rewritten as version 6,
so that the site serves each one as it is and the page reads one set of names.

Revision ID: 0004
Revises: 0003
Created: 2026-12-07
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# A row's and a start-up's keys: version 6's name -> version 5's. History, as of this
# revision (fib_benchmarks.results.document.upgraded does the same for files).
RENAMED = {"runtime": "runtime_kind", "interpreter": "runtime", "build_info": "build"}
runs = sa.table("runs", sa.column("id", sa.String), sa.column("document", sa.Text))


def _runtime(name: str) -> str:
    return "browser" if name == "chromium" else name


def _entry(entry: dict) -> dict:
    names = {old: new for new, old in RENAMED.items()}
    return {
        names.get(key, key): _runtime(value) if key == "runtime_kind" else value
        for key, value in entry.items()
    }


def _document(document: dict) -> dict:
    if document.get("version", 6) >= 6:
        return document
    settings = document.get("settings") or {}
    versions = document.get("versions") or {}
    return {
        **document,
        "version": 6,
        "versions": {("interpreters" if k == "runtimes" else k): v for k, v in versions.items()},
        "settings": {**settings, "runtimes": [_runtime(r) for r in settings.get("runtimes", [])]},
        "rows": [_entry(row) for row in document.get("rows", [])],
        "startups": [_entry(startup) for startup in document.get("startups", [])],
    }


def upgrade() -> None:
    op.drop_index("measurements_runtime_run", "measurements")
    with op.batch_alter_table("measurements") as table:
        table.alter_column("runtime", new_column_name="interpreter", existing_type=sa.Text)
    with op.batch_alter_table("measurements") as table:
        table.alter_column("runtime_kind", new_column_name="runtime", existing_type=sa.String(16))
    op.create_index("measurements_runtime_run", "measurements", ["runtime", "run_id"])
    op.execute("UPDATE measurements SET runtime = 'browser' WHERE runtime = 'chromium'")
    connection = op.get_bind()
    for run_id, text in connection.execute(sa.select(runs.c.id, runs.c.document)).all():
        document = json.loads(text)
        upgraded = _document(document)
        if upgraded is not document:
            query = runs.update().where(runs.c.id == run_id)
            connection.execute(query.values(document=json.dumps(upgraded)))


def downgrade() -> None:
    # The names only: the documents stay version 6, and "browser" stays (the CLI's former
    # "chromium" rows cannot be told from the page's).
    op.drop_index("measurements_runtime_run", "measurements")
    with op.batch_alter_table("measurements") as table:
        table.alter_column("runtime", new_column_name="runtime_kind", existing_type=sa.String(16))
    with op.batch_alter_table("measurements") as table:
        table.alter_column("interpreter", new_column_name="runtime", existing_type=sa.Text)
    op.create_index("measurements_runtime_run", "measurements", ["runtime_kind", "run_id"])
