"""``oceanid smoke`` / `make smoke`: is every configured part of the deployment there and usable?

Checks the warehouse, the curated store (where ``DATABASE_URL`` is set), Argilla, the model hub
(and that its latest release verifies against its manifest), the artifact store the training steps
hand their folders through, and Triton (server, NER model, Docling
model, where ``TRITON_BASE_URL`` is set), with the current profile's resources. Prints one table
(part, target, ok/failed, detail, seconds) and returns the parts that failed. Nothing is written.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PartCheck:
    part: str
    target: str
    ok: bool
    detail: str
    seconds: float


def timed(part: str, target: str, check: Callable[[], str]) -> PartCheck:
    started = time.perf_counter()
    try:
        detail, ok = check(), True
    except Exception as error:
        detail, ok = f"{type(error).__name__}: {str(error).strip().splitlines()[0][:200] if str(error) else ''}", False
    return PartCheck(part, target, ok, detail, round(time.perf_counter() - started, 2))


def _warehouse(warehouse) -> str:
    documents = warehouse.query("SELECT count(*) AS n FROM documents")[0]["n"]
    return f"schema in place; {documents} documents"


def _postgres(postgres) -> str:
    return f"at migration {postgres.require_current_schema()} (head)"


def _hub(model_hub) -> str:
    from oceanid_dagster.serving.hub_client import verify_manifest

    hub = model_hub.client()
    latest = hub.latest_revision(model_hub.model_repo)
    if latest is None:
        return "reachable; no release yet (extraction uses the rules)"
    with tempfile.TemporaryDirectory(prefix="oceanid-smoke-") as work:
        problems = verify_manifest(hub.download(model_hub.model_repo, latest, Path(work) / latest))
    if problems:
        raise RuntimeError(f"latest release {latest} fails its manifest: {problems[0]}")
    return f"latest release {latest} verified"


def _triton_model(triton, name: str | None) -> str:
    if not triton.server_ready():
        raise RuntimeError("/v2/health/ready is not 200")
    if not triton.model_ready(name):
        raise RuntimeError(f"model {name or triton.model_name} is not ready")
    return f"{name or triton.model_name} ready"


def check_deployment(resources: dict) -> list[PartCheck]:
    from oceanid_dagster.defs.resources.postgres import curated_store_configured
    from oceanid_dagster.defs.resources.triton import DOCLING_MODEL_NAME

    warehouse, model_hub, argilla = resources["warehouse"], resources["model_hub"], resources["argilla"]
    checks = [
        timed("warehouse", warehouse.display_name, lambda: _warehouse(warehouse)),
        timed("argilla", argilla.api_url, argilla.with_patience(2, 10.0).health),
        timed("model hub", f"{model_hub.display_name} {model_hub.model_repo}", lambda: _hub(model_hub)),
        timed("artifact store", resources["artifact_store"].uri, resources["artifact_store"].check_writable),
    ]
    if curated_store_configured():
        postgres = resources["postgres"]
        checks.append(timed("postgres", postgres.display_url, lambda: _postgres(postgres)))
    triton = resources["ner_runtime"].triton
    if triton.base_url:
        checks.append(timed("triton ner", triton.base_url, lambda: _triton_model(triton, None)))
        checks.append(timed("triton docling", triton.base_url, lambda: _triton_model(triton, DOCLING_MODEL_NAME)))
    return checks


def render(checks: list[PartCheck]) -> str:
    rows = [("part", "target", "status", "detail", "s")] + [
        (c.part, c.target, "ok" if c.ok else "FAILED", c.detail, f"{c.seconds:.2f}") for c in checks
    ]
    widths = [max(len(row[index]) for row in rows) for index in range(4)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths)) + "  " + row[4] for row in rows
    )
