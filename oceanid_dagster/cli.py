"""The ``oceanid`` command: ingest documents through Dagster, extract entities from one file,
run the training chain, migrate the curated store, smoke-test the deployment."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from oceanid_dagster import settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="oceanid", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    ingest = commands.add_parser("ingest", help="register files and materialise raw_ocr + extracted_entities")
    ingest.add_argument("paths", nargs="+", type=Path, help="PDF files or folders")
    extract = commands.add_parser("extract", help="print pages and entities of one PDF as JSON; writes nothing")
    extract.add_argument("file", type=Path)
    commands.add_parser("train", help="materialise the training chain: dataset → model → ONNX → release")
    commands.add_parser("smoke", help="check every configured part (warehouse, Argilla, hub, Postgres, Triton)")
    db = commands.add_parser("db", help="the curated store (PostgreSQL at DATABASE_URL)")
    db.add_argument("action", choices=["migrate", "current"], help="migrate to head, or print the revision")
    args = parser.parse_args(argv)
    if args.command == "db":
        return db_command(args.action)
    if args.command == "smoke":
        return smoke_command()
    if args.command == "ingest":
        return ingest_command(args.paths)
    if args.command == "extract":
        return extract_command(args.file)
    return train_command()


SMOKE_RESOURCES = ("warehouse", "argilla", "model_hub", "artifact_store", "postgres", "ner_runtime")


def smoke_command() -> int:
    import dagster as dg

    from oceanid_dagster.defs.resources.profiles import resources_for_profile
    from oceanid_dagster.smoke import check_deployment, render

    configured = resources_for_profile()
    with dg.build_resources({name: configured[name] for name in SMOKE_RESOURCES}) as built:
        checks = check_deployment({name: getattr(built, name) for name in SMOKE_RESOURCES})
    print(render(checks))
    failed = [check.part for check in checks if not check.ok]
    if failed:
        print(f"smoke: FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"smoke: all {len(checks)} parts ok")
    return 0


def db_command(action: str) -> int:
    from oceanid_dagster.defs.resources.postgres import LOCAL_DATABASE_URL
    from oceanid_dagster.migrations.runner import current_revision, head_revision, hide_password, redact_url, upgrade

    url = os.environ.get("DATABASE_URL") or LOCAL_DATABASE_URL
    try:
        revision = upgrade(url) if action == "migrate" else current_revision(url)
    except Exception as error:
        print(
            f"PostgreSQL at {redact_url(url)}: {type(error).__name__}: {hide_password(_first_line(error), url)}",
            file=sys.stderr,
        )
        return 1
    print(f"{redact_url(url)} at migration {revision or 'none'} (head {head_revision()})")
    return 0


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [""])[0]


def iter_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")))
        else:
            files.append(path)
    return files


def _dagster_instance():
    from dagster import DagsterInstance

    os.environ.setdefault("DAGSTER_HOME", str(settings.oceanid_home() / "dagster_home"))
    home = Path(os.environ["DAGSTER_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    if not settings.instance_uses_postgres(home):
        return DagsterInstance.get()  # no dagster.yaml (a bare machine) or sqlite: files under DAGSTER_HOME
    # the instance of `make dev`: runs land where the UI shows them
    from oceanid_dagster.migrations.runner import hide_password, redact_url

    url = settings.dagster_postgres_url(
        os.environ.get(settings.DAGSTER_POSTGRES_URL_ENV) or settings.local_dagster_postgres_url()
    )
    os.environ[settings.DAGSTER_POSTGRES_URL_ENV] = url
    try:
        return DagsterInstance.get()
    except Exception as error:
        raise SystemExit(
            f"the Dagster instance in {home} keeps its runs in PostgreSQL at {redact_url(url)}, which cannot be "
            f"reached ({hide_password(_first_line(error), url)}): start it with `make db-start` (or `make dev`), set "
            f"{settings.DAGSTER_POSTGRES_URL_ENV}, or point DAGSTER_HOME at another instance"
        ) from error


def ingest_command(paths: Sequence[Path]) -> int:
    from dagster import materialize
    from tqdm import tqdm

    from oceanid_dagster.defs.assets.uploaded_files import FoundFile, uploaded_files, uploaded_files_run_config
    from oceanid_dagster.defs.resources.profiles import resources_for_profile
    from oceanid_dagster.defs.selections import ingestion_definitions
    from oceanid_dagster.domain.documents import document_id_from_sha256

    files = iter_files(paths)
    missing = [path for path in files if not path.exists()]
    if missing:
        print("\n".join(f"{path}: no such file" for path in missing), file=sys.stderr)
        return 2
    resources = resources_for_profile()
    found = [
        FoundFile(uri=str(p.absolute()), name=p.name, size_bytes=p.stat().st_size, modified_at=p.stat().st_mtime)
        for p in files
    ]
    instance = _dagster_instance()
    # The same run the upload sensor asks for: hash, register, add the partitions.
    registration = materialize(
        [uploaded_files],
        run_config=uploaded_files_run_config(found),
        instance=instance,
        resources=resources,
        raise_on_error=False,
        tags={"oceanid/trigger": "cli"},
    )
    if not registration.success:
        print("registering the files failed: see the run in the Dagster UI", file=sys.stderr)
        return 1
    store = resources["document_store"]
    document_ids = list(dict.fromkeys(document_id_from_sha256(store.sha256(file.uri)) for file in found))
    assets = ingestion_definitions()
    for document_id in tqdm(document_ids, desc="ingesting", unit="doc"):
        materialize(
            assets,
            partition_key=document_id,
            instance=instance,
            resources=resources,
            raise_on_error=False,
            tags={"oceanid/trigger": "cli"},
        )
    return _report(resources["warehouse"], document_ids)


def _report(warehouse, document_ids: list[str]) -> int:
    rows = warehouse.documents_by_id(document_ids)
    failed = [row for row in rows if row["status"] != "processed"]
    print(f"{len(rows) - len(failed)} of {len(document_ids)} documents processed")
    if failed:
        print("failed:", file=sys.stderr)
        for row in failed:
            print(f"  {row['filename']} ({row['document_id']}): {row['error'] or row['status']}", file=sys.stderr)
        return 1
    return 0


def extract_command(file: Path) -> int:
    from oceanid_dagster.defs.resources.profiles import resources_for_profile
    from oceanid_dagster.domain.documents import document_id

    resources = resources_for_profile()
    data = file.read_bytes()
    [(_, pages)] = list(resources["ocr_engine"].read_many([(file.name, lambda: data)]))
    if isinstance(pages, Exception):
        print(f"{file}: {pages}", file=sys.stderr)
        return 1
    extractor = resources["ner_runtime"].load_extractor(_registry_gazetteer(resources["registry_lists"]))
    found = extractor.extract_pages([page.text for page in pages])
    result = {
        "file": str(file),
        "document_id": document_id(data),
        "extractor": {"source": extractor.source, "version": extractor.version},
        "pages": [
            {"page": p.page_number, "method": p.method, "confidence": p.confidence, "text": p.text} for p in pages
        ],
        "entities": [
            {
                "label": span.label,
                "text": span.text_in(page.text),
                "page": page.page_number,
                "start": span.start,
                "end": span.end,
                "confidence": round(float(span.score), 4),
                "source": extractor.source,
            }
            for page, page_entities in zip(pages, found, strict=True)
            for span in page_entities.spans
        ],
    }
    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0


def _registry_gazetteer(registry_lists):
    """The registry lists' names (the packaged sample locally), read directly: extract writes nothing."""
    from oceanid_dagster.defs.resources.registry_lists import RegistryListsUnavailableError
    from oceanid_dagster.domain.gazetteer import Gazetteer

    try:
        records, _ = registry_lists.read()
    except RegistryListsUnavailableError as error:
        print(f"extracting without a gazetteer: {error}", file=sys.stderr)
        return None
    return Gazetteer.from_records(records)


def train_command() -> int:
    from dagster import materialize

    from oceanid_dagster.defs.resources.profiles import resources_for_profile
    from oceanid_dagster.defs.selections import training_definitions

    result = materialize(
        training_definitions(),
        instance=_dagster_instance(),
        resources=resources_for_profile(),
        raise_on_error=False,
        tags={"oceanid/trigger": "cli"},
    )
    if training := training_summary(result.asset_materializations_for_node("ner_model")):
        print(training)
    print(release_summary(result.asset_materializations_for_node("ner_model_release")))
    return 0 if result.success else 1


def _metadata_values(materialization) -> dict:
    return {key: getattr(value, "value", value) for key, value in materialization.metadata.items()}


def training_summary(materializations) -> str | None:
    """One line on the fine-tune's steps and what set them (a time budget shows here when it cut them)."""
    if not materializations:
        return None
    metadata = _metadata_values(materializations[-1])
    return (
        f"ner_model: {metadata['training_steps']} of {metadata['planned_steps']} steps ({metadata['step_limit']}), "
        f"training loop {metadata['training_loop_seconds']:.0f} s at {metadata['seconds_per_step']:.3f} s a step, "
        f"{metadata['eval_split']} F1 {metadata['f1']:.4f}"
    )


def release_summary(materializations) -> str:
    """One line on what the training run published, and why (the release decision)."""
    if not materializations:
        return "ner_model_release: not reached (a step before it failed: see the run in the Dagster UI)"
    metadata = _metadata_values(materializations[-1])
    if metadata.get("published"):
        return f"ner_model_release: published {metadata.get('version')}: {metadata.get('decision')}"
    inspection = metadata.get("published_for_inspection")
    kept = metadata.get("champion") or "the rules"
    return f"ner_model_release: not published, {kept} still serves: {metadata.get('decision')} (inspect: {inspection})"


if __name__ == "__main__":
    sys.exit(main())
