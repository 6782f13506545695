"""The artifact store the training steps hand their folders through: a local folder, and an S3 bucket
on a real local S3 endpoint (moto's server), with the same behaviour."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import boto3
import pytest

from oceanid_dagster.defs.resources.artifact_store import INVENTORY_NAME, ArtifactError, ArtifactStoreResource

S3_CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}


def s3_client(endpoint: str):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **S3_CREDENTIALS)


@pytest.fixture(params=["folder", "s3"])
def store(request, tmp_path) -> ArtifactStoreResource:
    if request.param == "folder":
        return ArtifactStoreResource(uri=str(tmp_path / "artifacts"))
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = f"artifacts-{uuid.uuid4().hex[:8]}"
    s3_client(endpoint).create_bucket(Bucket=bucket)
    return ArtifactStoreResource(uri=f"s3://{bucket}/nightly", s3_endpoint_url=endpoint, **S3_CREDENTIALS)


def model_folder(root: Path) -> Path:
    (root / "nested").mkdir(parents=True)
    (root / "config.json").write_text('{"num_labels": 3}', encoding="utf-8")
    (root / "nested" / "weights.bin").write_bytes(bytes(range(256)) * 64)
    return root


def remove_inventory(store: ArtifactStoreResource, name: str) -> None:
    if store.is_s3:
        bucket, key = store._key(name, INVENTORY_NAME)
        s3_client(store.s3_endpoint_url).delete_object(Bucket=bucket, Key=key)
    else:
        (Path(store.location(name)) / INVENTORY_NAME).unlink()


def overwrite_file(store: ArtifactStoreResource, name: str, relative: str, data: bytes) -> None:
    if store.is_s3:
        bucket, key = store._key(name, relative)
        s3_client(store.s3_endpoint_url).put_object(Bucket=bucket, Key=key, Body=data)
    else:
        (Path(store.location(name)) / relative).write_bytes(data)


def test_a_folder_comes_back_file_for_file(store, tmp_path):
    source = model_folder(tmp_path / "model")
    name = store.put_folder(source, "training/20260101T000000Z/model")
    back = store.get_folder(name, tmp_path / "elsewhere")
    assert sorted(p.relative_to(back).as_posix() for p in back.rglob("*") if p.is_file()) == [
        "config.json",
        "nested/weights.bin",
    ]
    assert (back / "nested" / "weights.bin").read_bytes() == (source / "nested" / "weights.bin").read_bytes()


def test_only_the_named_files_are_stored(store, tmp_path):
    source = model_folder(tmp_path / "model")
    name = store.put_folder(source, "training/x/onnx", only=["config.json"])
    back = store.get_folder(name, tmp_path / "back")
    assert [p.name for p in back.rglob("*") if p.is_file()] == ["config.json"]


def test_an_artifact_is_never_overwritten(store, tmp_path):
    source = model_folder(tmp_path / "model")
    store.put_folder(source, "training/x/model")
    with pytest.raises(ArtifactError, match="already exists"):
        store.put_folder(source, "training/x/model")


def test_an_artifact_without_its_inventory_is_incomplete_and_refused(store, tmp_path):
    """Files are stored before the inventory: a step killed mid-upload leaves no usable artifact."""
    name = store.put_folder(model_folder(tmp_path / "model"), "training/x/model")
    remove_inventory(store, name)
    with pytest.raises(ArtifactError, match=r"missing or incomplete .*materialise the upstream asset again") as error:
        store.get_folder(name, tmp_path / "back")
    assert store.location(name) in str(error.value)


def test_an_altered_file_is_refused_naming_it(store, tmp_path):
    name = store.put_folder(model_folder(tmp_path / "model"), "training/x/model")
    overwrite_file(store, name, "config.json", b'{"num_labels": 99}')
    with pytest.raises(ArtifactError, match="config.json does not match its inventory"):
        store.get_folder(name, tmp_path / "back")


def test_a_missing_artifact_names_the_store(store, tmp_path):
    with pytest.raises(ArtifactError, match="training/never/model is missing"):
        store.get_folder("training/never/model", tmp_path / "back")


@pytest.mark.parametrize("name", ["", "../model", "training//model", "/abs"])
def test_names_stay_inside_the_store(name, tmp_path):
    with pytest.raises(ValueError, match="artifact name"):
        ArtifactStoreResource(uri=str(tmp_path)).location(name)


def test_the_inventory_lists_sizes_and_checksums(tmp_path):
    store = ArtifactStoreResource(uri=str(tmp_path / "artifacts"))
    name = store.put_folder(model_folder(tmp_path / "model"), "training/x/model")
    inventory = json.loads((Path(store.location(name)) / INVENTORY_NAME).read_text())
    assert inventory["nested/weights.bin"]["size"] == 256 * 64 and len(inventory["config.json"]["sha256"]) == 64


def test_smoke_check_reaches_the_store_and_names_a_missing_bucket(store, s3_endpoint):
    assert store.check_writable() in ("folder writable", f"bucket {store.uri[5:].split('/')[0]} reachable")
    missing = ArtifactStoreResource(uri="s3://no-such-bucket/x", s3_endpoint_url=s3_endpoint, **S3_CREDENTIALS)
    with pytest.raises(Exception, match="404|Not Found"):
        missing.check_writable()
