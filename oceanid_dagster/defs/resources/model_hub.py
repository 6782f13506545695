"""The model hub: a local folder standing in for the Hugging Face Hub by default, the real Hub when configured."""

from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource
from pydantic import Field

from oceanid_dagster.serving.hub_client import HubClient, HuggingFaceHub, LocalFolderHub


class ModelHubResource(ConfigurableResource):
    """Where datasets and model releases are published (and where the Calypso puller reads them)."""

    local_dir: str | None = Field(
        default=None, description="Folder hub ($OCEANID_HOME/hub). Ignored when use_hugging_face is set."
    )
    use_hugging_face: bool = Field(default=False, description="Publish to the Hugging Face Hub.")
    hf_token: str | None = Field(default=None, description="From EnvVar HF_TOKEN; never logged.")
    model_repo: str = Field(default="oceanid/vessel-ner", description="Model repo id for releases.")
    dataset_repo: str = Field(default="oceanid/vessel-ner-annotations", description="Dataset repo id.")

    def client(self) -> HubClient:
        if self.use_hugging_face:
            return HuggingFaceHub(token=self.hf_token)
        if not self.local_dir:
            raise ValueError("model hub: set local_dir, or use_hugging_face with HF_TOKEN")
        return LocalFolderHub(Path(self.local_dir))

    @property
    def display_name(self) -> str:
        return "huggingface.co" if self.use_hugging_face else str(self.local_dir)
