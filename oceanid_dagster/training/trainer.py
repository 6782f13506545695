"""Fine-tune a token-classification model on the NER dataset with ``transformers.Trainer`` (CPU).

Scores are computed on the gold test split, or on the silver test split when there is no gold
yet (the result says which). The model and its tokenizer are saved with ``save_pretrained``.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic
from pydantic import Field

from oceanid_dagster.domain.alignment import token_label_ids
from oceanid_dagster.domain.labels import ID2LABEL, LABEL2ID, NUM_BIO_TAGS
from oceanid_dagster.settings import available_cores
from oceanid_dagster.training.base_models import BaseModel
from oceanid_dagster.training.dataset import GOLD, SILVER, TEST, TRAIN, VALIDATION
from oceanid_dagster.training.metrics import entity_metrics, per_label_rows, report_plot_png, tags_from_predictions
from oceanid_dagster.training.time_budget import (
    LinearSchedule,
    evaluation_steps,
    time_budget_callback,
    trainer_on_schedule,
)

LogFunction = Callable[[str], None]

# Seconds of training loop that keep `oceanid train` on a fresh home within 5 minutes on 2 cores: the rest of the
# run (start-up, dataset, scoring, ONNX, the release's weighing) took 48 s there.
TIME_BUDGET_SECONDS = 225.0


class TrainingConfig(pydantic.BaseModel):
    """Fine-tuning settings: the one definition, also the ``ner_model`` asset's run config."""

    model_config = pydantic.ConfigDict(frozen=True)

    max_length: int = Field(default=128, ge=8, le=512, description="Tokens per training example.")
    epochs: float = Field(
        default=2.5,
        gt=0,
        description="Passes over the training split. Measured (bench_generalisation, 119 handwritten pages, 2 cores "
        "with AMX): 3 epochs, 510 steps, held-out shipping micro F1 0.910 text / 0.897 scan; 2.5 epochs, 425 steps, "
        "0.922 / 0.898 — the same within the fine-tune's spread (±0.015), and it keeps `oceanid train` within 5 "
        "minutes as the handwritten pages grow (143 pages: 549 steps at 3 epochs, 458 at 2.5; 173 pages: 505 at "
        "2.5, `oceanid train` on a fresh home 205 s; 180 pages: 518 at 2.5).",
    )
    batch_size: int = Field(default=16, ge=1, description="Examples per training step.")
    learning_rate: float = Field(
        default=2e-4,
        gt=0,
        description="Measured on the hand-written gold pages (bench_generalisation, MiniLM-L6, 3 epochs): "
        "model micro F1 0.48 at 5e-5, 0.65 at 2e-4.",
    )
    weight_decay: float = 0.01
    train_word_embeddings: bool = Field(
        default=False,
        description="Frozen by default: on 2 CPU cores (MiniLM-L6, batch 16 x 64 tokens, fused AdamW) a step "
        "took 0.59 s training them and 0.52 s frozen — their 11.7M of the model's 22.7M parameters get a dense "
        "gradient and an AdamW update every step, although a batch touches a few hundred rows.",
    )
    frozen_layers: int = Field(
        default=0,
        ge=0,
        description="The embeddings and this many of the encoder's lowest layers keep the base's weights: no "
        "gradient flows below the first trained layer, so their backward pass is skipped. Measured (MiniLM-L6, 2 "
        "cores, bench_generalisation held-out pages): 0 layers 354 s, model alone micro F1 0.781; 2 layers 296 s, "
        "0.635; 3 layers 238 s, 0.579 — faster, but the model loses what the shipping extractor needs from it.",
    )
    attention_dropout: float | None = Field(
        default=0.0,
        ge=0,
        lt=1,
        description="Dropout on the attention probabilities (None: the base's own, 0.1 for BERT and DistilBERT). "
        "Off by default: with it, PyTorch's scaled-dot-product attention on CPU leaves its fused kernel for the "
        "unfused one and draws a mask over every head's length x length matrix — measured on 2 cores (MiniLM-L6, "
        "batch 16, group_by_length), 0.72 s a step with it, 0.55 s without.",
    )
    bf16: bool | None = Field(
        default=None,
        description="bfloat16 autocast (mixed precision; the weights stay fp32). None: where the hardware computes "
        "bf16 natively (a CUDA GPU that supports it, a CPU with AVX512-BF16 or AMX), else fp32 — elsewhere bf16 is "
        "emulated and slower. Measured on 2 cores with AVX512-BF16 (MiniLM-L6, batch 16): 0.37 s a step, fp32 0.55 s.",
    )
    warmup_ratio: float = Field(default=0.1, ge=0, lt=1)
    seed: int = 42
    max_steps: int = Field(default=-1, description="> 0: stop after this many steps (overrides epochs).")
    step_budget: int = Field(
        default=640,
        ge=0,
        description="The most steps a fine-tune takes by its epochs (0: no cap; max_steps, where set, wins). Every "
        "corrected page is repeated in train (gold_repeats), so without a cap the nightly job would grow with each "
        "correction. Where the epochs would take more steps, they shrink to fit: every example keeps its share. "
        "640 steps are about 3.5 minutes of `ner_model` on 2 cores (a fresh home's 518 steps: 180 s).",
    )
    time_budget: float = Field(
        default=TIME_BUDGET_SECONDS,
        ge=0,
        description="The most seconds the training loop may take (0: no limit; max_steps, where set, wins). Every "
        "50 steps the run's own pace so far weighs how many of its steps (the epochs', within step_budget) fit; "
        "where fewer do, the run ends there, the learning rate decaying to 0 at its new last step. Should the "
        "machine slow down after the last weighing, the run stops at the budget. Steps cost 1.5x more on a CPU "
        "without AMX than with it (a fresh home's 518 steps: 255 s on 2 AMD EPYC cores, 180 s on 2 AMX Xeon cores).",
    )
    logging_steps: float = Field(
        default=0.02, gt=0, description="< 1: a fraction of the total steps (about 50 loss points)."
    )
    torch_threads: int | None = Field(
        default=None,
        description="None: every core this process may use. Never more than OMP_THREAD_LIMIT where it is set.",
    )

    @pydantic.model_validator(mode="after")
    def _embeddings_trained_or_frozen(self) -> TrainingConfig:
        if self.frozen_layers and self.train_word_embeddings:
            raise ValueError("frozen_layers keeps every embedding frozen: train_word_embeddings must be false")
        return self


@dataclass
class TrainingResult:
    model_dir: Path
    metrics: dict[str, Any]
    per_label_rows: list[dict[str, Any]]
    loss_history: list[tuple[int, float]]
    train_examples: int
    eval_examples: int
    eval_split: str  # "gold test" | "silver test" | ...
    base_model: str
    seconds: float
    arithmetic: str  # "bf16 autocast" | "fp32": how the training steps computed (the weights are fp32 either way)
    steps: int
    epochs: float  # the passes over train the steps made (fewer than configured where a budget cut them)
    planned_steps: int  # by max_steps, or the epochs within the step budget (the time budget may take fewer)
    step_limit: str  # what set the steps: "max_steps" | "epochs" | "step budget" | "time budget" (+ " (stopped)")
    loop_seconds: float  # the training loop's, of ``seconds``
    step_seconds: float  # a training step's, on average over the loop (its validation passes left out)
    plot_png: bytes = field(repr=False)


def training_threads(requested: int | None, environ: Mapping[str, str] = os.environ) -> int:
    """PyTorch's intra-op threads: ``requested`` or every core this process may use, but never more
    than OpenMP will start (``OMP_THREAD_LIMIT``, which operators set for tesseract). Told of more
    threads than OpenMP runs, the bf16 kernels on an AMX CPU leave part of their output unwritten:
    measured (MiniLM-L6, 2 threads, OMP_THREAD_LIMIT=1) a NaN loss from the first steps on."""
    threads = requested or available_cores()
    limit = environ.get("OMP_THREAD_LIMIT", "").strip()
    return min(threads, int(limit)) if limit.isdigit() and int(limit) > 0 else threads


class TrainingDiverged(RuntimeError):
    """The loss or its gradient stopped being a finite number: the weights are no longer a model."""


def _stop_on_non_finite_gradient():
    """Fail the training at the first logged non-finite gradient norm. ``Trainer`` leaves a NaN
    step's loss out of its logged average (``logging_nan_inf_filter``), so a diverged run would
    otherwise log a loss of 0.0000 and go on for its every remaining step."""
    import math

    from transformers import TrainerCallback

    class StopOnNonFiniteGradient(TrainerCallback):
        def on_log(self, args, state, control, logs=None, **kwargs):
            norm = (logs or {}).get("grad_norm")
            if norm is not None and not math.isfinite(norm):
                raise TrainingDiverged(
                    f"training diverged by step {state.global_step}/{state.max_steps}: gradient norm {norm}; "
                    "nothing was saved (with bf16, try bf16=false; check OMP_THREAD_LIMIT against torch_threads)"
                )

    return StopOnNonFiniteGradient()


# /proc/cpuinfo flags of x86 instructions that compute in bfloat16 (not emulated through fp32).
NATIVE_BF16_CPU_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str]:
    try:
        text = cpuinfo.read_text()
    except OSError:  # not Linux
        return frozenset()
    line = next((line for line in text.splitlines() if line.startswith("flags")), "")
    return frozenset(line.partition(":")[2].split())


def native_bf16() -> bool:
    """Whether the device training runs on computes bfloat16 natively."""
    import torch

    if torch.cuda.is_available():
        return torch.cuda.is_bf16_supported()
    return bool(cpu_flags() & NATIVE_BF16_CPU_FLAGS)


def evaluation_examples(dataset) -> tuple[Any, str]:
    """Gold test examples; else the silver test examples; else validation. With a description."""
    test = dataset[TEST]
    for source in (GOLD, SILVER):
        chosen = test.filter(lambda example, source=source: example["source"] == source, keep_in_memory=True)
        if len(chosen):
            return chosen, f"{source} test"
    if len(dataset[VALIDATION]):
        return dataset[VALIDATION], "validation"
    raise ValueError("the dataset has no test or validation examples to score the model on")


def tokenize_dataset(split, tokenizer, max_length: int):
    """Sub-word encode the ``tokens`` of each example; label the first sub-token of each word."""

    def encode(batch: dict[str, list]) -> dict[str, list]:
        encoding = tokenizer(batch["tokens"], is_split_into_words=True, truncation=True, max_length=max_length)
        encoding["labels"] = [
            token_label_ids(encoding.word_ids(index), tags) for index, tags in enumerate(batch["ner_tags"])
        ]
        return encoding

    return split.map(encode, batched=True, remove_columns=split.column_names, keep_in_memory=True)


def _progress_callback(log: LogFunction):
    from transformers import TrainerCallback

    class LogProgress(TrainerCallback):
        """Training progress into ``log`` (the asset passes ``context.log.info``)."""

        def on_train_begin(self, args, state, control, **kwargs):
            log(
                f"training: {state.max_steps} steps, {args.num_train_epochs:g} epochs, "
                f"batch {args.per_device_train_batch_size}"
            )

        def on_log(self, args, state, control, logs=None, **kwargs):
            logs = logs or {}
            epoch = f"epoch {state.epoch:.2f}" if state.epoch is not None else ""
            if "loss" in logs:
                rate = f" learning rate {logs['learning_rate']:.2e}" if "learning_rate" in logs else ""
                log(f"step {state.global_step}/{state.max_steps} {epoch} loss {logs['loss']:.4f}{rate}")
            if "eval_loss" in logs:
                log(f"step {state.global_step}/{state.max_steps} {epoch} validation loss {logs['eval_loss']:.4f}")

        def on_train_end(self, args, state, control, **kwargs):
            log(f"training done: {state.global_step} steps")

    return LogProgress()


def _steps_per_epoch(train_examples: int, config: TrainingConfig) -> int:
    return math.ceil(train_examples / config.batch_size)


def epoch_steps(train_examples: int, config: TrainingConfig) -> int:
    """The steps ``config.epochs`` passes over ``train_examples`` take (as ``Trainer`` counts them)."""
    return math.ceil(config.epochs * _steps_per_epoch(train_examples, config))


def step_cap(train_examples: int, config: TrainingConfig) -> int:
    """``Trainer``'s ``max_steps``: ``config.max_steps`` where set, the step budget where the epochs would
    take more, else -1 (the epochs count)."""
    if config.max_steps > 0:
        return config.max_steps
    if config.step_budget and epoch_steps(train_examples, config) > config.step_budget:
        return config.step_budget
    return -1


def training_steps(train_examples: int, config: TrainingConfig) -> int:
    """The steps the fine-tune takes: ``max_steps`` where set, else its epochs' within ``step_budget``."""
    cap = step_cap(train_examples, config)
    return cap if cap > 0 else epoch_steps(train_examples, config)


def step_limit(train_examples: int, config: TrainingConfig) -> str:
    """What sets a fine-tune's steps before it runs (the time budget may cut them as it runs)."""
    if config.max_steps > 0:
        return "max_steps"
    return "step budget" if step_cap(train_examples, config) > 0 else "epochs"


def uses_bf16(config: TrainingConfig) -> bool:
    return native_bf16() if config.bf16 is None else config.bf16


def _training_arguments(config: TrainingConfig, work_dir: Path, has_validation: bool, max_steps: int):
    import torch
    from transformers import TrainingArguments

    return TrainingArguments(
        output_dir=str(work_dir / "checkpoints"),
        num_train_epochs=config.epochs,
        max_steps=max_steps,
        per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=evaluation_batch_size(config),
        learning_rate=config.learning_rate,
        weight_decay=config.weight_decay,
        warmup_ratio=config.warmup_ratio,
        seed=config.seed,
        data_seed=config.seed,
        logging_strategy="steps",
        logging_steps=config.logging_steps,
        eval_strategy="epoch" if has_validation else "no",
        save_strategy="no",
        report_to=[],
        use_cpu=not torch.cuda.is_available(),  # the GPU node when there is one (k8s), else every CPU core
        disable_tqdm=True,
        dataloader_num_workers=0,
        bf16=uses_bf16(config),
        group_by_length=True,  # batches of similar length: less padding, faster on CPU
    )


def evaluation_batch_size(config: TrainingConfig) -> int:
    return config.batch_size * 2


def loss_history(log_history: list[dict[str, Any]]) -> list[tuple[int, float]]:
    return [(int(entry["step"]), float(entry["loss"])) for entry in log_history if "loss" in entry and "step" in entry]


# What each architecture calls its attention-probability dropout (BERT-like, DistilBERT-like).
ATTENTION_DROPOUT_FIELDS = ("attention_probs_dropout_prob", "attention_dropout")


def load_base(base: BaseModel, attention_dropout: float | None = None):
    """``(tokenizer, model)``: the base's fast tokenizer and a token-classification head sized by the label
    schema; ``attention_dropout`` replaces the base's own where given."""
    from transformers import AutoConfig, AutoModelForTokenClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(base.location)
    if not tokenizer.is_fast:
        raise ValueError(f"base model {base.name}: word alignment needs a fast tokenizer")
    config = AutoConfig.from_pretrained(base.location, num_labels=NUM_BIO_TAGS, id2label=ID2LABEL, label2id=LABEL2ID)
    if attention_dropout is not None:
        fields = [name for name in ATTENTION_DROPOUT_FIELDS if hasattr(config, name)]
        if not fields:
            raise ValueError(f"base model {base.name}: no attention dropout setting in its {type(config).__name__}")
        for name in fields:
            setattr(config, name, attention_dropout)
    model = AutoModelForTokenClassification.from_pretrained(base.location, config=config)
    return tokenizer, model


def encoder_layers(model):
    """The encoder's transformer blocks, lowest first (BERT-like and DistilBERT-like bases)."""
    base = model.base_model
    for path in (("encoder", "layer"), ("transformer", "layer")):
        module = base
        for name in path:
            module = getattr(module, name, None)
        if module is not None:
            return list(module)
    raise ValueError(f"{type(model).__name__}: no encoder layers found to freeze")


def freeze_lower_layers(model, config: TrainingConfig) -> None:
    """The word embeddings (unless trained) and, with ``frozen_layers``, every embedding and the lowest layers."""
    model.get_input_embeddings().weight.requires_grad_(config.train_word_embeddings)
    if not config.frozen_layers:
        return
    layers = encoder_layers(model)
    if config.frozen_layers >= len(layers):
        raise ValueError(f"frozen_layers {config.frozen_layers}: the base has {len(layers)} layers, one must train")
    model.base_model.embeddings.requires_grad_(False)
    for layer in layers[: config.frozen_layers]:
        layer.requires_grad_(False)


def _log_step_budget(train_examples: int, config: TrainingConfig, log: LogFunction) -> None:
    if step_limit(train_examples, config) == "step budget":
        steps = training_steps(train_examples, config)
        log(
            f"step budget: {steps} steps of the {epoch_steps(train_examples, config)} that {config.epochs:g} epochs "
            f"of {train_examples} examples would take ({steps / _steps_per_epoch(train_examples, config):.2f} epochs)"
        )


def _evaluation_share(config: TrainingConfig, train, validation) -> float:
    """A validation pass's cost in training steps, until the time budget times one (0: no validation)."""
    if validation is None:
        return 0.0
    return evaluation_steps(
        [len(ids) for ids in train["input_ids"]],
        [len(ids) for ids in validation["input_ids"]],
        config.batch_size,
        evaluation_batch_size(config),
        config.seed,
    )


def _what_limited(steps: int, planned: int, clock, before_the_run: str) -> str:
    if clock.stopped_at is not None:
        return "time budget (stopped)"
    return "time budget" if steps < planned else before_the_run


def score(trainer, examples, tokenizer, max_length: int) -> dict[str, Any]:
    """seqeval scores of the trainer's model on ``examples`` (word level: first sub-tokens only)."""
    prediction = trainer.predict(tokenize_dataset(examples, tokenizer, max_length))
    true_tags, predicted_tags = tags_from_predictions(prediction.predictions.argmax(axis=-1), prediction.label_ids)
    return entity_metrics(true_tags, predicted_tags)


def train_ner_model(
    dataset,
    base: BaseModel,
    output_dir: Path,
    config: TrainingConfig = TrainingConfig(),
    log: LogFunction = print,
) -> TrainingResult:
    """Fine-tune ``base`` on ``dataset[train]``, score it, save model + tokenizer to ``output_dir/model``."""
    import torch
    from transformers import DataCollatorForTokenClassification, PrinterCallback

    started = time.perf_counter()
    train_examples = len(dataset[TRAIN])
    if train_examples == 0:
        raise ValueError("the dataset has no training examples")
    eval_split, eval_description = evaluation_examples(dataset)
    torch.set_num_threads(training_threads(config.torch_threads))
    output_dir = Path(output_dir)
    arithmetic = "bf16 autocast" if uses_bf16(config) else "fp32"
    log(f"base model {base.name} ({base.source}: {base.location}), {torch.get_num_threads()} threads, {arithmetic}")
    tokenizer, model = load_base(base, config.attention_dropout)
    freeze_lower_layers(model, config)
    collator = DataCollatorForTokenClassification(tokenizer)
    train = tokenize_dataset(dataset[TRAIN], tokenizer, config.max_length)
    validation = (
        tokenize_dataset(dataset[VALIDATION], tokenizer, config.max_length) if len(dataset[VALIDATION]) else None
    )
    planned = training_steps(train_examples, config)
    _log_step_budget(train_examples, config, log)
    schedule = LinearSchedule(math.ceil(config.warmup_ratio * planned), planned)
    budget = config.time_budget if config.max_steps <= 0 else 0.0  # max_steps: the count asked for
    clock = time_budget_callback(
        budget,
        _steps_per_epoch(train_examples, config),
        _evaluation_share(config, train, validation) if budget else 0.0,
        schedule,
        log,
    )
    trainer = trainer_on_schedule(
        schedule,
        model=model,
        args=_training_arguments(config, output_dir, validation is not None, step_cap(train_examples, config)),
        train_dataset=train,
        eval_dataset=validation,
        data_collator=collator,
        processing_class=tokenizer,
        callbacks=[_progress_callback(log), _stop_on_non_finite_gradient(), clock],
    )
    trainer.remove_callback(PrinterCallback)  # progress goes to `log` instead of stdout
    trainer.train()
    log(f"training loop: {clock.seconds:.0f} s, {trainer.state.global_step} steps")

    trainer.use_cpu_amp = False  # on CPU, scored in fp32 as the model is saved and exported (a GPU keeps its autocast)
    if eval_description != f"{GOLD} test":
        log(f"no gold test examples: scoring on the {eval_description} split instead")
    metrics = {
        **score(trainer, eval_split, tokenizer, config.max_length),
        "eval_split": eval_description,
        "eval_examples": len(eval_split),
    }
    log(
        f"{eval_description}: precision {metrics['precision']:.4f} recall {metrics['recall']:.4f} "
        f"f1 {metrics['f1']:.4f}"
    )
    model_dir = output_dir / "model"
    trainer.save_model(str(model_dir))
    tokenizer.save_pretrained(str(model_dir))
    rows = per_label_rows(metrics)
    losses = loss_history(trainer.state.log_history)
    return TrainingResult(
        model_dir=model_dir,
        metrics=metrics,
        per_label_rows=rows,
        loss_history=losses,
        train_examples=train_examples,
        eval_examples=len(eval_split),
        eval_split=eval_description,
        base_model=base.name,
        seconds=time.perf_counter() - started,
        arithmetic=arithmetic,
        steps=trainer.state.global_step,
        epochs=round(trainer.state.epoch or 0.0, 3),
        planned_steps=planned,
        step_limit=_what_limited(trainer.state.global_step, planned, clock, step_limit(train_examples, config)),
        loop_seconds=clock.seconds,
        step_seconds=(clock.seconds - clock.evaluation_seconds) / max(1, trainer.state.global_step),
        plot_png=report_plot_png(rows, losses, title=f"{base.name} on {eval_description}"),
    )
