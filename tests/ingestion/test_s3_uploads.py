"""The S3-compatible upload bucket (R2 in production) against a real local S3 endpoint (moto server)."""

from __future__ import annotations

import hashlib

import boto3
import pytest
from dagster import materialize

from oceanid_dagster.defs.partitions import partition_range_tags
from oceanid_dagster.defs.resources.document_store import DocumentStoreResource, DocumentTooLargeError
from oceanid_dagster.domain.documents import sha256_hex
from tests.ingestion.helpers import INGESTION, rows_per_document
from tests.ingestion.test_upload_sensor import evaluate, register_handed
from tests.pdf_fixtures import text_pdf

BUCKET = "oceanid-uploads"


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

    [upload] = store.list_files().files

    assert (upload.uri, upload.name, upload.size_bytes) == (
        f"s3://{BUCKET}/incoming/2025/ibuki.pdf",
        "ibuki.pdf",
        len(data),
    )
    assert upload.version == hashlib.md5(data).hexdigest(), "change detection by the object's ETag"
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
    assert register_handed(instance, resources, result.run_requests[0]).success
    ids = instance.get_dynamic_partitions("documents")
    run = materialize(INGESTION, instance=instance, resources=resources, tags=partition_range_tags(ids))

    assert run.success
    assert rows_per_document(resources["warehouse"], "raw_ocr") == dict.fromkeys(ids, 1)
    uris = {row["source_uri"] for row in resources["warehouse"].query("SELECT source_uri FROM documents")}
    assert uris == {f"s3://{BUCKET}/incoming/{name}.pdf" for name in ("a", "b", "c")}


def test_keys_with_url_characters_are_read_as_they_are(s3_endpoint, bucket):
    """A key holding ``?``, ``#`` or ``%`` is the key, not a URL with a query or fragment."""
    odd = {"incoming/report?v=2.pdf": text_pdf("odd 1"), "incoming/list #3.pdf": text_pdf("odd 2")}
    odd["incoming/100%.pdf"] = text_pdf("odd 3")
    for key, data in odd.items():
        bucket.put_object(Bucket=BUCKET, Key=key, Body=data)
    bucket.put_object(Bucket=BUCKET, Key="incoming/report", Body=b"another object entirely")
    store = s3_store(s3_endpoint)

    listed = {file.uri: file for file in store.list_files().files}

    for key, data in odd.items():
        uri = f"s3://{BUCKET}/{key}"
        assert store.read_bytes(uri) == data and store.sha256(uri) == sha256_hex(data)
        assert listed[uri].name == key.rsplit("/", 1)[-1]
