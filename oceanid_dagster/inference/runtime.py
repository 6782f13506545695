"""Run a released NER model on page text: tokenise in windows, run the model, decode to character spans.

Dependency-light on purpose (onnxruntime, tokenizers, numpy; no torch, transformers or Dagster), so
the extraction step, the model puller and a Triton client can all import it.

The pieces:

* :class:`NerDecoder` -- tokenises pages into overlapping windows (``encode_windows``) and turns the
  model's logits for those windows back into character spans (``decode``) and an uncertainty score
  per page (``page_uncertainty``, for active learning). It knows nothing of how logits are made.
* a *logits function* ``logits_fn(input_ids, attention_mask) -> logits`` (``[windows, tokens,
  labels]``): :class:`OrtLogits` runs a local ONNX Runtime session; a Triton client is another.
* :class:`OnnxNerModel` -- the two together: ``predict(text)`` / ``predict_batch(texts)``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tokenizers import Encoding, Tokenizer

from oceanid_dagster.domain.bio_decode import (
    TokenTag,
    TokenWindow,
    assign_tokens_to_windows,
    plan_windows,
    tokens_to_spans,
)
from oceanid_dagster.domain.labels import OUTSIDE_TAG
from oceanid_dagster.domain.spans import Span
from oceanid_dagster.settings import available_cores

FP32_MODEL_FILE = "model.onnx"
INT8_MODEL_FILE = "model_int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
TOKENIZER_CONFIG_FILE = "tokenizer_config.json"
LABELS_FILE = "labels.json"
MANIFEST_FILE = "manifest.json"

DEFAULT_MAX_LENGTH = 256
DEFAULT_STRIDE = 32
DEFAULT_BATCH_SIZE = 32

LogitsFn = Callable[[np.ndarray, np.ndarray], np.ndarray]


class ReleaseFolderError(ValueError):
    """A release folder lacks a file inference needs, or holds a malformed one."""


@dataclass(frozen=True)
class PageTokens:
    """A page's content tokens (no special tokens): character offsets into the page and word ids."""

    offsets: list[tuple[int, int]]
    word_ids: list[int | None]

    def __len__(self) -> int:
        return len(self.offsets)


@dataclass(frozen=True)
class EncodedWindow:
    """Model input for one window of one page: ``input_ids`` include the special tokens."""

    page: int
    tokens: TokenWindow
    input_ids: list[int]
    content_start: int  # position in input_ids of the window's first page token


@dataclass(frozen=True)
class EncodedPages:
    pages: list[PageTokens]
    windows: list[EncodedWindow]

    def model_inputs(self, start: int, stop: int, pad_id: int) -> tuple[np.ndarray, np.ndarray]:
        """``input_ids`` and ``attention_mask`` (int64, padded to the longest) for windows ``start:stop``."""
        return pad_sequences([window.input_ids for window in self.windows[start:stop]], pad_id)


@dataclass(frozen=True)
class PagePrediction:
    spans: list[Span]
    uncertainty: float


def pad_sequences(sequences: Sequence[Sequence[int]], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """``input_ids`` and ``attention_mask`` (int64), every row padded to the longest."""
    width = max(len(sequence) for sequence in sequences)
    input_ids = np.full((len(sequences), width), pad_id, dtype=np.int64)
    attention_mask = np.zeros((len(sequences), width), dtype=np.int64)
    for row, sequence in enumerate(sequences):
        input_ids[row, : len(sequence)] = sequence
        attention_mask[row, : len(sequence)] = 1
    return input_ids, attention_mask


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def _special_tokens_around_content(tokenizer: Tokenizer) -> tuple[list[int], list[int]]:
    """The special token ids the tokenizer puts before and after a single sequence (``[CLS]``/``[SEP]`` for BERT)."""
    encoding = tokenizer.encode("a", add_special_tokens=True)
    content = [index for index, special in enumerate(encoding.special_tokens_mask) if not special]
    if not content:
        raise ValueError("the tokenizer turns 'a' into special tokens only; cannot find where content goes")
    return encoding.ids[: content[0]], encoding.ids[content[-1] + 1 :]


class NerDecoder:
    """Tokenisation into overlapping windows and decoding of window logits into character spans."""

    def __init__(
        self,
        tokenizer: Tokenizer,
        labels: Sequence[str],
        max_length: int = DEFAULT_MAX_LENGTH,
        stride: int = DEFAULT_STRIDE,
        pad_id: int = 0,
    ) -> None:
        # A private copy: truncation/padding settings saved with the tokenizer would cut pages short.
        self._tokenizer = Tokenizer.from_str(tokenizer.to_str())
        self._tokenizer.no_truncation()
        self._tokenizer.no_padding()
        self.labels = list(labels)
        self._outside_id = self.labels.index(OUTSIDE_TAG) if OUTSIDE_TAG in self.labels else -1
        self.pad_id = pad_id
        self._prefix, self._suffix = _special_tokens_around_content(self._tokenizer)
        self.window_length = max_length - len(self._prefix) - len(self._suffix)
        if self.window_length < 1:
            raise ValueError(f"max_length {max_length} leaves no room for content between the special tokens")
        if not 0 <= stride < self.window_length:
            raise ValueError(f"stride must be in [0, {self.window_length}), got {stride}")
        self.stride = stride

    @classmethod
    def from_folder(
        cls, folder: Path, max_length: int = DEFAULT_MAX_LENGTH, stride: int = DEFAULT_STRIDE
    ) -> NerDecoder:
        folder = Path(folder)
        tokenizer = Tokenizer.from_file(str(_required_file(folder, TOKENIZER_FILE)))
        labels = read_labels(folder)
        return cls(tokenizer, labels, max_length=max_length, stride=stride, pad_id=_pad_id(folder, tokenizer))

    def encode_windows(self, texts: Sequence[str]) -> EncodedPages:
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        pages = [PageTokens(encoding.offsets, encoding.word_ids) for encoding in encodings]
        windows = [
            window
            for page_index, encoding in enumerate(encodings)
            for window in self._page_windows(page_index, encoding)
        ]
        return EncodedPages(pages, windows)

    def _page_windows(self, page_index: int, encoding: Encoding) -> list[EncodedWindow]:
        ids = encoding.ids
        return [
            EncodedWindow(
                page=page_index,
                tokens=tokens,
                input_ids=self._prefix + ids[tokens.first : tokens.stop] + self._suffix,
                content_start=len(self._prefix),
            )
            for tokens in plan_windows(len(ids), self.window_length, self.stride)
        ]

    def decode(self, encoded: EncodedPages, logits: Sequence[np.ndarray]) -> list[list[Span]]:
        """Character spans per page; ``logits[i]`` is ``[tokens, labels]`` for ``encoded.windows[i]``."""
        return [prediction.spans for prediction in self.decode_pages(encoded, logits)]

    def page_uncertainty(self, encoded: EncodedPages, logits: Sequence[np.ndarray]) -> list[float]:
        """Mean entropy of the words' tag distributions per page, scaled to [0, 1] (1 = uniform)."""
        return [prediction.uncertainty for prediction in self.decode_pages(encoded, logits)]

    def decode_pages(self, encoded: EncodedPages, logits: Sequence[np.ndarray]) -> list[PagePrediction]:
        if len(logits) != len(encoded.windows):
            raise ValueError(f"got logits for {len(logits)} windows, expected {len(encoded.windows)}")
        per_page = self._page_probabilities(encoded, logits)
        return [self._predict_page(page, probabilities) for page, probabilities in zip(encoded.pages, per_page)]

    def _page_probabilities(self, encoded: EncodedPages, logits: Sequence[np.ndarray]) -> list[np.ndarray]:
        """For every page, ``[tokens, labels]`` probabilities, each token taken from its best window."""
        windows_of_page: list[list[int]] = [[] for _ in encoded.pages]
        for index, window in enumerate(encoded.windows):
            windows_of_page[window.page].append(index)
        return [
            self._gather(encoded, logits, window_indices, len(page))
            for page, window_indices in zip(encoded.pages, windows_of_page)
        ]

    def _gather(
        self, encoded: EncodedPages, logits: Sequence[np.ndarray], window_indices: list[int], num_tokens: int
    ) -> np.ndarray:
        probabilities = np.zeros((num_tokens, len(self.labels)), dtype=np.float32)
        if num_tokens == 0:
            return probabilities
        windows = [encoded.windows[index] for index in window_indices]
        if len(windows) == 1:  # a page of one window: nothing to choose between
            return self._window_probabilities(windows[0], logits[window_indices[0]])
        window_probabilities = [
            self._window_probabilities(window, logits[index]) for window, index in zip(windows, window_indices)
        ]
        choice = assign_tokens_to_windows([window.tokens for window in windows], num_tokens)
        for token, (window, position) in enumerate(choice):
            probabilities[token] = window_probabilities[window][position]
        return probabilities

    def _window_probabilities(self, window: EncodedWindow, window_logits: np.ndarray) -> np.ndarray:
        window_logits = np.asarray(window_logits)
        if window_logits.shape[-1] != len(self.labels):
            raise ValueError(
                f"model gives {window_logits.shape[-1]} logits per token but the release has {len(self.labels)} labels"
            )
        content = window_logits[window.content_start : window.content_start + window.tokens.length]
        return softmax(content.astype(np.float32))

    def _predict_page(self, page: PageTokens, probabilities: np.ndarray) -> PagePrediction:
        tag_ids = probabilities.argmax(axis=-1) if len(page) else np.zeros(0, dtype=np.int64)
        scores = probabilities.max(axis=-1) if len(page) else np.zeros(0, dtype=np.float32)
        tokens = [
            TokenTag(*page.offsets[index], page.word_ids[index], self.labels[tag_ids[index]], float(scores[index]))
            for index in self._decisive_tokens(page, tag_ids).tolist()
        ]
        return PagePrediction(tokens_to_spans(tokens), self._uncertainty(page, probabilities))

    def _decisive_tokens(self, page: PageTokens, tag_ids: np.ndarray) -> np.ndarray:
        """Indices of the tokens that decide the page's spans, in order: every token of a word tagged
        as an entity, and the first token of an outside word that ends one. ``tokens_to_spans`` gives
        the same spans from these as from all tokens, without a Python object for most of a page
        (most words are outside any entity)."""
        if not len(page):
            return np.zeros(0, dtype=np.int64)
        offsets = np.asarray(page.offsets, dtype=np.int64).reshape(-1, 2)
        kept = np.flatnonzero(offsets[:, 1] > offsets[:, 0])  # tokens_to_spans skips empty tokens
        word_ids = np.array([-1 if word_id is None else word_id for word_id in page.word_ids], dtype=np.int64)[kept]
        continues_word = np.zeros(len(kept), dtype=bool)
        continues_word[1:] = (word_ids[1:] >= 0) & (word_ids[1:] == word_ids[:-1])
        word_of_token = np.cumsum(~continues_word) - 1
        word_is_entity = tag_ids[kept][~continues_word] != self._outside_id
        entity_token = word_is_entity[word_of_token]
        ends_an_entity = ~continues_word & ~entity_token
        ends_an_entity[1:] &= entity_token[:-1]
        ends_an_entity[0] = False
        return kept[entity_token | ends_an_entity]

    def _uncertainty(self, page: PageTokens, probabilities: np.ndarray) -> float:
        first_sub_tokens = [
            index
            for index, word_id in enumerate(page.word_ids)
            if word_id is None or index == 0 or page.word_ids[index - 1] != word_id
        ]
        if not first_sub_tokens or len(self.labels) < 2:
            return 0.0
        word_probabilities = np.clip(probabilities[first_sub_tokens], 1e-12, 1.0)
        entropy = -(word_probabilities * np.log(word_probabilities)).sum(axis=-1)
        return float(entropy.mean() / np.log(len(self.labels)))


# Graph fusions ORT applies at load time that are slower than the nodes they replace on the CPUs
# this runs on. SkipLayerNormalization, measured on a 2-core Xeon with AMX (ORT 1.32, 512 x 768
# floats): 1.94 ms fused against 0.47 ms for the Add + LayerNormalization it replaces.
SLOWER_FUSIONS = ("SkipLayerNormFusion",)
# Rows per session run, as a token budget: the activations of 512 tokens (6 MiB for the widest
# DistilBERT layer) stay in cache, where a batch of 32 x 128 (50 MiB) spills to memory. Measured
# (full DistilBERT int8, 32 x 128, 2 cores, 2 workers): 47.8 sequences/s in one run of 32 on one
# worker, 98.9 in runs of 2,048 tokens, 111.0 of 1,024, 116.0 of 512, 117.8 of 256.
TOKENS_PER_RUN = 512


class OrtLogits:
    """A logits function backed by a local ONNX Runtime session. A batch runs in slices of about
    ``tokens_per_run`` tokens, one slice per worker thread at a time (``threads`` workers, every
    core by default), each run single-threaded: on small CPUs this beats one run of the whole batch
    spread over every core."""

    def __init__(self, model_path: Path, threads: int | None = None, tokens_per_run: int = TOKENS_PER_RUN) -> None:
        import onnxruntime

        self.workers = threads or available_cores()
        self.tokens_per_run = tokens_per_run
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = onnxruntime.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"], disabled_optimizers=list(SLOWER_FUSIONS)
        )
        self._input_names = {model_input.name for model_input in self.session.get_inputs()}
        self._output_name = self.session.get_outputs()[0].name
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="ort") if self.workers > 1 else None

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        rows = max(1, min(self.tokens_per_run // max(1, input_ids.shape[1]), -(-len(input_ids) // self.workers)))
        slices = [slice(start, start + rows) for start in range(0, len(input_ids), rows)]

        def run(part: slice) -> np.ndarray:
            return self._run(input_ids[part], attention_mask[part])

        outputs = list(self._pool.map(run, slices)) if self._pool and len(slices) > 1 else [run(s) for s in slices]
        return np.concatenate(outputs) if len(outputs) > 1 else outputs[0]

    def _run(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        feeds = {"input_ids": input_ids, "attention_mask": attention_mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(input_ids)
        return self.session.run([self._output_name], {name: feeds[name] for name in self._input_names})[0]


class OnnxNerModel:
    """A release's decoder plus a logits function (local ONNX Runtime, or a Triton client)."""

    def __init__(
        self, decoder: NerDecoder, logits_fn: LogitsFn, batch_size: int = DEFAULT_BATCH_SIZE, version: str | None = None
    ) -> None:
        self.decoder = decoder
        self.logits_fn = logits_fn
        self.batch_size = batch_size
        self.version = version

    @classmethod
    def load(
        cls,
        release_folder: Path,
        quantized: bool = True,
        max_length: int = DEFAULT_MAX_LENGTH,
        stride: int = DEFAULT_STRIDE,
        batch_size: int = DEFAULT_BATCH_SIZE,
        threads: int | None = None,
    ) -> OnnxNerModel:
        folder = Path(release_folder)
        model_path = _required_file(folder, cpu_model_file(folder) if quantized else FP32_MODEL_FILE)
        decoder = NerDecoder.from_folder(folder, max_length=max_length, stride=stride)
        return cls(
            decoder, OrtLogits(model_path, threads=threads), batch_size=batch_size, version=release_version(folder)
        )

    def predict(self, text: str) -> list[Span]:
        return self.predict_batch([text])[0]

    def predict_batch(self, texts: Sequence[str]) -> list[list[Span]]:
        return [page.spans for page in self.predict_pages(texts)]

    def predict_pages(self, texts: Sequence[str]) -> list[PagePrediction]:
        """Spans and uncertainty per page."""
        encoded = self.decoder.encode_windows(texts)
        return self.decoder.decode_pages(encoded, self.window_logits(encoded))

    def window_logits(self, encoded: EncodedPages) -> list[np.ndarray]:
        """Logits per window (in window order), computed ``batch_size`` windows at a time. Windows
        are batched by length, so a short window (a page's last, a short page) is padded to other
        short ones, not to the longest of the pages."""
        windows = encoded.windows
        by_length = sorted(range(len(windows)), key=lambda index: len(windows[index].input_ids))
        logits: list[np.ndarray] = [np.empty(0)] * len(windows)
        for start in range(0, len(windows), self.batch_size):
            batch = by_length[start : start + self.batch_size]
            input_ids, attention_mask = pad_sequences(
                [windows[index].input_ids for index in batch], self.decoder.pad_id
            )
            for index, row in zip(batch, np.asarray(self.logits_fn(input_ids, attention_mask))):
                logits[index] = row
        return logits


def _required_file(folder: Path, name: str) -> Path:
    path = folder / name
    if not path.is_file():
        raise ReleaseFolderError(f"release folder {folder} has no {name}")
    return path


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ReleaseFolderError(f"{path}: not valid JSON ({error})") from error


def read_labels(folder: Path) -> list[str]:
    """BIO tags in id order from ``labels.json``."""
    path = _required_file(Path(folder), LABELS_FILE)
    labels = _read_json(path)
    if not isinstance(labels, list) or not labels or not all(isinstance(label, str) for label in labels):
        raise ReleaseFolderError(f"{path}: expected a non-empty JSON list of tag names")
    return labels


def _pad_id(folder: Path, tokenizer: Tokenizer) -> int:
    config_path = folder / TOKENIZER_CONFIG_FILE
    pad_token = None
    if config_path.is_file():
        config = _read_json(config_path)
        pad_token = config.get("pad_token") if isinstance(config, dict) else None
    pad_id = tokenizer.token_to_id(pad_token) if isinstance(pad_token, str) else None
    return pad_id if pad_id is not None else 0


def _manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST_FILE
    manifest = _read_json(path) if path.is_file() else {}
    return manifest if isinstance(manifest, dict) else {}


def release_version(folder: Path) -> str | None:
    return _manifest(folder).get("version")


def cpu_model_file(folder: Path) -> str:
    """The model CPU inference serves: the manifest's ``cpu_model`` (``model.onnx`` when no int8
    variant held accuracy); releases from before that field always had int8."""
    return _manifest(folder).get("cpu_model", INT8_MODEL_FILE)
