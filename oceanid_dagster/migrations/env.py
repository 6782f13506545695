"""Alembic environment: one transaction per migration, so a migration that fails leaves the
database at the previous revision (PostgreSQL DDL is transactional)."""

from alembic import context
from sqlalchemy import create_engine, pool

from oceanid_dagster.migrations.runner import sqlalchemy_url

url = context.config.get_main_option("sqlalchemy.url")
engine = create_engine(sqlalchemy_url(url), poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
