"""upload_sensor with build_sensor_context, then the uploaded_files run it asks for: one run per tick,
no file read and nothing written in the tick, settled files only, moved-in folders, bad entries
skipped and reported once, bounded ticks, content dedupe in the run, a restart-safe cursor."""

from __future__ import annotations

import os
import shutil

import dagster as dg
import pytest

from oceanid_dagster.defs.assets.uploaded_files import FoundFile, uploaded_files
from oceanid_dagster.defs.partitions import PARTITION_RANGE_END_TAG, PARTITION_RANGE_START_TAG
from oceanid_dagster.defs.resources.document_store import DocumentStoreResource, UploadRefusedError
from oceanid_dagster.defs.sensors import upload_sensor as sensor_module
from oceanid_dagster.defs.sensors.upload_sensor import UploadCursor, plan_tick, upload_sensor
from oceanid_dagster.domain.documents import document_id
from tests.ingestion.helpers import upload
from tests.pdf_fixtures import text_pdf


def evaluate(instance, resources, cursor=None):
    definitions = dg.Definitions(assets=[uploaded_files], sensors=[upload_sensor], resources=resources)
    with build_context(instance, resources, cursor, definitions) as context:
        return upload_sensor(context), context


def build_context(instance, resources, cursor, definitions):
    return dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources, definitions=definitions)


def handed_files(request) -> list[FoundFile]:
    return [FoundFile(**item) for item in request.run_config["ops"]["uploaded_files"]["config"]["files"]]


def register_handed(instance, resources, request) -> dg.ExecuteInProcessResult:
    """The run the tick asked for."""
    return dg.materialize([uploaded_files], instance=instance, resources=resources, run_config=request.run_config)


def test_many_new_files_make_one_registration_run_and_the_tick_reads_and_writes_nothing(home, resources, instance):
    pdfs = {f"doc{i}.pdf": text_pdf(f"Vessel {i}") for i in range(5)}
    upload(home, pdfs)

    result, _ = evaluate(instance, resources)

    [request] = result.run_requests
    assert [key.to_user_string() for key in request.asset_selection] == ["uploaded_files"]
    assert sorted(file.name for file in handed_files(request)) == sorted(pdfs)
    assert not result.dynamic_partitions_requests
    assert resources["warehouse"].query("SELECT * FROM documents") == [], "registration is the run's work"


def test_the_run_registers_each_content_once_and_adds_its_partition(home, resources, instance):
    pdfs = {"a.pdf": text_pdf("Vessel IBUKI, IMO 9666481"), "b.pdf": text_pdf("Vessel TAISEI MARU NO.24")}
    pdfs["copy of a.pdf"] = pdfs["a.pdf"]
    upload(home, pdfs)
    result, _ = evaluate(instance, resources)

    run = register_handed(instance, resources, result.run_requests[0])

    assert run.success
    ids = {document_id(pdfs["a.pdf"]), document_id(pdfs["b.pdf"])}
    assert set(instance.get_dynamic_partitions("documents")) == ids
    rows = resources["warehouse"].query("SELECT document_id, status FROM documents")
    assert {(row["document_id"], row["status"]) for row in rows} == {(key, "registered") for key in ids}
    metadata = run.asset_materializations_for_node("uploaded_files")[0].metadata
    assert (metadata["files"].value, metadata["new_documents"].value, metadata["known_content"].value) == (3, 2, 1)


def test_the_new_partitions_are_ingested_together_by_the_ingestion_sensor(home, resources, instance):
    from oceanid_dagster.defs.sensors.ingestion_sensor import ingestion_sensor

    upload(home, {"a.pdf": text_pdf("A"), "b.pdf": text_pdf("B")})
    result, _ = evaluate(instance, resources)
    register_handed(instance, resources, result.run_requests[0])

    with dg.build_sensor_context(instance=instance) as context:
        [ingestion] = ingestion_sensor(context).run_requests

    new = instance.get_dynamic_partitions("documents")
    assert len(new) == 2
    assert (ingestion.tags[PARTITION_RANGE_START_TAG], ingestion.tags[PARTITION_RANGE_END_TAG]) == (new[0], new[-1])
    assert [key.to_user_string() for key in ingestion.asset_selection] == ["documents", "raw_ocr", "extracted_entities"]


def test_same_bytes_under_another_name_later_is_no_new_document(home, resources, instance):
    same_bytes = text_pdf("IBUKI")
    upload(home, {"original.pdf": same_bytes})
    first, _ = evaluate(instance, resources)
    register_handed(instance, resources, first.run_requests[0])

    upload(home, {"copy of original.pdf": same_bytes})
    os.utime(home / "uploads" / "copy of original.pdf")
    second, _ = evaluate(instance, resources, cursor=first.cursor)
    [request] = second.run_requests
    run = register_handed(instance, resources, request)

    assert run.asset_materializations_for_node("uploaded_files")[0].metadata["new_documents"].value == 0
    assert instance.get_dynamic_partitions("documents") == [document_id(same_bytes)]


def test_a_restart_neither_retakes_nor_misses(home, resources, instance):
    upload(home, {"a.pdf": text_pdf("A"), "b.pdf": text_pdf("B")})
    first, _ = evaluate(instance, resources)

    # A restarted daemon evaluates from the stored cursor: nothing new, nothing again.
    again, _ = evaluate(instance, resources, cursor=first.cursor)
    assert isinstance(again, dg.SkipReason)

    upload(home, {"c.pdf": text_pdf("C")})
    later, _ = evaluate(instance, resources, cursor=first.cursor)
    [request] = later.run_requests
    assert [file.name for file in handed_files(request)] == ["c.pdf"]


def test_partial_uploads_and_hidden_files_wait(home, resources, instance):
    upload(home, {"scan.pdf.part": b"%PDF-", ".hidden.pdf": text_pdf("x")})
    result, _ = evaluate(instance, resources)
    assert isinstance(result, dg.SkipReason)


def test_a_file_is_taken_only_once_its_size_and_time_stayed_the_same_over_the_settle_window(home):
    store = DocumentStoreResource(uploads_uri=str(home / "uploads"), settle_seconds=5)
    [path] = upload(home, {"growing.pdf": b"%PDF-1.4 first half"})
    cursor, now = UploadCursor(), 1000.0

    first = plan_tick(cursor, store.list_files(), now, store.settle_seconds)
    assert (first.taken, first.waiting) == ([], 1)

    with path.open("ab") as handle:  # the writer goes on after a pause
        handle.write(b" second half")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    second = plan_tick(first.cursor, store.list_files(), now + 10, store.settle_seconds)
    assert (second.taken, second.waiting) == ([], 1), "changed since last seen: waits again"

    third = plan_tick(second.cursor, store.list_files(), now + 12, store.settle_seconds)
    assert third.taken == [], "unchanged, but for less than the settle window"
    fourth = plan_tick(third.cursor, store.list_files(), now + 16, store.settle_seconds)
    assert [file.name for file in fourth.taken] == ["growing.pdf"] and fourth.waiting == 0
    assert fourth.taken[0].size_bytes == len(b"%PDF-1.4 first half second half")


def test_a_folder_moved_into_uploads_is_seen(home, tmp_path, resources, instance):
    upload(home, {"first.pdf": text_pdf("first")})
    first, _ = evaluate(instance, resources)
    outside = tmp_path / "batch-2025-08"
    outside.mkdir()
    for name in ("x.pdf", "y.pdf"):
        (outside / name).write_bytes(text_pdf(name))
        os.utime(outside / name, (1_000_000_000, 1_000_000_000))  # written long ago

    shutil.move(str(outside), home / "uploads" / "batch-2025-08")  # a rename on the same filesystem
    later, _ = evaluate(instance, resources, cursor=first.cursor)

    [request] = later.run_requests
    assert sorted(file.name for file in handed_files(request)) == ["x.pdf", "y.pdf"]


def test_unreadable_entries_are_skipped_and_reported_once(home, tmp_path, resources, instance, caplog):
    uploads = home / "uploads"
    upload(home, {"good.pdf": text_pdf("good")})
    (uploads / "loop.pdf").symlink_to(uploads / "loop.pdf")
    (uploads / "dangling.pdf").symlink_to(tmp_path / "gone.pdf")
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF-1.4 private")
    (uploads / "link-out.pdf").symlink_to(secret)
    (uploads / "folder-link").symlink_to(tmp_path, target_is_directory=True)

    result, _ = evaluate(instance, resources)

    [request] = result.run_requests
    assert [file.name for file in handed_files(request)] == ["good.pdf"]
    listing = DocumentStoreResource(uploads_uri=str(uploads)).list_files()
    reasons = {entry.uri.rsplit("/", 1)[-1]: entry.reason for entry in listing.unreadable}
    assert reasons == {
        "loop.pdf": "symbolic link loop",
        "dangling.pdf": "dangling symbolic link",
        "link-out.pdf": "symbolic link leading outside the uploads folder: refused",
        "folder-link": "symbolic link to a folder: not followed",
    }
    caplog.clear()
    again, _ = evaluate(instance, resources, cursor=result.cursor)
    assert isinstance(again, dg.SkipReason) and "0 newly unreadable" in again.skip_message
    assert not [record for record in caplog.records if "skipped" in record.getMessage()], "reported once"


def test_a_link_out_of_uploads_is_refused_when_read_too(home, tmp_path):
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF-1.4 private bytes")
    (home / "uploads" / "innocent.pdf").symlink_to(secret)
    store = DocumentStoreResource(uploads_uri=str(home / "uploads"))

    with pytest.raises(UploadRefusedError, match="leading outside the uploads folder") as refused:
        store.read_bytes(str(home / "uploads" / "innocent.pdf"))
    assert "private" not in str(refused.value)
    with pytest.raises(UploadRefusedError):
        store.sha256(str(home / "uploads" / "innocent.pdf"))


def test_a_tick_takes_a_bounded_share_and_the_cursor_carries_the_rest(home, resources, instance, monkeypatch):
    monkeypatch.setattr(sensor_module, "MAX_FILES_PER_TICK", 3)
    names = [f"doc{i}.pdf" for i in range(5)]
    for index, name in enumerate(names):
        upload(home, {name: text_pdf(name)})
        os.utime(home / "uploads" / name, (1_700_000_000 + index, 1_700_000_000 + index))

    first, _ = evaluate(instance, resources)
    second, _ = evaluate(instance, resources, cursor=first.cursor)
    third, _ = evaluate(instance, resources, cursor=second.cursor)

    taken = [[file.name for file in handed_files(result.run_requests[0])] for result in (first, second)]
    assert taken == [names[:3], names[3:]]
    assert isinstance(third, dg.SkipReason)


def test_a_tick_out_of_time_takes_nothing_it_did_not_list_and_moves_no_mark(home, resources, instance, monkeypatch):
    upload(home, {"a.pdf": text_pdf("A")})
    monkeypatch.setattr(sensor_module, "TICK_BUDGET_S", -1.0)  # the deadline has passed at once

    late, context = evaluate(instance, resources)

    assert isinstance(late, dg.SkipReason) and "listing stopped" in late.skip_message
    monkeypatch.setattr(sensor_module, "TICK_BUDGET_S", 20.0)
    on_time, _ = evaluate(instance, resources, cursor=context.cursor)
    assert [file.name for file in handed_files(on_time.run_requests[0])] == ["a.pdf"]


def test_files_handed_again_unchanged_are_not_read_again(home, resources, instance, monkeypatch):
    upload(home, {"a.pdf": text_pdf("A"), "b.pdf": text_pdf("B")})
    result, _ = evaluate(instance, resources)
    request = result.run_requests[0]
    register_handed(instance, resources, request)

    def no_reading(self, uri):
        raise AssertionError(f"{uri} read again")

    monkeypatch.setattr(DocumentStoreResource, "sha256", no_reading)
    again = register_handed(instance, resources, request)  # e.g. a tick that ran out of time hands them again

    metadata = again.asset_materializations_for_node("uploaded_files")[0].metadata
    assert (metadata["unchanged_since_registered"].value, metadata["unreadable"].value) == (2, 0)
    assert metadata["new_documents"].value == 0


def test_files_waiting_to_settle_beyond_a_tick_s_share_keep_waiting(home, monkeypatch):
    monkeypatch.setattr(sensor_module, "MAX_FILES_PER_TICK", 2)
    store = DocumentStoreResource(uploads_uri=str(home / "uploads"), settle_seconds=5)
    upload(home, {f"doc{i}.pdf": text_pdf(f"doc {i}") for i in range(5)})
    plan, now, taken = plan_tick(UploadCursor(), store.list_files(), 1000.0, 5), 1000.0, []
    assert plan.waiting == 5

    for _ in range(3):
        now += 10
        plan = plan_tick(plan.cursor, store.list_files(), now, 5)
        taken.append(len(plan.taken))

    assert taken == [2, 2, 1], "every settled file is taken, a share per tick"
