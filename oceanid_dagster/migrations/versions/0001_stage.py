"""stage: documents, extraction runs, pages, entities and corrections, append-only with provenance.

Revision ID: 0001_stage
Revises:
Create Date: 2026-12-02

The downgrade drops the two schemas but leaves the extensions: they belong to the database and
may serve other schemas (CREATE EXTENSION is a no-op where a superuser already created them, as
the local server's bootstrap does for PostGIS).
"""

from alembic import op

revision = "0001_stage"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    CREATE EXTENSION IF NOT EXISTS pgcrypto;
    CREATE EXTENSION IF NOT EXISTS btree_gist;
    CREATE EXTENSION IF NOT EXISTS postgis;
    CREATE SCHEMA stage;
    CREATE SCHEMA curated;

    -- A document as it was registered: content-addressed, never updated.
    CREATE TABLE stage.documents (
        document_id   text PRIMARY KEY CHECK (document_id ~ '^[0-9a-f]{16}$'),
        sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        filename      text NOT NULL,
        source        text NOT NULL,
        source_uri    text NOT NULL,
        size_bytes    bigint NOT NULL CHECK (size_bytes >= 0),
        registered_at timestamptz NOT NULL,
        staged_at     timestamptz NOT NULL DEFAULT now()
    );
    COMMENT ON COLUMN stage.documents.source IS 'the upload location (folder or bucket prefix) it came from';

    -- One row per distinct outcome of reading + extracting a document; re-reading appends.
    CREATE TABLE stage.extraction_runs (
        extraction_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        document_id   text NOT NULL REFERENCES stage.documents,
        fingerprint   text NOT NULL UNIQUE,
        status        text NOT NULL CHECK (status IN ('processed', 'failed')),
        error         text,
        page_count    integer CHECK (page_count >= 0),
        extractor     text,
        processed_at  timestamptz,
        staged_at     timestamptz NOT NULL DEFAULT now(),
        CHECK ((status = 'failed') = (error IS NOT NULL))
    );
    COMMENT ON COLUMN stage.extraction_runs.fingerprint IS
        'sha256 of what the run produced: promoting the same outcome twice adds nothing';
    CREATE INDEX extraction_runs_document ON stage.extraction_runs (document_id, staged_at DESC);

    CREATE TABLE stage.pages (
        extraction_id uuid NOT NULL REFERENCES stage.extraction_runs ON DELETE CASCADE,
        page_number   integer NOT NULL CHECK (page_number >= 1),
        text          text NOT NULL,
        text_sha256   text NOT NULL CHECK (text_sha256 ~ '^[0-9a-f]{64}$'),
        ocr_method    text NOT NULL,
        ocr_engine    text,
        confidence    real,
        uncertainty   real,
        PRIMARY KEY (extraction_id, page_number)
    );

    CREATE TABLE stage.entities (
        extraction_id uuid NOT NULL,
        page_number   integer NOT NULL,
        start_char    integer NOT NULL CHECK (start_char >= 0),
        end_char      integer NOT NULL,
        label         text NOT NULL,
        text          text NOT NULL,
        confidence    real NOT NULL,
        source        text NOT NULL CHECK (source IN ('model', 'rules')),
        model_version text NOT NULL,
        PRIMARY KEY (extraction_id, page_number, start_char, end_char, label),
        FOREIGN KEY (extraction_id, page_number) REFERENCES stage.pages ON DELETE CASCADE,
        CHECK (end_char > start_char)
    );

    -- A page's review in Argilla (submitted or discarded), corrections or none; resubmitting appends.
    CREATE TABLE stage.reviews (
        record_id       text NOT NULL,
        document_id     text NOT NULL REFERENCES stage.documents,
        page_number     integer NOT NULL,
        annotator       text NOT NULL,
        response_status text NOT NULL,
        corrections     integer NOT NULL,
        submitted_at    timestamptz NOT NULL,
        staged_at       timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (record_id, submitted_at)
    );
    CREATE INDEX reviews_page ON stage.reviews (document_id, page_number);

    -- Human corrections from Argilla; a new submission of a page is a new set of rows.
    CREATE TABLE stage.corrections (
        record_id     text NOT NULL,
        label         text NOT NULL,
        start_char    integer NOT NULL,
        end_char      integer NOT NULL,
        document_id   text NOT NULL REFERENCES stage.documents,
        page_number   integer NOT NULL,
        text          text NOT NULL,
        original_label text,
        correction    text NOT NULL CHECK (correction IN ('accept', 'modify', 'reject', 'add')),
        annotator     text NOT NULL,
        submitted_at  timestamptz NOT NULL,
        staged_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (record_id, label, start_char, end_char, submitted_at)
    );
    CREATE INDEX corrections_page ON stage.corrections (document_id, page_number);
    """)


def downgrade() -> None:
    op.execute("DROP SCHEMA curated CASCADE; DROP SCHEMA stage CASCADE;")
