"""Regenerate triton-models/distilbert-base-uncased/config.pbtxt from the label schema."""

from pathlib import Path

from oceanid_dagster.serving.triton_config import TRITON_NER_MODEL_NAME, ner_model_config

TARGET = Path(__file__).resolve().parents[1] / "triton-models" / TRITON_NER_MODEL_NAME / "config.pbtxt"

if __name__ == "__main__":
    TARGET.write_text(ner_model_config(), encoding="utf-8")
    print(f"wrote {TARGET}")
