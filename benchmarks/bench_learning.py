"""``learning.f1_gain``: do a few dozen corrected documents of a new kind move what ships on the
other documents of that kind?

The experiment, on a fresh home, with the project's real parts:

1. Documents of a kind the generator does not make (transhipment declarations: two vessels per
   form, combined captions such as "Flag / IRCS", the vessels also named in a remark), written
   as text PDFs, their gold spans known. Half are to be annotated, half stay untouched.
2. ``oceanid ingest`` reads them all (documents → raw_ocr → extracted_entities), and
   ``argilla_records`` pushes their pages to the real local Argilla server.
3. ``oceanid train`` on silver data alone: what ships *before* (on a fresh home, the rules,
   unless that release beats them).
4. An annotator submits the gold spans of the first half's pages through Argilla's HTTP API, as
   the UI does. ``annotation_sensor`` is evaluated against the server (as a daemon tick: the
   real sensor function, its run request materialised in-process) and ``argilla_corrections``
   pulls the responses into ``entity_corrections``.
5. ``oceanid train`` again (gold pages now in the dataset): what ships *after*.
6. The untouched half's pages (their ``raw_ocr`` text) are extracted by what shipped before and
   after, through ``ner_runtime`` as ``extracted_entities`` loads it, span-exact micro F1.

Figures: ``learning.f1_before``, ``learning.f1_after``, ``learning.f1_gain`` (target +0.10, or
an after F1 >= 0.92), per label after, and each training's seconds.

    .venv/bin/python -m benchmarks.bench_learning [--documents 24]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path

import httpx

from benchmarks.bench_scan_layout import Tally, typeset
from benchmarks.report import emit, note
from devtools.services import free_port, stop_process_group
from oceanid_dagster.samples.gold import locate_gold_spans
from oceanid_dagster.samples.text import Ent, Line, SamplePage, build_page

REPO = Path(__file__).resolve().parents[1]
TARGET_GAIN, TARGET_F1 = 0.10, 0.92
STEP_FINISHED = re.compile(r'Finished execution of step "(\w+)" in ([\w.]*\w)')
TRAINING_LOG = re.compile(r"(training: \d+ steps[^\n]*|step budget: [^\n]*|training done: \d+ steps)")


# --- documents of a new kind ------------------------------------------------------------------


CAPTIONS = {
    "name": ("Vessel", "Name", "Vessel name", "Ship"),
    "flag_ircs": ("Flag / IRCS", "Flag State / Call sign", "Flag - Radio call sign"),
    "imo": ("IMO / LR", "IMO No.", "Lloyd's Register"),
    "owner": ("Licence holder", "Operator", "Owner / charterer"),
}
DOTS = (" ........ ", " : ", "   ", " .. ")


def transhipment_declaration(rng: random.Random, donor: dict, carrier: dict) -> SamplePage:
    """One declaration: the fishing vessel offloading, the carrier receiving, a remark naming both."""
    caption = {key: rng.choice(options) for key, options in CAPTIONS.items()}
    dots = rng.choice(DOTS)
    lines: list[Line] = [[f"TRANSHIPMENT DECLARATION - {rng.choice(('At-sea', 'In-port'))} transfer"]]
    number = f"Declaration no. TD-{rng.randint(2021, 2025)}-{rng.randint(1, 9999):04d}      Date of transfer: "
    day = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2021, 2025)}"
    lines += [[number, Ent(day, "DATE")], [""]]
    for part, vessel in (("PART A - FISHING VESSEL (OFFLOADING)", donor), ("PART B - RECEIVING CARRIER", carrier)):
        lines.append([part])
        lines.append([f"  {caption['name']:<16}{dots}", Ent(vessel["vessel_name"], "VESSEL_NAME")])
        lines.append(
            [f"  {caption['flag_ircs']:<16}{dots}", Ent(vessel["flag"], "FLAG"), " / ", Ent(vessel["ircs"], "IRCS")]
        )
        for key, label in (("imo", "IMO"), ("owner", "OWNER")):
            if vessel.get(key):
                lines.append([f"  {caption[key]:<16}{dots}", Ent(vessel[key], label)])
        lines.append([""])
    product = f"Product: {rng.choice(('frozen tuna', 'squid', 'toothfish', 'mackerel'))}, "
    lines.append([f"{product}{rng.randint(5, 900)} t transferred."])
    remark = [
        "Remarks: the carrier ", Ent(carrier["vessel_name"], "VESSEL_NAME"), " came alongside ",
        Ent(donor["vessel_name"], "VESSEL_NAME"), f" at {rng.randint(0, 23):02d}{rng.choice(('00', '30'))} UTC.",
    ]  # fmt: skip
    lines += [remark, [f"Observer: {rng.choice(('J. Moreau', 'A. Tui', 'K. Sato', 'M. Duarte'))}"]]
    return build_page(lines)


def declarations(records: list[dict], count: int, seed: int) -> list[SamplePage]:
    usable = [r for r in records if r.get("vessel_name") and r.get("flag") and r.get("ircs")]
    rng = random.Random(seed)
    return [transhipment_declaration(rng, *rng.sample(usable, 2)) for _ in range(count)]


# --- the loop's parts -------------------------------------------------------------------------


def oceanid(env: dict, *args: str) -> float:
    """Run the ``oceanid`` command as a user would; its seconds. Fails loudly with its output."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "oceanid_dagster.cli", *args], env=env, cwd=REPO, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"oceanid {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    note(f"oceanid {' '.join(args)}: {result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ''}")
    steps = ", ".join(f"{step} {took}" for step, took in STEP_FINISHED.findall(result.stderr))
    note(f"  steps: {steps or 'none logged'}")
    for line in TRAINING_LOG.findall(result.stderr):
        note(f"  {line}")
    return time.perf_counter() - started


@contextmanager
def local_argilla(home: Path) -> Iterator[tuple[str, dict]]:
    from devtools.dev import local_argilla_secrets, start_local_argilla

    port, secrets = free_port(), local_argilla_secrets()
    with redirect_stdout(sys.stderr):  # stdout carries the figures only
        process = start_local_argilla(home, port, secrets)
    try:
        yield f"http://127.0.0.1:{port}", secrets
    finally:
        stop_process_group(process)


def push_to_argilla(document_ids: list[str]) -> None:
    from dagster import DagsterInstance, materialize

    from oceanid_dagster.defs.assets.argilla_records import argilla_records
    from oceanid_dagster.defs.partitions import partition_range_tags
    from oceanid_dagster.defs.resources.profiles import resources_for_profile

    resources = resources_for_profile()
    materialize(
        [argilla_records],
        instance=DagsterInstance.get(),
        resources={"warehouse": resources["warehouse"], "argilla": resources["argilla"]},
        tags=partition_range_tags(document_ids),
    )


def annotate(url: str, api_key: str, dataset_id: str, gold_by_document: dict[str, SamplePage]) -> int:
    """Submit, for each pending record of those documents, the gold spans found in its page text."""
    client = httpx.Client(base_url=url, headers={"X-Argilla-Api-Key": api_key}, timeout=30)
    pending = {"type": "terms", "scope": {"entity": "response", "property": "status"}, "values": ["pending"]}
    body = {"filters": {"and": [pending]}}
    found = client.post(f"/api/v1/me/datasets/{dataset_id}/records/search", params={"limit": 500}, json=body)
    found.raise_for_status()
    submitted = 0
    for item in found.json()["items"]:
        record = item["record"]
        gold = gold_by_document.get(record["metadata"]["document_id"])
        if gold is None:
            continue
        spans = locate_gold_spans(gold, record["fields"]["text"])
        values = [{"start": s.start, "end": s.end, "label": s.label} for s in spans]
        response = client.post(
            f"/api/v1/records/{record['id']}/responses",
            json={"status": "submitted", "values": {"entities": {"value": values}}},
        )
        response.raise_for_status()
        submitted += 1
    return submitted


def sensor_tick_and_run() -> int:
    """One ``annotation_sensor`` tick; its run request materialised as the daemon would launch it.
    Returns the number of runs."""
    from dagster import DagsterInstance, SensorResult, build_sensor_context, materialize

    from oceanid_dagster.defs.assets.argilla_corrections import argilla_corrections
    from oceanid_dagster.defs.resources.profiles import resources_for_profile
    from oceanid_dagster.defs.sensors.annotation_sensor import annotation_sensor

    resources = resources_for_profile()
    context = build_sensor_context(resources={"argilla": resources["argilla"]})  # resolves the EnvVar key
    result = annotation_sensor(context)
    requests = result.run_requests if isinstance(result, SensorResult) else []
    for _ in requests:
        materialize(
            [argilla_corrections],
            instance=DagsterInstance.get(),
            resources={"warehouse": resources["warehouse"], "argilla": resources["argilla"]},
        )
    return len(requests)


def shipping_tally(pages: list[tuple[SamplePage, str]]) -> tuple[Tally, str]:
    """What ``extracted_entities`` would use now, on ``pages``; and its version."""
    from dagster import build_resources

    from oceanid_dagster.defs.resources.profiles import resources_for_profile
    from oceanid_dagster.domain.page_kinds import kinship
    from oceanid_dagster.inference.extractors import ModelExtractor

    with build_resources({"ner_runtime": resources_for_profile()["ner_runtime"]}) as built:
        extractor = built.ner_runtime.load_extractor()
    found = extractor.extract_pages([text for _, text in pages])
    if isinstance(extractor, ModelExtractor):
        alone = tally_of(ModelExtractor(extractor.model), pages)
        limit, kin = extractor.model_page_max_uncertainty, extractor.model_page_min_kinship
        uncertainties = sorted(entities.uncertainty for entities in found)
        kinships = sorted(kinship(text, extractor.learnt_kinds) for _, text in pages)
        routed = sum(
            extractor.models_page(text, entities.uncertainty) for (_, text), entities in zip(pages, found, strict=True)
        )
        note(
            f"{extractor.version}: rules keep {sorted(extractor.rule_labels)}, gap fill "
            f"{extractor.gap_fill_min_score}; the model reads alone the pages with uncertainty <= {limit} "
            f"(here {[round(u, 4) for u in uncertainties]}) or kinship >= {kin} to the "
            f"{len(extractor.learnt_kinds)} corrected pages' layouts (here {[round(k, 2) for k in kinships]}): "
            f"{routed} of {len(pages)} pages; the model alone scores {alone.f1()} on these pages"
        )
    return tally_found(pages, found), getattr(extractor, "version", "rules")


def tally_of(extractor, pages: list[tuple[SamplePage, str]]) -> Tally:
    return tally_found(pages, extractor.extract_pages([text for _, text in pages]))


def tally_found(pages: list[tuple[SamplePage, str]], found) -> Tally:
    tally = Tally()
    for (gold, text), entities in zip(pages, found, strict=True):
        tally.add(gold, text, entities.spans)
    return tally


def page_texts(file_names: list[str]) -> dict[str, tuple[str, str]]:
    """file name → (document id, first page's raw_ocr text)."""
    from oceanid_dagster.defs.resources.profiles import resources_for_profile

    warehouse = resources_for_profile()["warehouse"]
    rows = warehouse.query(
        "SELECT d.filename, d.document_id, o.text FROM documents d JOIN raw_ocr o USING (document_id) "
        "WHERE o.page_number = 1"
    )
    return {row["filename"]: (row["document_id"], row["text"]) for row in rows if row["filename"] in file_names}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=24, help="declarations; half annotated, half untouched")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (home, releases, dataset)")
    args = parser.parse_args()
    with _work_folder(args.keep) as root:
        home = root / "home"
        (home / "uploads").mkdir(parents=True)
        os.environ.update(
            OCEANID_HOME=str(home), DAGSTER_HOME=str(root / "dagster_home"), HF_HUB_OFFLINE="1", OCEANID_PROFILE="local"
        )
        os.environ.pop("DAGSTER_POSTGRES_URL", None)
        Path(os.environ["DAGSTER_HOME"]).mkdir()
        with local_argilla(home) as (url, secrets):
            os.environ.update(ARGILLA_API_URL=url, ARGILLA_API_KEY=secrets["ARGILLA_LOCAL_OWNER_API_KEY"])
            run(args, home, url, secrets)


@contextmanager
def _work_folder(keep: Path | None) -> Iterator[Path]:
    if keep is not None:
        keep.mkdir(parents=True)
        yield keep.resolve()
        return
    with tempfile.TemporaryDirectory(prefix="bench-learning-") as scratch:
        yield Path(scratch)


def run(args, home: Path, url: str, secrets: dict) -> None:
    from dagster import build_resources

    from oceanid_dagster.defs.resources.profiles import resources_for_profile
    from oceanid_dagster.samples.registry_csv import load_sample_registry

    env = dict(os.environ)
    written = declarations(load_sample_registry(), args.documents, args.seed)
    names = [f"declaration-{index:03d}.pdf" for index in range(len(written))]
    for name, page in zip(names, written):
        (home / "uploads" / name).write_bytes(typeset(page.text, "Helvetica"))
    oceanid(env, "ingest", str(home / "uploads"))
    read = page_texts(names)
    half = len(names) // 2
    annotated = {read[name][0]: page for name, page in zip(names[:half], written)}
    untouched = [(page, read[name][1]) for name, page in zip(names[half:], written[half:])]
    push_to_argilla([read[name][0] for name in names])

    from oceanid_dagster.inference.extractors import RuleExtractor

    emit("learning.rules_f1", tally_of(RuleExtractor(), untouched).f1(), "f1")
    emit("learning.train_before_seconds", oceanid(env, "train"), "s")
    before, before_version = shipping_tally(untouched)
    note(f"before ({before_version}): micro F1 {before.f1()} on {len(untouched)} untouched declarations")

    with build_resources({"argilla": resources_for_profile()["argilla"]}) as built:  # resolves its EnvVar key
        dataset_id = built.argilla.ensure_dataset()
    submitted = annotate(url, secrets["ARGILLA_LOCAL_ANNOTATOR_API_KEY"], dataset_id, annotated)
    runs = sensor_tick_and_run()
    note(f"{submitted} pages submitted in Argilla; the annotation sensor launched {runs} run(s)")
    emit("learning.pages_corrected", submitted, "pages")

    emit("learning.train_after_seconds", oceanid(env, "train"), "s")
    after, after_version = shipping_tally(untouched)
    note(f"after ({after_version}): micro F1 {after.f1()}")
    emit("learning.f1_before", before.f1(), "f1")
    emit("learning.f1_after", after.f1(), "f1")
    emit("learning.f1_gain", after.f1() - before.f1(), "f1")
    for label in sorted(after.expected):
        emit(f"learning.after.{label}_f1", after.f1(label), "f1", before.f1(label) or None)


if __name__ == "__main__":
    main()
