"""The warehouse tables of DESIGN.md (DuckDB / MotherDuck), created on first connection."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    document_id VARCHAR PRIMARY KEY,
    sha256 VARCHAR NOT NULL,
    filename VARCHAR NOT NULL,
    source_uri VARCHAR NOT NULL,
    size_bytes BIGINT NOT NULL,
    page_count INTEGER,
    status VARCHAR NOT NULL,
    error VARCHAR,
    registered_at TIMESTAMPTZ NOT NULL,
    processed_at TIMESTAMPTZ
);
CREATE TABLE IF NOT EXISTS raw_ocr (
    document_id VARCHAR NOT NULL,
    page_number INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    method VARCHAR NOT NULL,
    confidence DOUBLE,
    ocr_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (document_id, page_number)
);
CREATE TABLE IF NOT EXISTS entities (
    document_id VARCHAR NOT NULL,
    page_number INTEGER NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    label VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    confidence DOUBLE NOT NULL,
    source VARCHAR NOT NULL,
    model_version VARCHAR NOT NULL,
    extracted_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (document_id, page_number, start_char, end_char, label)
);
CREATE TABLE IF NOT EXISTS page_predictions (
    document_id VARCHAR NOT NULL,
    page_number INTEGER NOT NULL,
    model_version VARCHAR NOT NULL,
    entity_count INTEGER NOT NULL,
    uncertainty DOUBLE,
    predicted_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (document_id, page_number)
);
CREATE TABLE IF NOT EXISTS entity_corrections (
    record_id VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    document_id VARCHAR NOT NULL,
    page_number INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    original_label VARCHAR,
    correction VARCHAR NOT NULL,
    annotator VARCHAR NOT NULL,
    submitted_at TIMESTAMPTZ NOT NULL,
    response_status VARCHAR NOT NULL DEFAULT 'submitted',
    PRIMARY KEY (record_id, label, start_char, end_char)
);
CREATE TABLE IF NOT EXISTS annotated_pages (
    record_id VARCHAR PRIMARY KEY,
    document_id VARCHAR NOT NULL,
    page_number INTEGER NOT NULL,
    annotator VARCHAR NOT NULL,
    response_status VARCHAR NOT NULL,
    submitted_at TIMESTAMPTZ NOT NULL,
    corrections INTEGER NOT NULL,
    rejected_spans VARCHAR NOT NULL,
    synced_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS registry_vessels (
    source VARCHAR NOT NULL,
    source_vessel_id VARCHAR NOT NULL,
    vessel_name VARCHAR,
    imo VARCHAR,
    mmsi VARCHAR,
    ircs VARCHAR,
    flag VARCHAR,
    registration_number VARCHAR,
    port VARCHAR,
    owner VARCHAR,
    vessel_type VARCHAR,
    gear_type VARCHAR,
    tonnage DOUBLE,
    length DOUBLE,
    build_year INTEGER,
    authorised_from DATE,
    authorised_to DATE,
    listed_on DATE,
    PRIMARY KEY (source, source_vessel_id)
);
-- Columns added after the first release, for warehouses created before them.
ALTER TABLE raw_ocr ADD COLUMN IF NOT EXISTS engine VARCHAR;
ALTER TABLE registry_vessels ADD COLUMN IF NOT EXISTS authorised_from DATE;
ALTER TABLE registry_vessels ADD COLUMN IF NOT EXISTS authorised_to DATE;
ALTER TABLE registry_vessels ADD COLUMN IF NOT EXISTS listed_on DATE;
"""
