from __future__ import annotations

import pytest

from oceanid_dagster.samples.registry_csv import load_sample_registry


@pytest.fixture(scope="session")
def sample_records() -> list[dict]:
    return load_sample_registry()
