"""Everything Dagster loads: assets (one module per stage), resources, sensors, automation."""
