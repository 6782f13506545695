"""Views: stage.v_documents_freshness, stage.v_review_queue, curated.v_conflicts.

Revision ID: 0003_views
Revises: 0002_curated
Create Date: 2026-12-02
"""

from alembic import op

revision = "0003_views"
down_revision = "0002_curated"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    CREATE VIEW stage.v_latest_extractions AS
    SELECT DISTINCT ON (document_id) *
    FROM stage.extraction_runs
    ORDER BY document_id, staged_at DESC, processed_at DESC NULLS LAST;
    COMMENT ON VIEW stage.v_latest_extractions IS 'each document''s most recently staged extraction run';

    CREATE VIEW stage.v_documents_freshness AS
    SELECT d.source,
           count(*) AS documents,
           max(d.registered_at) AS last_upload,
           max(l.processed_at) FILTER (WHERE l.status = 'processed') AS last_processed,
           count(*) FILTER (WHERE l.document_id IS NULL) AS waiting,
           count(*) FILTER (WHERE l.status = 'failed') AS failures,
           coalesce(now() - min(d.registered_at) FILTER (WHERE l.document_id IS NULL), interval '0')
               AS lag
    FROM stage.documents d
    LEFT JOIN stage.v_latest_extractions l USING (document_id)
    GROUP BY d.source;
    COMMENT ON VIEW stage.v_documents_freshness IS
        'per upload source: last upload, last processed, documents waiting, documents whose latest run '
        'failed, and lag = how long the oldest waiting upload has waited (0 when none waits)';

    CREATE VIEW stage.v_review_queue AS
    SELECT l.document_id, p.page_number, d.filename, d.source, l.extractor, l.processed_at,
           p.uncertainty,
           count(e.label) AS entities,
           min(e.confidence) AS lowest_confidence
    FROM stage.v_latest_extractions l
    JOIN stage.documents d USING (document_id)
    JOIN stage.pages p ON p.extraction_id = l.extraction_id
    LEFT JOIN stage.entities e ON e.extraction_id = p.extraction_id AND e.page_number = p.page_number
    WHERE l.status = 'processed'
      AND NOT EXISTS (SELECT 1 FROM stage.reviews r
                      WHERE r.document_id = l.document_id AND r.page_number = p.page_number)
    GROUP BY l.document_id, p.page_number, d.filename, d.source, l.extractor, l.processed_at, p.uncertainty
    ORDER BY p.uncertainty DESC NULLS LAST, min(e.confidence) ASC NULLS FIRST, l.document_id, p.page_number;
    COMMENT ON VIEW stage.v_review_queue IS 'pages of the latest extractions nobody has reviewed, most uncertain first';

    CREATE VIEW curated.v_conflicts AS
    SELECT 'attribute_disagrees'::text AS kind, a.vessel_id, v.vessel_key, a.attribute AS field,
           min(a.value) AS value, min(b.value) AS other_value,
           array_agg(DISTINCT a.source_ref ORDER BY a.source_ref) AS sources,
           array_agg(DISTINCT b.source_ref ORDER BY b.source_ref) AS other_sources,
           range_agg(a.valid * b.valid) AS during,
           NULL::uuid AS other_vessel_id
    FROM curated.vessel_attributes a
    JOIN curated.vessel_attributes b
      ON b.vessel_id = a.vessel_id AND b.attribute = a.attribute AND a.normalized < b.normalized
     AND a.valid && b.valid
    JOIN curated.vessels v ON v.vessel_id = a.vessel_id
    WHERE a.attribute IN ('name', 'flag')
    GROUP BY a.vessel_id, v.vessel_key, a.attribute, a.normalized, b.normalized
    UNION ALL
    SELECT 'identifier_disputed', d.vessel_id, v.vessel_key, d.scheme, d.value, d.value,
           array_agg(DISTINCT d.source_ref ORDER BY d.source_ref),
           array_agg(DISTINCT i.source_ref ORDER BY i.source_ref),
           range_agg(d.valid * i.valid),
           d.held_by
    FROM curated.disputed_identifiers d
    JOIN curated.vessel_identifiers i
      ON i.scheme = d.scheme AND i.issuer = d.issuer AND i.value = d.value AND i.vessel_id = d.held_by
     AND i.valid && d.valid
    JOIN curated.vessels v ON v.vessel_id = d.vessel_id
    GROUP BY d.vessel_id, v.vessel_key, d.scheme, d.issuer, d.value, d.held_by;
    COMMENT ON VIEW curated.v_conflicts IS
        'facts that disagree: two names or flags of one vessel in the same period, and identifiers '
        'claimed by a vessel while another holds them';
    """)


def downgrade() -> None:
    op.execute("""
    DROP VIEW curated.v_conflicts;
    DROP VIEW stage.v_review_queue;
    DROP VIEW stage.v_documents_freshness;
    DROP VIEW stage.v_latest_extractions;
    """)
