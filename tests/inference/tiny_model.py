"""A tiny token-classification model (2-layer, 32-wide DistilBERT, WordPiece vocabulary trained here),
briefly trained on synthetic vessel sentences.

Trained (300 steps, seconds) rather than left random so that its predictions are decisive: int8
agreement and decoding are then tested on a model that actually finds entities.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from oceanid_dagster.domain.labels import ID2LABEL, LABEL2ID
from oceanid_dagster.training.onnx_export import TokenizedExamples

IGNORED = -100
# The WordPiece vocabulary of the training sentences, trained once and kept: the trainer breaks ties
# differently in every process, and the tiny model (and what tests see it find) must not change
# from one session to the next. Regenerate with train_wordpiece_tokenizer(..., vocab_size=400).
TINY_VOCABULARY = Path(__file__).parent / "data" / "tiny_vocab.txt"
NAMES = [
    "taisei maru",
    "ocean star",
    "pacific glory",
    "santa maria",
    "hai feng",
    "nordic prince",
    "blue fin",
    "el dorado",
]
FLAGS = ["vanuatu", "panama", "japan", "spain", "korea", "liberia", "fiji", "chile"]
FILLERS = ["the", "vessel", "record", "listed", "authorised", "by", "on", "registry", "see", "notes"]


@dataclass(frozen=True)
class Sentence:
    words: list[str]
    tags: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.words)


def _entity(words: list[str], label: str) -> list[tuple[str, str]]:
    return [(word, f"{'B' if index == 0 else 'I'}-{label}") for index, word in enumerate(words)]


def synthetic_sentence(rng: random.Random) -> Sentence:
    fields = [
        [("vessel", "O")] + _entity(rng.choice(NAMES).split(), "VESSEL_NAME"),
        [("imo", "O")] + _entity([str(rng.randint(1_000_000, 9_999_999))], "IMO"),
        [("flag", "O")] + _entity([rng.choice(FLAGS)], "FLAG"),
        [("built", "O")] + _entity([str(rng.randint(1960, 2024))], "BUILD_YEAR"),
    ]
    rng.shuffle(fields)
    pairs = [pair for field in fields for pair in field + [(rng.choice(FILLERS), "O")]]
    return Sentence([word for word, _ in pairs], [tag for _, tag in pairs])


def synthetic_sentences(count: int, seed: int) -> list[Sentence]:
    rng = random.Random(seed)
    return [synthetic_sentence(rng) for _ in range(count)]


def tokenized_examples(tokenizer, sentences: list[Sentence]) -> TokenizedExamples:
    """Labels on the first sub-token of each word, -100 elsewhere (as the training dataset aligns them)."""
    input_ids, labels = [], []
    for sentence in sentences:
        encoding = tokenizer(sentence.words, is_split_into_words=True)
        word_ids = encoding.word_ids()
        input_ids.append(encoding["input_ids"])
        labels.append(
            [
                LABEL2ID[sentence.tags[word]]
                if word is not None and (index == 0 or word_ids[index - 1] != word)
                else IGNORED
                for index, word in enumerate(word_ids)
            ]
        )
    return TokenizedExamples(input_ids, labels)


def _train(model, examples: TokenizedExamples, pad_id: int, steps: int, seed: int) -> None:
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a 32-wide model gains nothing from threads, and on a busy machine they spin
    try:
        _train_steps(model, examples, pad_id, steps, seed)
    finally:
        torch.set_num_threads(threads)


def _train_steps(model, examples: TokenizedExamples, pad_id: int, steps: int, seed: int) -> None:
    import torch

    from oceanid_dagster.inference.runtime import pad_sequences

    torch.manual_seed(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    rng = random.Random(seed)
    indices = list(range(len(examples.input_ids)))
    model.train()
    for _ in range(steps):
        batch = rng.sample(indices, 16)
        input_ids, attention_mask = pad_sequences([examples.input_ids[i] for i in batch], pad_id)
        labels, _ = pad_sequences([examples.labels[i] for i in batch], IGNORED)
        loss = model(
            input_ids=torch.from_numpy(input_ids),
            attention_mask=torch.from_numpy(attention_mask),
            labels=torch.from_numpy(labels),
        ).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()


@dataclass(frozen=True)
class TinyModel:
    folder: Path
    eval_examples: TokenizedExamples
    eval_sentences: list[Sentence]
    pad_id: int


def build_tiny_token_classifier(folder: Path, seed: int = 0, steps: int = 300) -> TinyModel:
    import torch
    from transformers import DistilBertConfig, DistilBertForTokenClassification

    from oceanid_dagster.training.base_models import wordpiece_tokenizer

    train = synthetic_sentences(400, seed)
    evaluation = synthetic_sentences(64, seed + 1)
    tokenizer = wordpiece_tokenizer(TINY_VOCABULARY.read_text(encoding="utf-8").split())
    config = DistilBertConfig(
        vocab_size=len(tokenizer),
        dim=32,
        hidden_dim=64,
        n_layers=2,
        n_heads=2,
        max_position_embeddings=512,
        pad_token_id=tokenizer.pad_token_id,
        id2label=ID2LABEL,
        label2id=LABEL2ID,
    )
    torch.manual_seed(seed)
    model = DistilBertForTokenClassification(config)
    _train(model, tokenized_examples(tokenizer, train), tokenizer.pad_token_id, steps, seed)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return TinyModel(folder, tokenized_examples(tokenizer, evaluation), evaluation, tokenizer.pad_token_id)


def gold_spans(sentences: list[Sentence]) -> list[tuple[str, str, int]]:
    """``(label, text, start)`` of the entities of the sentences joined by spaces into one page."""
    spans, position, current = [], 0, None
    for word, tag in ((word, tag) for sentence in sentences for word, tag in zip(sentence.words, sentence.tags)):
        if tag.startswith("B-"):
            current = [tag[2:], word, position]
            spans.append(current)
        elif tag.startswith("I-"):
            current[1] += " " + word
        position += len(word) + 1
    return [tuple(span) for span in spans]


def page_text(sentences: list[Sentence]) -> str:
    return " ".join(sentence.text for sentence in sentences)


def metrics_with_f1(f1: float, imo_f1: float | None = None) -> dict:
    """Metrics shaped like ``training.metrics.entity_metrics``."""
    per_label = {"IMO": {"precision": f1, "recall": f1, "f1": imo_f1 if imo_f1 is not None else f1, "support": 10}}
    return {"precision": f1, "recall": f1, "f1": f1, "accuracy": f1, "entities": 10, "per_label": per_label}
