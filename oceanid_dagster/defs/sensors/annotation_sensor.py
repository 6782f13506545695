"""``annotation_sensor``: newly submitted or discarded Argilla responses → one ``argilla_corrections`` run.

Each tick first asks Argilla for the dataset's activity (three small requests: last activity time,
completed records, records with a final response; the SDK's bulk ``records.log`` moves only the
counts); only when that moved does it look for final responses newer than the cursor, so drafts
being saved launch nothing. The cursor (activity key, newest final response time) lives in Dagster's storage, and the
run key is the newest response time, so a restarted sensor neither relaunches nor misses anything.
What the run stores is decided by ``argilla_corrections`` itself (from the warehouse), so a failed
run loses nothing: the next one picks its pages up. Argilla unreachable: the tick is skipped with
the reason and the cursor stays where it was.
"""

import json
from dataclasses import dataclass, replace
from datetime import datetime

from dagster import (
    AssetSelection,
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from oceanid_dagster.defs.resources.argilla import ArgillaResource, ArgillaUnavailableError, DatasetActivity

CORRECTIONS_SELECTION = AssetSelection.assets("argilla_corrections")
# A tick must answer well within Dagster's sensor timeout (60 s), whatever the resource's patience.
TICK_ATTEMPTS = 2
TICK_TIMEOUT_S = 10.0
RUN_RETRIES = 3


@dataclass(frozen=True)
class AnnotationCursor:
    activity: str | None = None
    responses_through: datetime | None = None

    @classmethod
    def parse(cls, raw: str | None) -> "AnnotationCursor":
        if not raw:
            return cls()
        data = json.loads(raw)
        through = data.get("responses_through")
        # A cursor from before the activity key ("activity_at") reads as unseen activity: one look.
        return cls(data.get("activity"), datetime.fromisoformat(through) if through else None)

    def serialise(self) -> str:
        through = self.responses_through.isoformat() if self.responses_through else None
        return json.dumps({"activity": self.activity, "responses_through": through})

    def saw_activity(self, activity: DatasetActivity) -> bool:
        return self.activity == activity.key


def corrections_run_request(responses_through: datetime, new_responses: int) -> RunRequest:
    """Targets the sensor's asset selection; the run key makes a relaunch for the same responses a no-op."""
    return RunRequest(
        run_key=f"argilla-responses-through-{responses_through.isoformat()}",
        tags={
            "oceanid/trigger": "annotation_sensor",
            "oceanid/new_responses": str(new_responses),
            # Honoured where the instance enables run retries: an Argilla outage longer than the
            # resource's own retries gets whole new runs instead of waiting for the next response.
            "dagster/max_retries": str(RUN_RETRIES),
        },
    )


@sensor(
    name="annotation_sensor",
    description="Newly submitted or discarded responses in Argilla launch argilla_corrections (and what "
    "depends on it) once; drafts and unchanged datasets launch nothing.",
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.RUNNING,
    asset_selection=CORRECTIONS_SELECTION,
)
def annotation_sensor(context: SensorEvaluationContext, argilla: ArgillaResource):
    cursor = AnnotationCursor.parse(context.cursor)
    quick = argilla.with_patience(TICK_ATTEMPTS, TICK_TIMEOUT_S)
    try:
        activity = quick.activity()
        if cursor.saw_activity(activity):
            return SkipReason(
                f"no annotation activity since {activity.last_activity_at.isoformat()} "
                f"({activity.final_responses} records with final responses)"
            )
        new_pages = quick.fetch_annotated_pages(since=cursor.responses_through)
    except ArgillaUnavailableError as error:
        context.log.warning(f"annotation_sensor: skipped, cursor kept: {error}")
        return SkipReason(f"Argilla unreachable, will look again next tick: {error}")
    seen = replace(cursor, activity=activity.key)
    if not new_pages:
        context.update_cursor(seen.serialise())
        return SkipReason("no newly submitted or discarded responses (drafts or nothing yet)")
    through = max(page.submitted_at for page in new_pages)
    context.log.info(f"{len(new_pages)} new responses through {through.isoformat()}")
    return SensorResult(
        run_requests=[corrections_run_request(through, len(new_pages))],
        cursor=replace(seen, responses_through=through).serialise(),
    )
