"""curated: vessels and their identifiers and attributes as sourced facts with validity periods.

Revision ID: 0002_curated
Revises: 0001_stage
Create Date: 2026-12-02
"""

from alembic import op

revision = "0002_curated"
down_revision = "0001_stage"
branch_labels = None
depends_on = None

SOURCE_KINDS = "'registry', 'correction', 'model', 'rules'"


def upgrade() -> None:
    op.execute(f"""
    CREATE TABLE curated.vessels (
        vessel_id   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        vessel_key  text NOT NULL UNIQUE,
        name        text,
        flag        text,
        imo         text,
        sources     integer NOT NULL CHECK (sources >= 1),
        promoted_at timestamptz NOT NULL DEFAULT now()
    );
    COMMENT ON COLUMN curated.vessels.vessel_key IS
        'the resolved vessel''s strongest identifier (IMO:..., MMSI:..., IRCS:..., REG:..., NAME:...): '
        'keeps vessel_id stable across promotions';

    CREATE TABLE curated.ports (
        port_id    serial PRIMARY KEY,
        name       text NOT NULL,
        country    text NOT NULL DEFAULT '',
        locode     text,
        location   geography(Point, 4326),
        UNIQUE (name, country)
    );
    CREATE INDEX ports_location ON curated.ports USING gist (location);

    -- An identifier belongs to one vessel at a time: the exclusion constraint is the guarantee.
    CREATE TABLE curated.vessel_identifiers (
        vessel_id   uuid NOT NULL REFERENCES curated.vessels ON DELETE CASCADE,
        scheme      text NOT NULL CHECK (scheme IN ('IMO', 'MMSI', 'IRCS', 'REGISTRATION_NUMBER')),
        issuer      text NOT NULL DEFAULT '',
        value       text NOT NULL,
        valid       tstzrange NOT NULL CHECK (NOT isempty(valid)),
        source_kind text NOT NULL CHECK (source_kind IN ({SOURCE_KINDS})),
        source_ref  text NOT NULL,
        PRIMARY KEY (scheme, issuer, value, vessel_id, source_ref, valid),
        EXCLUDE USING gist (scheme WITH =, issuer WITH =, value WITH =, vessel_id WITH <>, valid WITH &&)
    );
    COMMENT ON COLUMN curated.vessel_identifiers.issuer IS
        'the flag state for registration numbers (they are national), empty for global identifiers';

    -- Claims the resolution could not give their vessel: another vessel holds the identifier then.
    CREATE TABLE curated.disputed_identifiers (
        vessel_id   uuid NOT NULL REFERENCES curated.vessels ON DELETE CASCADE,
        held_by     uuid NOT NULL REFERENCES curated.vessels ON DELETE CASCADE,
        scheme      text NOT NULL,
        issuer      text NOT NULL DEFAULT '',
        value       text NOT NULL,
        valid       tstzrange NOT NULL,
        source_kind text NOT NULL CHECK (source_kind IN ({SOURCE_KINDS})),
        source_ref  text NOT NULL,
        PRIMARY KEY (scheme, issuer, value, vessel_id, source_ref, valid)
    );

    CREATE TABLE curated.vessel_attributes (
        vessel_id   uuid NOT NULL REFERENCES curated.vessels ON DELETE CASCADE,
        attribute   text NOT NULL CHECK (attribute IN
                    ('name', 'flag', 'owner', 'vessel_type', 'gear_type', 'port', 'tonnage', 'length', 'build_year')),
        value       text NOT NULL,
        normalized  text NOT NULL,
        port_id     integer REFERENCES curated.ports,
        valid       tstzrange NOT NULL CHECK (NOT isempty(valid)),
        source_kind text NOT NULL CHECK (source_kind IN ({SOURCE_KINDS})),
        source_ref  text NOT NULL,
        PRIMARY KEY (vessel_id, attribute, normalized, source_ref, valid),
        CHECK ((attribute = 'port') OR port_id IS NULL)
    );
    CREATE INDEX vessel_attributes_valid ON curated.vessel_attributes USING gist (vessel_id, attribute, valid);
    """)


def downgrade() -> None:
    op.execute("""
    DROP TABLE curated.vessel_attributes;
    DROP TABLE curated.disputed_identifiers;
    DROP TABLE curated.vessel_identifiers;
    DROP TABLE curated.ports;
    DROP TABLE curated.vessels;
    """)
