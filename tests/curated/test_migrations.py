"""The curated store's migrations against a real PostgreSQL 15 + PostGIS: head from empty, every
downgrade, idempotent re-runs, a failing migration leaving the previous revision, `make db-migrate`."""

import os
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest

from oceanid_dagster.migrations.runner import (
    MIGRATIONS_DIR,
    current_revision,
    downgrade,
    head_revision,
    revisions,
    upgrade,
)

REPO = Path(__file__).resolve().parents[2]
EXPECTED_RELATIONS = {
    "stage": {"documents", "extraction_runs", "pages", "entities", "reviews", "corrections"},
    "curated": {"vessels", "ports", "vessel_identifiers", "disputed_identifiers", "vessel_attributes"},
}
EXPECTED_VIEWS = {"stage.v_documents_freshness", "stage.v_review_queue", "curated.v_conflicts"}


def relations(url: str) -> dict[str, set[str]]:
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT table_schema, table_name, table_type FROM information_schema.tables "
            "WHERE table_schema IN ('stage', 'curated')"
        ).fetchall()
    found: dict[str, set[str]] = {"tables": set(), "views": set()}
    for schema, name, kind in rows:
        found["views" if kind == "VIEW" else "tables"].add(f"{schema}.{name}")
    return found


def test_an_empty_database_migrates_to_head_with_the_extensions_schemas_and_views(postgres_url):
    assert current_revision(postgres_url) is None
    assert upgrade(postgres_url) == head_revision()
    found = relations(postgres_url)
    assert {f"{schema}.{table}" for schema, tables in EXPECTED_RELATIONS.items() for table in tables} <= found["tables"]
    assert found["views"] >= EXPECTED_VIEWS
    with psycopg.connect(postgres_url) as connection:
        extensions = {row[0] for row in connection.execute("SELECT extname FROM pg_extension")}
    assert {"pgcrypto", "postgis", "btree_gist"} <= extensions


def test_migrating_again_at_head_changes_nothing(migrated_postgres_url):
    with psycopg.connect(migrated_postgres_url) as connection:
        connection.execute("INSERT INTO curated.vessels (vessel_key, sources) VALUES ('IMO:9086758', 1)")
    assert upgrade(migrated_postgres_url) == head_revision()
    with psycopg.connect(migrated_postgres_url) as connection:
        assert connection.execute("SELECT count(*) FROM curated.vessels").fetchone()[0] == 1


def test_every_migration_downgrades_to_the_one_before_and_upgrades_again(migrated_postgres_url):
    chain = revisions()
    assert len(chain) >= 3
    for previous in reversed([None, *chain[:-1]]):
        assert downgrade(migrated_postgres_url, previous or "base") == previous
        before = relations(migrated_postgres_url)
        if previous is None:
            assert before == {"tables": set(), "views": set()}, "base leaves no stage/curated relation"
    assert upgrade(migrated_postgres_url) == head_revision()
    assert relations(migrated_postgres_url)["views"] >= EXPECTED_VIEWS


def test_a_failing_migration_leaves_the_database_at_the_previous_revision(postgres_url, tmp_path):
    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    head = head_revision()
    (scripts / "versions" / "9999_broken.py").write_text(
        f'from alembic import op\nrevision = "9999_broken"\ndown_revision = "{head}"\n'
        "branch_labels = None\ndepends_on = None\n\n"
        "def upgrade():\n"
        '    op.execute("CREATE TABLE curated.half_done (id int)")\n'
        '    op.execute("SELECT no_such_function()")\n\n'
        "def downgrade():\n    pass\n"
    )
    upgrade(postgres_url, head, script_location=scripts)
    with pytest.raises(Exception, match="no_such_function"):
        upgrade(postgres_url, "head", script_location=scripts)
    assert current_revision(postgres_url) == head
    with psycopg.connect(postgres_url) as connection:
        assert connection.execute("SELECT to_regclass('curated.half_done')").fetchone()[0] is None


def test_make_db_migrate_is_idempotent(postgres_url):
    env = {**os.environ, "DATABASE_URL": postgres_url}
    for _ in range(2):
        result = subprocess.run(["make", "-s", "db-migrate"], cwd=REPO, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        assert head_revision() in result.stdout
    assert current_revision(postgres_url) == head_revision()
