"""A local Triton Inference Server (pytriton) serving a released NER ONNX model.

Run with the Triton venv (services/triton/install.sh):

    .venv-triton/bin/python services/triton/serve.py --onnx RELEASE/model.onnx --http-port 8000

The ONNX model runs in ONNX Runtime inside pytriton's Python callable, under the model name the
pipeline's TritonResource calls (distilbert-base-uncased), with the same tensor names and
shapes as the GPU host's onnxruntime_onnx config. Extra Python-backend model folders
(``--python-model triton-models/docling_granite_python``) are loaded beside it.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import signal
import sys
import sysconfig
from pathlib import Path

import numpy as np

NER_MODEL_NAME = "distilbert-base-uncased"
log = logging.getLogger("oceanid-triton")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--onnx", type=Path, required=True, help="model.onnx of a release")
    parser.add_argument("--model-name", default=NER_MODEL_NAME)
    parser.add_argument("--max-batch-size", type=int, default=32)
    parser.add_argument("--http-port", type=int, default=8000)
    parser.add_argument("--grpc-port", type=int, default=8001)
    parser.add_argument("--metrics-port", type=int, default=8002)
    parser.add_argument(
        "--python-model", type=Path, action="append", default=[], help="Python-backend model folder to load too"
    )
    parser.add_argument(
        "--exit-timeout", type=int, default=5, help="seconds tritonserver waits for in-flight requests on stop"
    )
    parser.add_argument("--workspace", type=Path, default=None, help="pytriton workspace (default: a temporary folder)")
    return parser.parse_args(argv)


def link_running_libpython() -> None:
    """pytriton's Python-backend stub links libpython dynamically: point it at this interpreter's."""
    libdir = sysconfig.get_config_var("LIBDIR")
    current = os.environ.get("LD_LIBRARY_PATH", "")
    if libdir and libdir not in current.split(":"):
        os.environ["LD_LIBRARY_PATH"] = f"{libdir}:{current}" if current else libdir


def onnx_infer_function(model_path: Path):
    import onnxruntime as ort
    from pytriton.decorators import batch

    session = ort.InferenceSession(str(model_path), providers=["CPUExecutionProvider"])
    output_name = session.get_outputs()[0].name
    wants_token_types = "token_type_ids" in {i.name for i in session.get_inputs()}

    @batch
    def infer(input_ids: np.ndarray, attention_mask: np.ndarray) -> dict[str, np.ndarray]:
        feeds = {"input_ids": input_ids.astype(np.int64), "attention_mask": attention_mask.astype(np.int64)}
        if wants_token_types:
            feeds["token_type_ids"] = np.zeros_like(feeds["input_ids"])
        return {"logits": session.run([output_name], feeds)[0].astype(np.float32)}

    return infer, session.get_outputs()[0].shape[-1]


def serve(args: argparse.Namespace) -> None:
    from pytriton.model_config import ModelConfig, Tensor
    from pytriton.triton import Triton, TritonConfig

    infer, num_labels = onnx_infer_function(args.onnx)
    config = TritonConfig(
        http_address="127.0.0.1",
        http_port=args.http_port,
        grpc_address="127.0.0.1",
        grpc_port=args.grpc_port,
        metrics_port=args.metrics_port,
        exit_timeout_secs=args.exit_timeout,
    )
    with Triton(config=config, workspace=args.workspace) as triton:
        triton.bind(
            model_name=args.model_name,
            infer_func=infer,
            inputs=[
                Tensor(name="input_ids", dtype=np.int64, shape=(-1,)),
                Tensor(name="attention_mask", dtype=np.int64, shape=(-1,)),
            ],
            outputs=[Tensor(name="logits", dtype=np.float32, shape=(-1, num_labels))],
            config=ModelConfig(max_batch_size=args.max_batch_size),
            strict=True,
        )
        triton.run()
        for folder in args.python_model:
            load_python_model(triton, folder, args.http_port)
        log.info("serving %s (%d labels) on http://127.0.0.1:%d", args.model_name, num_labels, args.http_port)
        triton.serve()  # returns on KeyboardInterrupt, after stopping tritonserver


def load_python_model(triton, folder: Path, http_port: int) -> None:
    """Copy a Python-backend model folder into pytriton's repository and load it (explicit mode)."""
    import tritonclient.http as httpclient

    store = triton._workspace.model_store_path  # pytriton starts tritonserver on this repository
    shutil.copytree(folder, store / folder.name, dirs_exist_ok=True)
    client = httpclient.InferenceServerClient(f"127.0.0.1:{http_port}")
    # pytriton guards the repository API with a generated token
    client.load_model(folder.name, headers={"triton-access-token": triton.get_access_token()})
    log.info("loaded python-backend model %s", folder.name)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    link_running_libpython()
    # SIGTERM (and SIGINT, which a shell ignores in background jobs) -> KeyboardInterrupt, which
    # pytriton's serve() turns into an orderly stop; stopping from inside a handler would block
    # the very thread that must answer the Python stub while tritonserver unloads models.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    serve(parse_args())
