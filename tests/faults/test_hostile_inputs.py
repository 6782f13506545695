"""Inputs built to hurt, through ``oceanid ingest`` beside a good document: each fails or is read
within its bounds, in a process of bounded size, and the good document goes on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from oceanid_dagster.defs.resources.warehouse import WarehouseResource
from oceanid_dagster.samples.bad_inputs import pixel_bomb_pdf, text_layer_bomb_pdf
from tests.pdf_fixtures import text_pdf

REPO = Path(__file__).resolve().parents[2]
LARGEST_PROCESS_LIMIT_KB = 1536 * 1024  # 1.5 GiB
# Runs the command and prints the peak RSS of its largest process (the command or one it waited for).
WITH_PEAK_RSS = (
    "import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)"
)


def ingest_measured(home: Path, inbox: Path) -> tuple[subprocess.CompletedProcess, int]:
    env = {**os.environ, "OCEANID_HOME": str(home), "DAGSTER_HOME": str(home / "dagster_home")}
    command = [sys.executable, "-c", WITH_PEAK_RSS, sys.executable, "-m", "oceanid_dagster.cli", "ingest", str(inbox)]
    result = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=600)
    return result, int(result.stderr.strip().splitlines()[-1])


def test_pixel_and_text_layer_bombs_are_bounded_and_the_good_document_goes_on(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "pixel-bomb.pdf").write_bytes(pixel_bomb_pdf(pages=3))
    (inbox / "text-layer-bomb.pdf").write_bytes(text_layer_bomb_pdf())
    (inbox / "good.pdf").write_bytes(text_pdf("Vessel name: IBUKI  IMO 9666481  Flag: Panama"))
    home = tmp_path / "home"

    result, largest_process_kb = ingest_measured(home, inbox)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "2 of 3 documents processed" in result.stdout
    assert "pixel-bomb.pdf" in result.stderr
    assert "page 1 is 200 × 200 in, over the limit for OCR" in result.stderr
    assert largest_process_kb < LARGEST_PROCESS_LIMIT_KB, f"largest process {largest_process_kb / 1024:.0f} MiB"
    warehouse = WarehouseResource(database=str(home / "oceanid.duckdb"))
    pages = {
        row["filename"]: row for row in warehouse.query("SELECT * FROM raw_ocr JOIN documents USING (document_id)")
    }
    bomb_text = pages["text-layer-bomb.pdf"]["text"]
    assert len(bomb_text) < 20_000, "read within bounds: the glyphs, not 10^5 spaces a line"
    assert bomb_text.count("x") == bomb_text.count("y") == 2000, "every glyph is kept"
    assert pages["good.pdf"]["text"].startswith("Vessel name: IBUKI")
