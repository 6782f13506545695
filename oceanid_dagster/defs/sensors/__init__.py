"""Sensors for outside systems only: uploads and Argilla."""

# Dagster's sensor daemon evaluates the sensors in a loop every 5 s. A sensor whose minimum interval
# is also 5 s is found 4.9-something seconds after its last tick on every other loop and skipped, so
# it ticks every 10 s (measured: upload_sensor's ticks 10.0 s apart); 4 s ticks on every loop.
EVERY_DAEMON_LOOP_S = 4
