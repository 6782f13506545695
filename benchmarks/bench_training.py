"""Fine-tune the offline base model (MiniLM-L6) on 3,000 generated examples, on this machine's CPUs.

Issue 4's target: <= 5 minutes on 2 cores. The training examples are short pages (at most
``--max-words`` words) of documents generated from one part of the registry sample; the held-out
set is documents generated from the *other* vessels, so the F1 is on vessels never seen in training.

Prints JSON lines ``{"name", "value", "unit", "baseline", "ratio"}``:
``training_seconds`` (wall clock, baseline: the 300 s target; ratio < 1 meets it),
``training_cpu_seconds_per_core`` (CPU time / cores: what the wall clock would be on an otherwise idle
machine; compare the two to see contention from other processes), ``train_sequences_per_second``,
and ``heldout_f1`` (entity-level, seqeval).

    .venv/bin/python benchmarks/bench_training.py [--examples 3000] [--epochs 1.5]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import tempfile
from pathlib import Path

from oceanid_dagster.samples.generator import generate_documents
from oceanid_dagster.samples.registry_csv import load_sample_registry
from oceanid_dagster.settings import available_cores
from oceanid_dagster.training.base_models import offline_base_model
from oceanid_dagster.training.dataset import SPLITS, TEST, TRAIN, examples_dataset, silver_pages
from oceanid_dagster.training.trainer import TrainingConfig, train_ner_model

TARGET_SECONDS = 300.0
HELD_OUT_VESSEL_SHARE = 0.2


def emit(name: str, value: float, unit: str, baseline: float | None = None) -> None:
    ratio = round(value / baseline, 3) if baseline else None
    print(
        json.dumps({"name": name, "value": round(value, 4), "unit": unit, "baseline": baseline, "ratio": ratio}),
        flush=True,
    )


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def split_vessels(records: list[dict], seed: int) -> tuple[list[dict], list[dict]]:
    shuffled = list(records)
    random.Random(seed).shuffle(shuffled)
    cut = int(len(shuffled) * HELD_OUT_VESSEL_SHARE)
    return shuffled[cut:], shuffled[:cut]


def examples_from(records: list[dict], count: int, seed: int, max_words: int):
    """At least ``count`` examples (then exactly ``count``) from documents generated from ``records``."""
    documents = 50
    while True:
        examples = examples_dataset(silver_pages(generate_documents(records, documents, seed)), max_words)
        if len(examples) >= count:
            return examples.select(range(count))
        documents *= 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=3000)
    parser.add_argument("--held-out", type=int, default=500)
    parser.add_argument("--max-words", type=int, default=48)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--epochs", type=float, default=1.5)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--learning-rate", type=float, default=1.5e-4)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from datasets import DatasetDict

    train_records, held_out_records = split_vessels(load_sample_registry(), args.seed)
    empty = examples_dataset([])
    dataset = DatasetDict(dict.fromkeys(SPLITS, empty))
    dataset[TRAIN] = examples_from(train_records, args.examples, args.seed, args.max_words)
    dataset[TEST] = examples_from(held_out_records, args.held_out, args.seed + 1, args.max_words)
    config = TrainingConfig(
        max_length=args.max_length,
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        seed=args.seed,
        time_budget=0,  # a fixed amount of work: sequences a second over every step of the epochs
    )
    load_before = os.getloadavg()[0]
    cpu_before = cpu_seconds()
    with tempfile.TemporaryDirectory() as work_dir:
        result = train_ner_model(dataset, offline_base_model(), Path(work_dir), config, log=lambda message: None)
    cpu_per_core = (cpu_seconds() - cpu_before) / available_cores()
    emit("training_seconds", result.seconds, "s", TARGET_SECONDS)
    emit("training_cpu_seconds_per_core", cpu_per_core, "s", TARGET_SECONDS)
    emit("train_sequences_per_second", args.examples * args.epochs / result.seconds, "sequences/s")
    emit("heldout_f1", result.metrics["f1"], "f1")
    print(
        json.dumps(
            {
                "name": "training_setup",
                "cores": available_cores(),
                "load_average_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
                "base_model": result.base_model,
                "train_examples": result.train_examples,
                "heldout_examples": result.eval_examples,
                "config": vars(args),
                "per_label_f1": {row["label"]: row["f1"] for row in result.per_label_rows},
            }
        )
    )


if __name__ == "__main__":
    main()
