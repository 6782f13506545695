from __future__ import annotations

import pytest

from oceanid_dagster.samples.registry_csv import load_sample_registry
from oceanid_dagster.training.base_models import BaseModel, build_tiny_base_model
from tests.training.helpers import Document, synthetic_documents


@pytest.fixture(scope="session")
def registry_records() -> list[dict]:
    return load_sample_registry()


@pytest.fixture(scope="session")
def documents(registry_records) -> list[Document]:
    return synthetic_documents(registry_records, count=80, seed=1)


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory, documents) -> BaseModel:
    texts = [page.text for document in documents for page in document.pages]
    return build_tiny_base_model(tmp_path_factory.mktemp("tiny-base"), texts)
