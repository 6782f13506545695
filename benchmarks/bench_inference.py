"""NER inference throughput on this machine's CPUs: PyTorch eager vs ONNX Runtime fp32 / int8 vs the
project's own path (tokenise -> ONNX int8 -> decode to character spans), on the same inputs.

Full-size DistilBERT geometry (``DistilBertConfig()`` defaults, vocabulary of bert-base-uncased's
size 30,522) with random weights -- speed does not depend on the weights. Pages are generated
vessel-record text, tokenised by a WordPiece tokenizer trained here, cut so that each is exactly
``--seq-len`` tokens with ``[CLS]``/``[SEP]``; a batch of ``--batch`` pages.

Engines are timed round-robin (one batch each, ``--repeats`` rounds) so that load from other
processes hits them alike; the median per engine is reported.

Prints JSON lines ``{"name", "value", "unit", "baseline", "ratio"}``; the baseline is PyTorch eager.
Issue 14's target: the own path reaches >= 5.0x PyTorch eager sequences/s (``benchmarks/targets.py``).

    .venv/bin/python -m benchmarks.bench_inference [--batch 32] [--seq-len 128] [--repeats 7]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmarks.targets import target_for
from oceanid_dagster.domain.labels import ID2LABEL, LABEL2ID
from oceanid_dagster.inference.runtime import NerDecoder, OnnxNerModel, OrtLogits
from oceanid_dagster.settings import available_cores
from oceanid_dagster.training.base_models import train_wordpiece_tokenizer
from oceanid_dagster.training.onnx_export import INT8_VARIANTS, export_onnx, quantize_int8

BERT_BASE_UNCASED_VOCAB_SIZE = 30522
WORDS = """
    vessel name imo mmsi call sign flag port of registry owner operator gross tonnage length overall built
    authorised from to gear type longline purse seine trawler reefer carrier fishing authorisation list record
    notes inspection date company limited fisheries corporation maru star ocean pacific
""".split()
FLAGS = ["Vanuatu", "Panama", "Japan", "Spain", "Korea", "Liberia", "Fiji", "Chile", "China", "Taiwan"]


def emit(name: str, value: float, unit: str, baseline: float | None = None) -> None:
    ratio = round(value / baseline, 3) if baseline else None
    print(
        json.dumps(
            {
                "name": name,
                "value": round(value, 3),
                "unit": unit,
                "baseline": baseline and round(baseline, 3),
                "ratio": ratio,
            }
        ),
        flush=True,
    )


def random_record_text(rng: random.Random, words: int) -> str:
    parts = []
    while len(parts) < words:
        parts += [
            rng.choice(WORDS).capitalize(),
            rng.choice(WORDS),
            f"IMO {rng.randint(1_000_000, 9_999_999)}",
            f"{rng.choice(FLAGS)},",
            f"{rng.randint(100, 9999):,} GT",
            f"{rng.randint(1960, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}.",
        ]
    return " ".join(parts)


def pages_of_exact_length(tokenizer, count: int, content_tokens: int, seed: int) -> list[str]:
    """``count`` texts each tokenising to exactly ``content_tokens`` tokens (cut at a word boundary)."""
    rng = random.Random(seed)
    pages: list[str] = []
    while len(pages) < count:
        text = random_record_text(rng, content_tokens)
        encoding = tokenizer.encode(text, add_special_tokens=False)
        word_ids = encoding.word_ids
        if len(word_ids) > content_tokens and word_ids[content_tokens] != word_ids[content_tokens - 1]:
            pages.append(text[: encoding.offsets[content_tokens - 1][1]])
    return pages


def build_model(folder: Path, corpus: list[str]) -> None:
    import torch
    from transformers import DistilBertConfig, DistilBertForTokenClassification

    tokenizer = train_wordpiece_tokenizer(corpus, vocab_size=8000)
    config = DistilBertConfig(vocab_size=BERT_BASE_UNCASED_VOCAB_SIZE, id2label=ID2LABEL, label2id=LABEL2ID)
    torch.manual_seed(0)
    DistilBertForTokenClassification(config).eval().save_pretrained(folder)
    tokenizer.save_pretrained(folder)


def fused_then_quantised(fp32_path: Path, out_dir: Path) -> Path:
    """ONNX Runtime's transformer optimiser (attention, SkipLayerNorm, BiasGelu, EmbedLayerNorm
    fusion) before dynamic int8 of MatMul and Attention, for comparison with the served int8 (which
    ORT's own ENABLE_ALL graph optimisations already fuse at load time)."""
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers import DistilBertConfig

    config = DistilBertConfig()
    out_dir.mkdir(parents=True, exist_ok=True)
    fused = optimize_model(str(fp32_path), model_type="bert", num_heads=config.n_heads, hidden_size=config.dim)
    fused_path = out_dir / "fused.onnx"
    fused.save_model_to_file(str(fused_path))
    int8_path = out_dir / "fused_int8.onnx"
    quantize_dynamic(
        str(fused_path), str(int8_path), weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul", "Attention"],
        per_channel=True, extra_options={"DefaultTensorType": TensorProto.FLOAT},
    )  # fmt: skip
    return int8_path


def time_round_robin(engines: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median seconds per call of each engine, calls interleaved; one untimed warm-up call each."""
    for run in engines.values():
        run()
    seconds: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(repeats):
        for name, run in engines.items():
            start = time.perf_counter()
            run()
            seconds[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in seconds.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--seq-len", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, default=available_cores())
    args = parser.parse_args()

    import torch
    from tokenizers import Tokenizer
    from transformers import AutoModelForTokenClassification

    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as workdir:
        model_folder = Path(workdir) / "model"
        corpus_rng = random.Random(1)
        build_model(model_folder, [random_record_text(corpus_rng, 60) for _ in range(3000)])
        fp32_path = export_onnx(model_folder, Path(workdir) / "onnx")
        int8_path = quantize_int8(fp32_path, variant=next(iter(INT8_VARIANTS)))  # what a release serves first
        fused_int8_path = fused_then_quantised(fp32_path, Path(workdir) / "fused")

        tokenizer = Tokenizer.from_file(str(model_folder / "tokenizer.json"))
        decoder = NerDecoder(tokenizer, list(ID2LABEL.values()), max_length=args.seq_len, stride=32)
        pages = pages_of_exact_length(tokenizer, args.batch, decoder.window_length, seed=2)
        encoded = decoder.encode_windows(pages)
        input_ids, attention_mask = encoded.model_inputs(0, len(encoded.windows), decoder.pad_id)
        assert input_ids.shape == (args.batch, args.seq_len) and attention_mask.all(), input_ids.shape

        torch_model = AutoModelForTokenClassification.from_pretrained(str(model_folder)).eval()
        torch_inputs = {"input_ids": torch.from_numpy(input_ids), "attention_mask": torch.from_numpy(attention_mask)}
        ort_fp32, ort_int8 = OrtLogits(fp32_path, threads=args.threads), OrtLogits(int8_path, threads=args.threads)
        ort_fused_int8 = OrtLogits(fused_int8_path, threads=args.threads)
        own_path = OnnxNerModel(decoder, ort_int8, batch_size=args.batch)

        def pytorch_eager() -> np.ndarray:
            with torch.inference_mode():
                return torch_model(**torch_inputs).logits.numpy()

        seconds = time_round_robin(
            {
                "pytorch_eager": pytorch_eager,
                "ort_fp32": lambda: ort_fp32(input_ids, attention_mask),
                "ort_int8": lambda: ort_int8(input_ids, attention_mask),
                "ort_int8_transformer_fused": lambda: ort_fused_int8(input_ids, attention_mask),
                "own_path_int8": lambda: own_path.predict_batch(pages),
            },
            args.repeats,
        )

    tokens = args.batch * args.seq_len
    baseline_sequences, baseline_tokens = args.batch / seconds["pytorch_eager"], tokens / seconds["pytorch_eager"]
    for name, elapsed in seconds.items():
        emit(f"{name}_sequences_per_s", args.batch / elapsed, "sequences/s", baseline_sequences)
        emit(f"{name}_tokens_per_s", tokens / elapsed, "tokens/s", baseline_tokens)
    speedup_name = "own_path_int8_speedup_vs_pytorch_eager"
    emit(speedup_name, seconds["pytorch_eager"] / seconds["own_path_int8"], "x", target_for(speedup_name).threshold)


if __name__ == "__main__":
    main()
