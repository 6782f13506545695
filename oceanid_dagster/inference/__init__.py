"""Running extractors on page text: the released NER model (ONNX Runtime / a logits function) and the rules."""
