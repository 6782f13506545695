"""The NER runtime: the latest released model on ONNX Runtime (or Triton), else the bootstrap rules."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Literal

from dagster import ConfigurableResource, get_dagster_logger
from pydantic import Field

from oceanid_dagster.defs.resources.model_hub import ModelHubResource
from oceanid_dagster.defs.resources.triton import TritonResource
from oceanid_dagster.domain.gazetteer import Gazetteer
from oceanid_dagster.inference.extractors import Extractor, ModelExtractor, RuleExtractor


class ReleaseCacheError(RuntimeError):
    """A downloaded release does not match its manifest; nothing was cached."""


class NerRuntimeResource(ConfigurableResource):
    """Chooses the extractor for ``extracted_entities``.

    ``auto``: the newest release in the model hub, run by Triton when ``triton.base_url`` is set and
    by ONNX Runtime (int8 where the release has it) otherwise, with the rules for the labels the
    release's shipping decision gave them; the rule-based bootstrap extractor while nothing is released.
    """

    mode: Literal["auto", "rules"] = "auto"
    models_cache_dir: str = Field(description="Where downloaded releases are kept ($OCEANID_HOME/models).")
    quantized: bool = Field(default=True, description="Use the int8 model on ONNX Runtime.")
    rule_workers: int = Field(default=0, description="Processes the rules read pages in; 0 = one per core.")
    model_hub: ModelHubResource
    triton: TritonResource

    def load_extractor(self, gazetteer: Gazetteer | None = None, rules: Extractor | None = None) -> Extractor:
        """``rules``: how the rules run (e.g. a ``RulePool``); by default ``RuleExtractor(gazetteer)``."""
        rules = rules or RuleExtractor(gazetteer)
        if self.mode == "rules":
            return rules
        hub = self.model_hub.client()
        revision = hub.latest_revision(self.model_hub.model_repo)
        if revision is None:
            return rules
        folder = self._cached_release(hub, revision)
        served = (lambda: self.triton.served_version) if self.triton.base_url else None
        return ModelExtractor.as_shipped(self._model(folder), _shipping(folder), served_version=served, rules=rules)

    def _cached_release(self, hub, revision: str) -> Path:
        """The release in the local cache, complete and verified: downloaded into a temporary folder,
        checked against its manifest, then renamed into place, so a crash mid-download never leaves
        a partial release that is used; a cached release that fails its manifest is fetched again."""
        from oceanid_dagster.serving.hub_client import verify_manifest

        cache = Path(self.models_cache_dir)
        folder = cache / revision
        if folder.is_dir() and not verify_manifest(folder):
            return folder
        cache.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".tmp-{revision}-", dir=cache))
        try:
            hub.download(self.model_hub.model_repo, revision, staging)
            problems = verify_manifest(staging)
            if problems:
                source = self.model_hub.display_name
                raise ReleaseCacheError(
                    f"release {revision} from {source} fails its manifest: {'; '.join(problems[:5])}"
                )
            if folder.exists():  # a partial or tampered copy from before
                get_dagster_logger().warning(f"replacing the incomplete cached release {folder}")
                shutil.rmtree(folder)
            try:
                os.rename(staging, folder)
            except OSError:  # another process put the same release in place first
                if verify_manifest(folder):
                    raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return folder

    def _model(self, folder: Path):
        from oceanid_dagster.inference.runtime import NerDecoder, OnnxNerModel, release_version

        if self.triton.base_url:
            get_dagster_logger().info(f"NER on Triton model {self.triton.model_name}")
            return OnnxNerModel(
                NerDecoder.from_folder(folder), self.triton.infer_logits, version=release_version(folder)
            )
        return OnnxNerModel.load(folder, quantized=self.quantized)


def _shipping(folder: Path) -> dict:
    """How the release was measured to combine with the rules (its manifest's ``shipping``): the
    labels it extracts worse than they do, and the confidence at which it fills what they miss."""
    from oceanid_dagster.serving.hub_client import read_manifest

    return read_manifest(folder).get("shipping", {})
