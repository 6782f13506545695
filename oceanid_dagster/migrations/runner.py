"""Applying the curated store's migrations (Alembic, plain SQL) to a PostgreSQL URL.

Used by ``oceanid db migrate`` (`make db-migrate`), by the promotion assets to refuse a database
that is not at head, and by the tests."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

MIGRATIONS_DIR = Path(__file__).parent


def sqlalchemy_url(url: str) -> str:
    """``postgresql://`` as SQLAlchemy's psycopg 3 dialect (the project has no psycopg2)."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    raise ValueError(f"not a PostgreSQL URL: {redact_url(url)}")


def redact_url(url: str) -> str:
    """The URL as it may be shown: any password replaced by ``***``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def hide_password(text: str, url: str) -> str:
    """``text`` (an error message about ``url``) with ``url``'s password, if any, replaced by ``***``."""
    password = urlsplit(url).password
    return text.replace(password, "***") if password else text


def alembic_config(url: str, script_location: Path = MIGRATIONS_DIR):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # ConfigParser interpolation
    return config


def upgrade(url: str, revision: str = "head", script_location: Path = MIGRATIONS_DIR) -> str | None:
    """Migrate to ``revision`` (idempotent at head); returns the revision the database is at."""
    from alembic import command

    command.upgrade(alembic_config(url, script_location), revision)
    return current_revision(url)


def downgrade(url: str, revision: str, script_location: Path = MIGRATIONS_DIR) -> str | None:
    from alembic import command

    command.downgrade(alembic_config(url, script_location), revision)
    return current_revision(url)


def current_revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine, pool

    engine = create_engine(sqlalchemy_url(url), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def revisions(script_location: Path = MIGRATIONS_DIR) -> list[str]:
    """Every revision, oldest first."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(script_location))
    return [entry.revision for entry in reversed(list(script.walk_revisions()))]


def head_revision(script_location: Path = MIGRATIONS_DIR) -> str:
    return revisions(script_location)[-1]
