"""NER training: dataset building, base models, fine-tuning and metrics (imports torch lazily)."""
