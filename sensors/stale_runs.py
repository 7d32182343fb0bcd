"""Under the daemon: runs whose process died are marked failed and their pool slots released.

The default run launcher has no worker health check, so Dagster's run monitoring (enabled in
.dagster_home/dagster.yaml for start timeouts and for slots of finished runs) cannot see a run worker that was
killed: the run stays STARTED and holds the `duckdb_writer` slot, and every later run waits. This sensor asks the
operating system about each unfinished run's process (`pipelines.runs.fail_dead_runs`); a run it fails is then
alerted by `run_failure_alert_sensor` like any failed run. `socialpulse run` does the same check before it starts.
"""

from __future__ import annotations

from dagster import DefaultSensorStatus, SensorDefinition, SensorEvaluationContext, SkipReason, sensor

from pipelines.runs import active_runs, fail_dead_runs, is_local_instance


def build_stale_run_sensor(
    *,
    name: str = "stale_run_sensor",
    minimum_interval_seconds: int = 120,
    default_status: DefaultSensorStatus = DefaultSensorStatus.RUNNING,
) -> SensorDefinition:
    @sensor(
        name=name,
        minimum_interval_seconds=minimum_interval_seconds,
        default_status=default_status,
        description="Marks runs whose process died (killed, crashed, machine restarted) as failed and releases "
        "their pool slots, so the next runs do not wait for them forever.",
    )
    def stale_run_sensor(context: SensorEvaluationContext) -> SkipReason:
        instance = context.instance
        if not is_local_instance(instance):
            return SkipReason("the instance storage is shared (not SQLite): process ids cannot be checked here")
        failed = fail_dead_runs(instance)
        for process in failed:
            context.log.warning(f"{process.describe()}: marked failed, its pool slots released")
        if failed:
            return SkipReason(
                f"marked {len(failed)} run(s) with a dead process failed: " + ", ".join(p.short_id for p in failed)
            )
        alive = [p for p in active_runs(instance) if p.alive]
        return SkipReason(f"no run with a dead process ({len(alive)} run(s) in progress)")

    return stale_run_sensor
