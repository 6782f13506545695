"""The S3-compatible upload bucket (R2 in production) against a real local S3 endpoint (moto server)."""

from __future__ import annotations

import boto3
import pytest
from dagster import materialize
from moto.server import ThreadedMotoServer

from devtools.services import free_port
from oceanid_dagster.defs.resources.document_store import DocumentStoreResource, DocumentTooLargeError
from oceanid_dagster.domain.documents import sha256_hex
from tests.ingestion.helpers import INGESTION, rows_per_document
from tests.ingestion.test_upload_sensor import apply, evaluate, handed_uploads
from tests.pdf_fixtures import text_pdf

BUCKET = "oceanid-uploads"


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, monkeypatch):
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    client.create_bucket(Bucket=BUCKET)
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def s3_store(endpoint: str, **overrides) -> DocumentStoreResource:
    return DocumentStoreResource(
        uploads_uri=f"s3://{BUCKET}/incoming/",
        s3_endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
        settle_seconds=0,
        **overrides,
    )


def test_bucket_listing_hashing_and_reading(s3_endpoint, bucket):
    data = text_pdf("IBUKI IMO 9666481")
    bucket.put_object(Bucket=BUCKET, Key="incoming/2025/ibuki.pdf", Body=data)
    bucket.put_object(Bucket=BUCKET, Key="incoming/upload.pdf.part", Body=b"%PDF-")
    bucket.put_object(Bucket=BUCKET, Key="elsewhere/other.pdf", Body=data)
    store = s3_store(s3_endpoint)

    [upload] = store.list_files()

    assert (upload.uri, upload.name, upload.size_bytes) == (
        f"s3://{BUCKET}/incoming/2025/ibuki.pdf",
        "ibuki.pdf",
        len(data),
    )
    assert store.sha256(upload.uri) == sha256_hex(data)
    assert store.read_bytes(upload.uri) == data
    with pytest.raises(DocumentTooLargeError, match="over the limit of 100 bytes"):
        store.read_bytes(upload.uri, max_bytes=100)


def test_sensor_and_assets_ingest_from_the_bucket(s3_endpoint, bucket, resources, instance):
    for name in ("a", "b", "c"):
        bucket.put_object(
            Bucket=BUCKET, Key=f"incoming/{name}.pdf", Body=text_pdf(f"Vessel {name.upper()} IMO 9666481")
        )
    resources = {**resources, "document_store": s3_store(s3_endpoint)}

    result, _ = evaluate(instance, resources)
    [request] = result.run_requests
    apply(instance, result)
    ids = [upload.document_id for upload in handed_uploads(request)]

    run = materialize(
        INGESTION, instance=instance, resources=resources, run_config=request.run_config, tags=request.tags
    )

    assert run.success
    assert rows_per_document(resources["warehouse"], "raw_ocr") == dict.fromkeys(ids, 1)
    uris = {row["source_uri"] for row in resources["warehouse"].query("SELECT source_uri FROM documents")}
    assert uris == {f"s3://{BUCKET}/incoming/{name}.pdf" for name in ("a", "b", "c")}
