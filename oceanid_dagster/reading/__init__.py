"""Reading PDFs: validation, the text layer, tesseract for scans. Bytes in, text out; no Dagster."""
