from __future__ import annotations

from dataclasses import replace
from functools import partial

import pytest
import torch
from transformers import AutoModelForTokenClassification, AutoTokenizer, DataCollatorForTokenClassification

from oceanid_dagster.domain.labels import ID2LABEL, LABEL_NAMES
from oceanid_dagster.training import time_budget, trainer
from oceanid_dagster.training.dataset import GOLD, build_dataset, hash_split, silver_pages
from oceanid_dagster.training.metrics import PER_LABEL_COLUMNS, entity_metrics, tags_from_predictions
from oceanid_dagster.training.trainer import (
    TrainingConfig,
    encoder_layers,
    tokenize_dataset,
    train_ner_model,
    training_steps,
)

# Settings for the tiny random 2-layer base, which learns fastest with its own attention dropout (last-6-step loss
# 0.59 of the first 6 with it, 0.66 without); the pretrained base's default (off) is measured in bench_generalisation.
FAST = TrainingConfig(
    max_length=64,
    epochs=3,
    batch_size=8,
    learning_rate=3e-3,
    warmup_ratio=0.0,
    logging_steps=1,
    attention_dropout=None,
)


@pytest.fixture(scope="module")
def silver_dataset(documents):
    return build_dataset(silver_pages(documents))


@pytest.fixture(scope="module")
def trained(silver_dataset, tiny_base, tmp_path_factory):
    messages: list[str] = []
    result = train_ner_model(silver_dataset, tiny_base, tmp_path_factory.mktemp("run"), FAST, log=messages.append)
    return result, messages


def fp32_f1(model_dir, examples) -> float:
    """Entity F1 of the saved model on ``examples``, in plain fp32 PyTorch outside the Trainer."""
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForTokenClassification.from_pretrained(model_dir).eval()
    batch = DataCollatorForTokenClassification(tokenizer)(
        tokenize_dataset(examples, tokenizer, FAST.max_length).to_list()
    )
    with torch.no_grad():
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    true_tags, predicted_tags = tags_from_predictions(logits.argmax(-1).tolist(), batch["labels"].tolist())
    return entity_metrics(true_tags, predicted_tags)["f1"]


def test_loss_goes_down_and_progress_is_logged(trained):
    result, messages = trained
    losses = [loss for _, loss in result.loss_history]
    assert len(losses) >= 15
    assert sum(losses[-3:]) / 3 < 0.6 * sum(losses[:3]) / 3
    assert any(message.startswith("step ") and " loss " in message for message in messages)
    assert "no gold test examples: scoring on the silver test split instead" in messages


def test_metrics_cover_every_label_and_are_scored_on_silver_test(trained, silver_dataset):
    result, _ = trained
    assert result.eval_split == "silver test"
    assert result.eval_examples == len(silver_dataset["test"]) == result.metrics["eval_examples"]
    assert result.train_examples == len(silver_dataset["train"])
    assert set(result.metrics["per_label"]) == set(LABEL_NAMES)
    assert [row["label"] for row in result.per_label_rows] == [*LABEL_NAMES, "overall"]
    assert all(set(row) == set(PER_LABEL_COLUMNS) for row in result.per_label_rows)
    assert result.metrics["per_label"]["VESSEL_NAME"]["support"] > 0
    assert 0.0 <= result.metrics["f1"] <= 1.0
    assert result.plot_png.startswith(b"\x89PNG")


def test_saved_folder_loads_back_and_scores_what_was_reported(trained, silver_dataset):
    result, _ = trained
    assert AutoModelForTokenClassification.from_pretrained(result.model_dir).config.id2label == ID2LABEL
    assert fp32_f1(result.model_dir, silver_dataset["test"]) == pytest.approx(result.metrics["f1"])


def test_gold_test_examples_are_preferred_for_scoring(documents, tiny_base, tmp_path):
    pages = silver_pages(documents)
    gold_doc = next(page.document_id for page in pages if hash_split(page.document_id) == "test")
    relabelled = [replace(page, source=GOLD) if page.document_id == gold_doc else page for page in pages]
    config = TrainingConfig(max_length=32, max_steps=2, batch_size=8, logging_steps=1)
    dataset = build_dataset(relabelled)
    result = train_ner_model(dataset, tiny_base, tmp_path, config, log=lambda message: None)
    assert result.eval_split == "gold test"
    assert 0 < result.eval_examples == dataset["test"]["source"].count(GOLD) < len(dataset["test"])


def test_the_step_budget_shrinks_the_epochs_as_corrected_pages_grow_and_max_steps_wins():
    config = TrainingConfig(epochs=2.5, batch_size=16, step_budget=640)
    assert training_steps(3300, config) == 518  # a fresh home: 207 batches x 2.5 epochs, under the budget
    assert training_steps(5000, config) == 640  # many corrected pages: 313 x 2.5 = 783 steps, cut to the budget
    assert training_steps(5000, config.model_copy(update={"step_budget": 0})) == 783
    assert training_steps(5000, config.model_copy(update={"max_steps": 900})) == 900


def test_a_fine_tune_over_its_step_budget_stops_there_and_says_so(silver_dataset, tiny_base, tmp_path):
    config = TrainingConfig(max_length=32, batch_size=8, epochs=2, step_budget=3, logging_steps=1)
    messages: list[str] = []
    result = train_ner_model(silver_dataset, tiny_base, tmp_path, config, log=messages.append)
    assert result.steps == 3
    assert result.epochs < 2
    assert any(message.startswith("step budget: 3 steps of the ") for message in messages)


class TickingClock:
    """A clock one second on at each reading: a training step, or a validation pass, takes one second."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


@pytest.fixture
def replanned_every(monkeypatch):
    """The time budget on a ticking clock, weighed every given number of steps."""
    on_ticking_clock = partial(time_budget.time_budget_callback, clock=TickingClock())
    monkeypatch.setattr(trainer, "time_budget_callback", on_ticking_clock)
    return lambda steps: monkeypatch.setattr(time_budget, "REPLAN_STEPS", steps)


def _learning_rates(messages: list[str]) -> list[float]:
    """The rate each logged step's update ran at."""
    return [float(message.rsplit(" ", 1)[1]) for message in messages if " learning rate " in message]


def test_a_fine_tune_over_its_time_budget_ends_within_it_with_the_learning_rate_decayed(
    silver_dataset, tiny_base, tmp_path, replanned_every
):
    replanned_every(5)
    config = FAST.model_copy(update={"max_length": 32, "time_budget": 20.0, "step_budget": 0})
    messages: list[str] = []
    result = train_ner_model(silver_dataset, tiny_base, tmp_path, config, log=messages.append)

    planned = training_steps(len(silver_dataset["train"]), config)
    assert (result.planned_steps, result.step_limit) == (planned, "time budget")
    assert 5 < result.steps < planned
    assert result.loop_seconds <= 20.0 + 2  # the last weighing's estimate of the last validation pass
    assert any(
        message.startswith(f"time budget: 20 s fits {result.steps} of the {planned} steps") for message in messages
    )
    assert any(message.startswith(f"step {result.steps}/{result.steps} ") for message in messages)
    # the schedule ends where the run does: its last update's rate is the linear decay's last (no warm-up in FAST)
    assert _learning_rates(messages)[-1] == pytest.approx(config.learning_rate / result.steps, rel=0.01)


def test_a_fine_tune_slower_than_its_last_weighing_stops_at_its_time_budget(
    silver_dataset, tiny_base, tmp_path, replanned_every
):
    replanned_every(10_000)  # never weighed: as a machine slowed down since
    config = FAST.model_copy(update={"max_length": 32, "time_budget": 12.0})
    messages: list[str] = []
    result = train_ner_model(silver_dataset, tiny_base, tmp_path, config, log=messages.append)

    assert result.step_limit == "time budget (stopped)"
    assert result.steps < result.planned_steps == training_steps(len(silver_dataset["train"]), config)
    assert any("the training stops there" in message for message in messages)
    assert _learning_rates(messages)[-1] > config.learning_rate / 2  # stopped far from the schedule's end


def test_no_time_budget_or_max_steps_keeps_every_planned_step(silver_dataset, tiny_base, tmp_path, replanned_every):
    replanned_every(2)
    for update in ({"time_budget": 0.0}, {"time_budget": 3.0, "max_steps": 12}):
        config = FAST.model_copy(update={"max_length": 32, **update})
        result = train_ner_model(silver_dataset, tiny_base, tmp_path, config, log=lambda message: None)
        assert result.steps == result.planned_steps == training_steps(len(silver_dataset["train"]), config)
        assert result.step_limit in {"epochs", "max_steps"}


def _weights(folder) -> dict[str, torch.Tensor]:
    return AutoModelForTokenClassification.from_pretrained(folder).base_model.state_dict()


def test_word_embeddings_stay_the_base_models_unless_trained(trained, tiny_base, silver_dataset, tmp_path):
    """Frozen by default (a step about a tenth faster); the encoder and position embeddings still learn."""
    base, fine_tuned = _weights(tiny_base.location), _weights(trained[0].model_dir)
    changed = {name for name in base if not torch.equal(base[name], fine_tuned[name])}
    words = "embeddings.word_embeddings.weight"
    assert words not in changed
    assert "embeddings.position_embeddings.weight" in changed
    assert len(changed) > len(base) / 2

    config = TrainingConfig(max_length=32, max_steps=2, batch_size=8, train_word_embeddings=True)
    result = train_ner_model(silver_dataset, tiny_base, tmp_path, config, log=lambda message: None)
    assert not torch.equal(base[words], _weights(result.model_dir)[words])


def test_frozen_layers_keep_the_bases_embeddings_and_lowest_layers(tiny_base, silver_dataset, tmp_path):
    """No gradient reaches below the first trained layer: embeddings and the frozen layers are the base's."""
    config = TrainingConfig(max_length=32, max_steps=2, batch_size=8, learning_rate=1e-2, frozen_layers=1)
    result = train_ner_model(silver_dataset, tiny_base, tmp_path, config, log=lambda message: None)
    base, fine_tuned = _weights(tiny_base.location), _weights(result.model_dir)
    changed = {name for name in base if not torch.equal(base[name], fine_tuned[name])}
    assert not {name for name in changed if name.startswith(("embeddings.", "transformer.layer.0."))}
    assert {name for name in base if name.startswith("transformer.layer.1.")} <= changed


def test_frozen_layers_leave_a_layer_to_train_and_the_embeddings_frozen(tiny_base, silver_dataset, tmp_path):
    layers = AutoModelForTokenClassification.from_pretrained(tiny_base.location).config.num_hidden_layers
    config = TrainingConfig(max_length=32, max_steps=1, batch_size=8, frozen_layers=layers)
    with pytest.raises(ValueError, match=f"frozen_layers {layers}: the base has {layers} layers"):
        train_ner_model(silver_dataset, tiny_base, tmp_path, config, log=lambda message: None)
    with pytest.raises(ValueError, match="train_word_embeddings must be false"):
        TrainingConfig(frozen_layers=1, train_word_embeddings=True)


def test_encoder_layers_of_bert_and_distilbert_bases_lowest_first(tiny_base):
    from transformers import BertConfig, BertForTokenClassification

    bert = BertForTokenClassification(BertConfig(hidden_size=32, num_hidden_layers=3, num_attention_heads=2))
    assert encoder_layers(bert) == list(bert.bert.encoder.layer)
    distilbert = AutoModelForTokenClassification.from_pretrained(tiny_base.location)
    assert encoder_layers(distilbert) == list(distilbert.distilbert.transformer.layer)


def test_native_bf16_is_read_from_the_cpu_flags(tmp_path, monkeypatch):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16\n\nprocessor\t: 1\n")
    assert trainer.cpu_flags(cpuinfo) >= {"avx2", "avx512_bf16"}
    assert trainer.cpu_flags(tmp_path / "absent") == frozenset()

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    for flags, native in ({"avx2", "fma"}, False), ({"avx2", "avx512_bf16"}, True), ({"amx_bf16"}, True):
        monkeypatch.setattr(trainer, "cpu_flags", lambda flags=flags: frozenset(flags))
        assert trainer.native_bf16() is native


@pytest.mark.parametrize("bf16", [True, False])
def test_bf16_autocast_trains_fp32_weights_and_scores_them_in_fp32(bf16, silver_dataset, tiny_base, tmp_path):
    """Mixed precision changes the arithmetic, not what is saved: fp32 weights, scored as they are exported."""
    messages: list[str] = []
    config = FAST.model_copy(update={"bf16": bf16})
    result = train_ner_model(silver_dataset, tiny_base, tmp_path, config, log=messages.append)
    assert messages[0].endswith("bf16 autocast" if bf16 else "fp32")
    model = AutoModelForTokenClassification.from_pretrained(result.model_dir).eval()
    assert {parameter.dtype for parameter in model.parameters()} == {torch.float32}
    losses = [loss for _, loss in result.loss_history]
    assert sum(losses[-3:]) / 3 < 0.6 * sum(losses[:3]) / 3
    assert fp32_f1(result.model_dir, silver_dataset["test"]) == pytest.approx(result.metrics["f1"])


def test_torch_threads_never_exceed_what_openmp_will_start():
    from oceanid_dagster.settings import available_cores
    from oceanid_dagster.training.trainer import training_threads

    assert training_threads(None, {}) == available_cores()
    assert training_threads(4, {}) == 4
    assert training_threads(None, {"OMP_THREAD_LIMIT": "1"}) == 1
    assert training_threads(4, {"OMP_THREAD_LIMIT": "2"}) == 2
    assert training_threads(1, {"OMP_THREAD_LIMIT": "8"}) == 1
    assert training_threads(3, {"OMP_THREAD_LIMIT": "unlimited"}) == 3


def test_bf16_training_under_an_openmp_thread_limit_keeps_a_finite_loss(tiny_base, tmp_path):
    """OMP_THREAD_LIMIT=1 (tesseract's setting) in the training process: on an AMX CPU, bf16 kernels run
    with more PyTorch threads than OpenMP starts gave a NaN loss from the first steps."""
    import json
    import os
    import subprocess
    import sys

    script = (
        "import json, sys; from pathlib import Path\n"
        "from oceanid_dagster.training.base_models import BaseModel\n"
        "from oceanid_dagster.training.dataset import build_dataset, silver_pages\n"
        "from oceanid_dagster.samples.generator import silver_documents\n"
        "from oceanid_dagster.samples.registry_csv import load_sample_registry\n"
        "from oceanid_dagster.training.trainer import TrainingConfig, train_ner_model\n"
        "base = BaseModel(**json.loads(sys.argv[1]))\n"
        "dataset = build_dataset(silver_pages(silver_documents(load_sample_registry(), 12, 3)))\n"
        "config = TrainingConfig(max_length=64, batch_size=8, max_steps=12, logging_steps=1, bf16=True)\n"
        "messages = []\n"
        "result = train_ner_model(dataset, base, Path(sys.argv[2]), config, log=messages.append)\n"
        "print(json.dumps({'losses': [loss for _, loss in result.loss_history], 'first': messages[0]}))\n"
    )
    base = json.dumps({"name": tiny_base.name, "location": str(tiny_base.location), "source": tiny_base.source})
    completed = subprocess.run(
        [sys.executable, "-c", script, base, str(tmp_path)],
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    outcome = json.loads(completed.stdout.strip().splitlines()[-1])
    assert ", 1 threads, bf16 autocast" in outcome["first"]
    assert len(outcome["losses"]) == 12 and all(0 < loss < 100 for loss in outcome["losses"])


def test_a_diverging_training_fails_naming_the_step_and_saves_nothing(silver_dataset, tiny_base, tmp_path):
    from oceanid_dagster.training.trainer import TrainingDiverged

    diverging = FAST.model_copy(update={"learning_rate": 1e12, "bf16": False})
    with pytest.raises(TrainingDiverged, match=r"training diverged by step \d+/\d+: gradient norm nan"):
        train_ner_model(silver_dataset, tiny_base, tmp_path, diverging, log=lambda message: None)
    assert not (tmp_path / "model").exists()
