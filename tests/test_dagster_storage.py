"""Dagster's own storage: PostgreSQL for `make dev`'s instance, sqlite files on a bare machine."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from devtools.dev import ensure_instance_storage
from devtools.services import free_port
from oceanid_dagster import settings
from tests.pdf_fixtures import text_pdf

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "deploy/local/dagster.yaml"


def shipped_instance(home: Path) -> Path:
    dagster_home = home / "dagster_home"
    dagster_home.mkdir(parents=True)
    shutil.copy(SHIPPED, dagster_home / "dagster.yaml")
    return dagster_home


def test_make_devs_instance_gets_postgres_storage_once(tmp_path, monkeypatch):
    monkeypatch.delenv("OCEANID_DAGSTER_STORAGE", raising=False)
    dagster_home = shipped_instance(tmp_path)
    assert ensure_instance_storage(dagster_home) and ensure_instance_storage(dagster_home)
    text = (dagster_home / "dagster.yaml").read_text()
    assert text.count("storage:") == 1 and "env: DAGSTER_POSTGRES_URL" in text
    assert text.startswith(SHIPPED.read_text().rstrip("\n")), "the shipped settings and comments are kept"


def test_a_storage_of_your_own_or_sqlite_is_left_alone(tmp_path, monkeypatch):
    own = tmp_path / "own"
    own.mkdir()
    (own / "dagster.yaml").write_text("storage:\n  sqlite:\n    base_dir: /srv/dagster\n")
    assert not ensure_instance_storage(own)
    assert (own / "dagster.yaml").read_text() == "storage:\n  sqlite:\n    base_dir: /srv/dagster\n"
    monkeypatch.setenv("OCEANID_DAGSTER_STORAGE", "sqlite")
    assert not ensure_instance_storage(shipped_instance(tmp_path / "sqlite"))


def oceanid_ingest(pdf: Path, home: Path, dagster_home: Path, **env: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "OCEANID_HOME": str(home), "DAGSTER_HOME": str(dagster_home), **env}
    return subprocess.run(
        [sys.executable, "-m", "oceanid_dagster.cli", "ingest", str(pdf)],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


@pytest.fixture
def notice_pdf(tmp_path) -> Path:
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(text_pdf("IUU notice: the reefer IBUKI (IMO 9666481, call sign 3ELC8), flag Panama."))
    return pdf


def test_cli_runs_land_in_postgres_where_the_ui_reads_them(tmp_path, notice_pdf, postgres_url, monkeypatch):
    monkeypatch.delenv("OCEANID_DAGSTER_STORAGE", raising=False)
    dagster_home = shipped_instance(tmp_path / "home")
    ensure_instance_storage(dagster_home)

    result = oceanid_ingest(notice_pdf, tmp_path / "home", dagster_home, DAGSTER_POSTGRES_URL=postgres_url)

    assert result.returncode == 0, result.stdout + result.stderr
    with psycopg.connect(postgres_url) as connection:
        statuses = sorted(row[0] for row in connection.execute("SELECT status FROM runs"))
        events = connection.execute("SELECT count(*) FROM event_logs").fetchone()[0]
    assert statuses == ["SUCCESS", "SUCCESS"], "the registration run and the document's run"
    assert events > 10
    assert not (dagster_home / "history").exists(), "no sqlite run storage beside it"


def test_an_unreachable_postgres_storage_says_what_to_do(tmp_path, notice_pdf):
    dagster_home = shipped_instance(tmp_path / "home")
    ensure_instance_storage(dagster_home)
    url = f"postgresql://oceanid:s3cret-pw@127.0.0.1:{free_port()}/dagster"

    result = oceanid_ingest(notice_pdf, tmp_path / "home", dagster_home, DAGSTER_POSTGRES_URL=url)

    assert result.returncode != 0
    assert "keeps its runs in PostgreSQL" in result.stderr and "make db-start" in result.stderr, result.stderr
    assert "s3cret-pw" not in result.stdout + result.stderr


def test_a_bare_machine_keeps_sqlite(tmp_path, notice_pdf):
    home = tmp_path / "home"
    result = oceanid_ingest(notice_pdf, home, home / "dagster_home")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not settings.instance_uses_postgres(home / "dagster_home")
    assert (home / "dagster_home" / "history" / "runs.db").exists()
