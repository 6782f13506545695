"""Triton Inference Server over KServe V2 HTTP (placeholder interface; the serving work fills it in)."""

from __future__ import annotations

import numpy as np
from dagster import ConfigurableResource
from pydantic import Field


class TritonResource(ConfigurableResource):
    base_url: str | None = Field(default=None, description="TRITON_BASE_URL; unset = no Triton.")
    model_name: str = "distilbert-base-uncased"
    cf_access_client_id: str | None = None
    cf_access_client_secret: str | None = None

    def infer_logits(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        raise NotImplementedError
