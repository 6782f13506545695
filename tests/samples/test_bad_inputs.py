"""Each bad input fails to open in pypdfium2 the way a document pipeline must expect."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from oceanid_dagster.samples import bad_inputs

FORMAT_ERROR = 3  # FPDF_ERR_FORMAT
PASSWORD_ERROR = 4  # FPDF_ERR_PASSWORD


def open_error(data: bytes) -> pdfium.PdfiumError:
    with pytest.raises(pdfium.PdfiumError) as caught:
        pdfium.PdfDocument(data)
    return caught.value


@pytest.mark.parametrize(
    "make", [bad_inputs.corrupt_pdf, bad_inputs.png_named_pdf, bad_inputs.text_named_pdf, bad_inputs.empty_file]
)
def test_not_a_readable_pdf_is_a_format_error(make) -> None:
    assert open_error(make()).err_code == FORMAT_ERROR


def test_corrupt_pdf_still_looks_like_a_pdf() -> None:
    assert bad_inputs.corrupt_pdf().startswith(b"%PDF-")


def test_encrypted_pdf_asks_for_its_password_and_opens_with_it() -> None:
    data = bad_inputs.encrypted_pdf()
    assert open_error(data).err_code == PASSWORD_ERROR
    pdf = pdfium.PdfDocument(data, password=bad_inputs.ENCRYPTED_PDF_USER_PASSWORD)
    assert "IBUKI" in pdf[0].get_textpage().get_text_bounded()
    pdf.close()


def test_zero_page_pdf_is_well_formed_but_pdfium_refuses_it() -> None:
    data = bad_inputs.zero_page_pdf()
    assert b"/Count 0" in data and b"/Encrypt" not in data
    # pdfium reports an empty page tree with the password error code: callers must look for
    # /Encrypt themselves before telling the user the file is encrypted.
    assert open_error(data).err_code == PASSWORD_ERROR


def test_every_bad_input_has_a_distinct_name_and_content() -> None:
    contents = {name: make() for name, make in bad_inputs.BAD_INPUTS.items()}
    assert all(name.endswith(".pdf") for name in contents)
    assert len(set(contents.values())) == len(contents)
