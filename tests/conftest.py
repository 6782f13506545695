"""Shared test set-up: offline Hugging Face, and the tiny model / ONNX exports / release that the
inference, release, serving and ingestion tests share (built once per session)."""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

# Tests never reach the Hugging Face Hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from dagster import DagsterInstance

from oceanid_dagster.defs.resources.document_store import DocumentStoreResource
from oceanid_dagster.defs.resources.model_hub import ModelHubResource
from oceanid_dagster.defs.resources.ner_runtime import NerRuntimeResource
from oceanid_dagster.defs.resources.ocr_engine import OcrEngineResource
from oceanid_dagster.defs.resources.registry_lists import RegistryListsResource
from oceanid_dagster.defs.resources.triton import TritonResource
from oceanid_dagster.defs.resources.warehouse import WarehouseResource
from tests.inference.tiny_model import (
    TinyModel,
    build_tiny_token_classifier,
    gold_spans,
    metrics_with_f1,
    synthetic_sentence,
)


@pytest.fixture(scope="session", autouse=True)
def tiny_model_reference_pages(tmp_path_factory) -> Path:
    """Reference pages of the tiny model's own sentences: the packaged ones are real layouts, which
    a model trained in seconds on a few sentences cannot read, so no test release would ship. They
    stand for the validation pages too; the tests of the packaged pages unset
    ``OCEANID_REFERENCE_PAGES`` and ``OCEANID_VALIDATION_PAGES``."""
    import random

    folder = tmp_path_factory.mktemp("reference_pages")
    rng = random.Random(11)
    for index in range(6):
        sentence = synthetic_sentence(rng)
        (folder / f"tiny-{index}.txt").write_text(sentence.text, encoding="utf-8")
        annotations = "".join(f"{label}\t{text}\n" for label, text, _ in gold_spans([sentence]))
        (folder / f"tiny-{index}.ann").write_text(annotations, encoding="utf-8")
    os.environ["OCEANID_REFERENCE_PAGES"] = str(folder)  # also for the processes tests start
    os.environ["OCEANID_VALIDATION_PAGES"] = str(folder)
    return folder


@dataclass(frozen=True)
class ExportedModel:
    tiny: TinyModel
    fp32: Path
    int8: Path


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> TinyModel:
    return build_tiny_token_classifier(tmp_path_factory.mktemp("tiny_model"))


@pytest.fixture(scope="session")
def exported_model(tiny_model, tmp_path_factory) -> ExportedModel:
    from oceanid_dagster.training.onnx_export import export_onnx, quantize_int8

    fp32 = export_onnx(tiny_model.folder, tmp_path_factory.mktemp("onnx"))
    return ExportedModel(tiny_model, fp32, quantize_int8(fp32))


@pytest.fixture(scope="session")
def release_folder(exported_model, tmp_path_factory) -> Path:
    from oceanid_dagster.training.release import build_release

    return build_release(
        exported_model.tiny.folder,
        exported_model.fp32,
        exported_model.int8,
        metrics=metrics_with_f1(0.9),
        base_model="tiny-distilbert",
        dataset_revision="dataset-test-1",
        out_dir=tmp_path_factory.mktemp("releases"),
    )


# --- a local OCEANID_HOME with every ingestion resource ------------------------------------


@pytest.fixture
def home(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("OCEANID_HOME", str(tmp_path))
    (tmp_path / "uploads").mkdir()
    return tmp_path


@pytest.fixture
def resources(home: Path) -> dict:
    model_hub = ModelHubResource(local_dir=str(home / "hub"))
    return {
        "warehouse": WarehouseResource(database=str(home / "oceanid.duckdb")),
        "document_store": DocumentStoreResource(uploads_uri=str(home / "uploads"), settle_seconds=0),
        "ocr_engine": OcrEngineResource(workers=2, dpi=200),
        "model_hub": model_hub,
        "ner_runtime": NerRuntimeResource(
            models_cache_dir=str(home / "models"), model_hub=model_hub, triton=TritonResource(base_url=None)
        ),
        "registry_lists": RegistryListsResource(allow_packaged_sample=True),
    }


@pytest.fixture
def instance():
    with DagsterInstance.ephemeral() as ephemeral:
        yield ephemeral


@pytest.fixture
def traversable_dir():
    """A temporary folder every user can walk into: PostgreSQL runs as its own system user, and
    pytest's tmp_path (mode 0700) is closed to it."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="oceanid-test-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL 15 + PostGIS for the session, on a free port, stopped by PID at the end."""
    import shutil
    import tempfile

    from devtools.postgres import LocalPostgres
    from devtools.services import free_port

    folder = Path(tempfile.mkdtemp(prefix="oceanid-pg-"))
    folder.chmod(0o755)
    server = LocalPostgres(folder / "postgres", port=free_port())
    server.start()
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server, request) -> str:
    """An empty database of its own (PostGIS created by the superuser, as the local server does)."""
    import re

    import psycopg

    from devtools.postgres import SUPERUSER, SUPERUSER_EXTENSIONS

    name = "t_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:50]
    with psycopg.connect(postgres_server.url("postgres", SUPERUSER), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}" OWNER "{postgres_server.user}"')
    with psycopg.connect(postgres_server.url(name, SUPERUSER), autocommit=True) as connection:
        for extension in SUPERUSER_EXTENSIONS:
            connection.execute(f"CREATE EXTENSION IF NOT EXISTS {extension}")
    return postgres_server.url(name)


@pytest.fixture
def migrated_postgres_url(postgres_url) -> str:
    from oceanid_dagster.migrations.runner import upgrade

    upgrade(postgres_url)
    return postgres_url


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real local S3 endpoint (moto's server), as R2 or MinIO is in production."""
    from moto.server import ThreadedMotoServer

    from devtools.services import free_port

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()
