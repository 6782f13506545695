from __future__ import annotations

import pytest

from oceanid_dagster.samples.generator import SampleDocument, generate_documents
from oceanid_dagster.samples.registry_csv import load_sample_registry
from oceanid_dagster.training.base_models import BaseModel, build_tiny_base_model


@pytest.fixture(scope="session")
def documents() -> list[SampleDocument]:
    return generate_documents(load_sample_registry(), 16, 11)


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory, documents) -> BaseModel:
    texts = [page.text for document in documents for page in document.pages]
    return build_tiny_base_model(tmp_path_factory.mktemp("tiny-base"), texts)
