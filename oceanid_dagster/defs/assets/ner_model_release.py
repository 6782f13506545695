"""``ner_model_release``: champion/challenger. The ONNX model is published as an immutable release
only if it is not worse than the current release on the frozen gold test (or when forced).

Its output and data version are the release now serving, so a refused challenger changes nothing
downstream, and a published one re-extracts the documents (``extracted_entities`` automation).
"""

import tempfile
from pathlib import Path
from typing import Any

import dagster as dg
from pydantic import Field

from oceanid_dagster.defs.assets.ner_training_dataset import TRAINING_GROUP
from oceanid_dagster.defs.automation import after_upstream
from oceanid_dagster.defs.metadata import markdown_table
from oceanid_dagster.defs.resources.model_hub import ModelHubResource
from oceanid_dagster.defs.versions import source_version

# Dagster resolves Config/resource annotations at decoration time: no `from __future__ import annotations` here.
NO_RELEASE = "none"


class NerReleaseConfig(dg.Config):
    tolerance: float = Field(default=0.0, description="Publish when challenger F1 >= champion F1 - tolerance.")
    force: bool = Field(default=False, description="Publish even if the challenger is worse.")


def _champion_manifest(hub, repo_id: str, work_dir: Path) -> dict[str, Any] | None:
    from oceanid_dagster.serving.hub_client import read_manifest

    version = hub.latest_revision(repo_id)
    return read_manifest(hub.download(repo_id, version, work_dir)) if version else None


def _comparison_table(rows: list[list[Any]]) -> str:
    columns = ("metric", "champion", "challenger", "delta")
    rounded = [
        {column: round(value, 4) if isinstance(value, float) else value for column, value in zip(columns, row)}
        for row in rows
    ]
    return markdown_table(rounded, columns, limit=len(rounded))


@dg.asset(
    group_name=TRAINING_GROUP,
    kinds={"huggingface", "onnx"},
    code_version=source_version("training/release.py", "serving/hub_client.py", "serving/triton_config.py"),
    automation_condition=after_upstream(),
    description="Champion/challenger: publish the ONNX model as an immutable release to the model hub "
    "only if its gold-test F1 is not below the current release's (or when forced). The value is the "
    "release serving afterwards.",
)
def ner_model_release(
    context: dg.AssetExecutionContext, config: NerReleaseConfig, ner_model_onnx: dict, model_hub: ModelHubResource
) -> dg.Output[str]:
    from oceanid_dagster.training.release import build_release, compare_to_champion

    hub = model_hub.client()
    with tempfile.TemporaryDirectory(prefix="ner-release-") as work_dir:
        champion = _champion_manifest(hub, model_hub.model_repo, Path(work_dir) / "champion")
        decision = compare_to_champion(ner_model_onnx["metrics"], champion, config.tolerance, config.force)
        champion_version = champion["version"] if champion else ""
        metadata = {
            "published": decision.publish,
            "decision": decision.reason,
            "champion": champion_version,
            "comparison": dg.MetadataValue.md(_comparison_table(decision.rows)),
            "repo": model_hub.model_repo,
            "cpu_precision": ner_model_onnx.get("cpu_precision", "int8"),
        }
        if not decision.publish:
            context.log.warning(f"release refused: {decision.reason}")
            return dg.Output(
                champion_version, data_version=dg.DataVersion(champion_version or NO_RELEASE), metadata=metadata
            )
        folder = build_release(
            Path(ner_model_onnx["model_dir"]),
            Path(ner_model_onnx["onnx_fp32"]),
            Path(ner_model_onnx["onnx_int8"]) if ner_model_onnx.get("onnx_int8") else None,
            metrics=ner_model_onnx["metrics"],
            base_model=ner_model_onnx["base_model"],
            dataset_revision=ner_model_onnx["dataset_revision"],
            out_dir=Path(work_dir) / "releases",
        )
        hub.publish_folder(model_hub.model_repo, folder, folder.name, commit_message=decision.reason)
    context.log.info(f"published {folder.name} to {model_hub.display_name}: {decision.reason}")
    return dg.Output(
        folder.name, data_version=dg.DataVersion(folder.name), metadata={**metadata, "version": folder.name}
    )
