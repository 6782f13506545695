"""The NER runtime: the latest released model on ONNX Runtime (or Triton), else the bootstrap rules."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from dagster import ConfigurableResource, get_dagster_logger
from pydantic import Field

from oceanid_dagster.defs.resources.model_hub import ModelHubResource
from oceanid_dagster.defs.resources.triton import TritonResource
from oceanid_dagster.domain.gazetteer import Gazetteer
from oceanid_dagster.inference.extractors import Extractor, ModelExtractor, RuleExtractor


class NerRuntimeResource(ConfigurableResource):
    """Chooses the extractor for ``extracted_entities``.

    ``auto``: the newest release in the model hub, run by Triton when ``triton.base_url`` is set and
    by ONNX Runtime (int8 where the release has it) otherwise, with the rules for the labels the
    release's shipping decision gave them; the rule-based bootstrap extractor while nothing is released.
    """

    mode: Literal["auto", "rules"] = "auto"
    models_cache_dir: str = Field(description="Where downloaded releases are kept ($OCEANID_HOME/models).")
    quantized: bool = Field(default=True, description="Use the int8 model on ONNX Runtime.")
    model_hub: ModelHubResource
    triton: TritonResource

    def load_extractor(self, gazetteer: Gazetteer | None = None) -> Extractor:
        if self.mode == "rules":
            return RuleExtractor(gazetteer)
        hub = self.model_hub.client()
        revision = hub.latest_revision(self.model_hub.model_repo)
        if revision is None:
            return RuleExtractor(gazetteer)
        folder = Path(self.models_cache_dir) / revision
        if not (folder / "manifest.json").exists():
            hub.download(self.model_hub.model_repo, revision, folder)
        return ModelExtractor(self._model(folder), gazetteer, rule_labels=_rule_labels(folder))

    def _model(self, folder: Path):
        from oceanid_dagster.inference.runtime import NerDecoder, OnnxNerModel, release_version

        if self.triton.base_url:
            get_dagster_logger().info(f"NER on Triton model {self.triton.model_name}")
            return OnnxNerModel(
                NerDecoder.from_folder(folder), self.triton.infer_logits, version=release_version(folder)
            )
        return OnnxNerModel.load(folder, quantized=self.quantized)


def _rule_labels(folder: Path) -> frozenset[str]:
    """The labels the release was measured to extract worse than the rules (its manifest says)."""
    from oceanid_dagster.serving.hub_client import read_manifest

    return frozenset(read_manifest(folder).get("shipping", {}).get("rule_labels", []))
