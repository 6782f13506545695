"""Triton Python-backend model: PDF bytes -> JSON {"text", "tables", "metadata"}.

Uses Docling (with its granite-docling pipeline when configured on the host) when it is
installed; otherwise reads the PDF text layer with pypdfium2, which finds no text in scans and
returns no tables. A request carrying only ``text`` gets that text back in the same shape, so
callers handle one response format.
"""

from __future__ import annotations

import io
import json

ENGINE_DOCLING = "docling"
ENGINE_TEXT_LAYER = "pypdfium2_text_layer"
ENGINE_PASSTHROUGH = "text_passthrough"


class ConversionError(ValueError):
    pass


def docling_available() -> bool:
    try:
        import docling.document_converter  # noqa: F401
    except ImportError:
        return False
    return True


def convert_with_docling(pdf_data: bytes, converter) -> dict:
    from docling.datamodel.base_models import DocumentStream

    result = converter.convert(DocumentStream(name="document.pdf", stream=io.BytesIO(pdf_data)))
    document = result.document
    tables = [table.export_to_dataframe(doc=document).to_dict(orient="records") for table in document.tables]
    return {
        "text": document.export_to_markdown(),
        "tables": tables,
        "metadata": {"engine": ENGINE_DOCLING, "pages": len(document.pages)},
    }


def convert_text_layer(pdf_data: bytes) -> dict:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(pdf_data)
    except pdfium.PdfiumError as error:
        raise ConversionError(f"pdf_data is not a readable PDF: {error}") from error
    try:
        pages = [_page_text(pdf[index]) for index in range(len(pdf))]
    finally:
        pdf.close()
    return {
        "text": "\f".join(pages),
        "tables": [],
        "metadata": {"engine": ENGINE_TEXT_LAYER, "pages": len(pages), "page_chars": [len(p) for p in pages]},
    }


def _page_text(page) -> str:
    text_page = page.get_textpage()
    try:
        return text_page.get_text_range()
    finally:
        text_page.close()
        page.close()


def build_response(pdf_data: bytes | None, prompt: str | None, text: str | None, converter=None) -> dict:
    if pdf_data:
        response = convert_with_docling(pdf_data, converter) if converter else convert_text_layer(pdf_data)
    elif text is not None:
        response = {"text": text, "tables": [], "metadata": {"engine": ENGINE_PASSTHROUGH}}
    else:
        raise ConversionError("request needs pdf_data or text")
    response["metadata"]["prompt"] = prompt
    return response


class TritonPythonModel:
    def initialize(self, args):
        self.converter = None
        if docling_available():
            from docling.document_converter import DocumentConverter

            self.converter = DocumentConverter()

    def execute(self, requests):
        import numpy as np
        import triton_python_backend_utils as pb_utils

        responses = []
        for request in requests:
            try:
                result = build_response(
                    _optional_bytes(pb_utils, request, "pdf_data"),
                    _optional_text(pb_utils, request, "prompt"),
                    _optional_text(pb_utils, request, "text"),
                    self.converter,
                )
                encoded = np.array([json.dumps(result).encode("utf-8")], dtype=np.object_)
                responses.append(pb_utils.InferenceResponse([pb_utils.Tensor("response", encoded)]))
            except Exception as error:  # one bad document must not fail the whole batch
                responses.append(pb_utils.InferenceResponse(error=pb_utils.TritonError(str(error))))
        return responses


def _optional_bytes(pb_utils, request, name: str) -> bytes | None:
    tensor = pb_utils.get_input_tensor_by_name(request, name)
    if tensor is None:
        return None
    value = tensor.as_numpy().reshape(-1)[0]
    return value if isinstance(value, bytes) else bytes(value)


def _optional_text(pb_utils, request, name: str) -> str | None:
    value = _optional_bytes(pb_utils, request, name)
    return None if value is None else value.decode("utf-8")
