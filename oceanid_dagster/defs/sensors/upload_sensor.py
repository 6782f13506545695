"""``upload_sensor``: files that arrived in the uploads folder/bucket → one ``uploaded_files`` run.

A tick only lists the store; it reads no file and writes nothing. The run it asks for hashes the
files (the content hash names the document), registers the new contents and adds their
partitions; ``ingestion_sensor`` then ingests the new partitions in one run.

What a tick takes, and what it leaves for later:

* a file is taken once it is *settled*: seen with the same size and modification time (the ETag on
  S3) on two ticks at least ``settle_seconds`` apart, so a writer that pauses is not read half-way;
* a folder moved in is seen: a file arrives when it, or a folder above it, last changed;
* an entry that cannot be read (a link loop, a dangling link, a link out of the uploads folder, a
  permission error) is skipped and reported once; it never fails the tick;
* the work of a tick is bounded, by time and by files: what it does not reach, the cursor carries to
  the next tick. The cursor lives in Dagster's storage, so a restart neither re-takes nor misses a file.
"""

import json
import time
from dataclasses import dataclass, field

import dagster as dg

from oceanid_dagster.defs.assets.uploaded_files import FoundFile, uploaded_files_run_config
from oceanid_dagster.defs.resources.document_store import DocumentStoreResource, Listing, UploadedFile
from oceanid_dagster.defs.sensors import EVERY_DAEMON_LOOP_S

MAX_FILES_PER_TICK = 1000
TICK_BUDGET_S = 20.0  # well inside Dagster's 60 s sensor timeout
MAX_REPORTED = 5000  # unreadable entries remembered as reported (the oldest are forgotten first)


@dataclass
class UploadCursor:
    after: float = 0.0  # arrival time of the newest file taken or waiting
    at_boundary: set[str] = field(default_factory=set)  # files at exactly ``after`` already seen
    pending: dict[str, tuple[str, float]] = field(default_factory=dict)  # uri -> (version, first seen)
    reported: list[str] = field(default_factory=list)  # unreadable entries already reported

    @classmethod
    def parse(cls, raw: str | None) -> "UploadCursor":
        if not raw:
            return cls()
        data = json.loads(raw)
        pending = {uri: (version, seen) for uri, (version, seen) in data.get("pending", {}).items()}
        return cls(float(data["after"]), set(data["at_boundary"]), pending, list(data.get("reported", [])))

    def serialise(self) -> str:
        return json.dumps(
            {
                "after": self.after,
                "at_boundary": sorted(self.at_boundary),
                "pending": self.pending,
                "reported": self.reported,
            }
        )

    def is_new(self, file: UploadedFile) -> bool:
        return file.arrived_at > self.after or (file.arrived_at == self.after and file.uri not in self.at_boundary)

    def advanced_past(self, files: list[UploadedFile]) -> tuple[float, set[str]]:
        """The high-water mark once ``files`` (the oldest new ones, in arrival order) are dealt with."""
        if not files:
            return self.after, self.at_boundary
        newest = files[-1].arrived_at
        boundary = {file.uri for file in files if file.arrived_at == newest}
        return newest, boundary | self.at_boundary if newest == self.after else boundary


@dataclass
class TickPlan:
    taken: list[UploadedFile]
    cursor: UploadCursor
    waiting: int
    newly_unreadable: list


def plan_tick(cursor: UploadCursor, listing: Listing, now: float, settle_seconds: float) -> TickPlan:
    """Which files a tick takes, which wait to settle, and the cursor after it."""
    new = [file for file in listing.files if cursor.is_new(file)]
    new_uris = {file.uri for file in new}
    rechecked = [file for file in listing.files if file.uri in cursor.pending and file.uri not in new_uris]
    taken: list[UploadedFile] = []
    listed = {file.uri for file in listing.files}
    # waiting files stay waiting until taken, or gone from a complete listing
    pending = {uri: seen for uri, seen in cursor.pending.items() if uri in listed or not listing.complete}
    examined: list[UploadedFile] = []
    for file in rechecked + new:
        if len(taken) >= MAX_FILES_PER_TICK:
            break
        if file.uri in new_uris:
            examined.append(file)
        version, first_seen = cursor.pending.get(file.uri, (None, now))
        if settle_seconds <= 0 or (version == file.version and now - first_seen >= settle_seconds):
            taken.append(file)
            pending.pop(file.uri, None)
        else:
            pending[file.uri] = (file.version, first_seen if version == file.version else now)
    after, boundary = cursor.advanced_past(examined) if listing.complete else (cursor.after, cursor.at_boundary)
    newly_unreadable = [entry for entry in listing.unreadable if entry.uri not in cursor.reported]
    reported = (cursor.reported + [entry.uri for entry in newly_unreadable])[-MAX_REPORTED:]
    next_cursor = UploadCursor(after, boundary, pending, reported)
    return TickPlan(taken, next_cursor, len(pending), newly_unreadable)


def registration_run_request(files: list[UploadedFile]) -> dg.RunRequest:
    return dg.RunRequest(
        asset_selection=[dg.AssetKey("uploaded_files")],
        run_config=uploaded_files_run_config([FoundFile.of(file) for file in files]),
        tags={"oceanid/trigger": "upload_sensor", "oceanid/files": str(len(files))},
    )


@dg.sensor(
    name="upload_sensor",
    description="Files that arrived and settled in the uploads folder or bucket are registered by one "
    "uploaded_files run; ingestion_sensor then ingests the new documents in one run.",
    minimum_interval_seconds=EVERY_DAEMON_LOOP_S,
    default_status=dg.DefaultSensorStatus.RUNNING,
    asset_selection=[dg.AssetKey("uploaded_files")],
)
def upload_sensor(context: dg.SensorEvaluationContext, document_store: DocumentStoreResource):
    cursor = UploadCursor.parse(context.cursor)
    listing = document_store.list_files(deadline=time.monotonic() + TICK_BUDGET_S)
    plan = plan_tick(cursor, listing, time.time(), document_store.settle_seconds)
    for entry in plan.newly_unreadable:
        context.log.warning(f"upload_sensor: skipped {entry.uri}: {entry.reason}")
    note = f"{plan.waiting} files waiting to settle, {len(plan.newly_unreadable)} newly unreadable entries"
    if not listing.complete:
        note += f"; listing stopped after {TICK_BUDGET_S:.0f}s, the rest next tick"
    if not plan.taken:
        context.update_cursor(plan.cursor.serialise())
        return dg.SkipReason(f"no new settled uploads ({note})")
    context.log.info(f"{len(plan.taken)} settled files to register ({note})")
    return dg.SensorResult(run_requests=[registration_run_request(plan.taken)], cursor=plan.cursor.serialise())
