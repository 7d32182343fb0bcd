"""A tiny job whose one op holds a slot of the `duckdb_writer` pool and sleeps: killed by the run tests."""

import os
import sys
import time
from pathlib import Path

from dagster import DagsterInstance, execute_job, in_process_executor, job, op, reconstructable


@op(pool="duckdb_writer")
def hold_the_writer_slot() -> None:
    Path(os.environ["SLOT_HOLDER_MARKER"]).write_text(str(os.getpid()))
    time.sleep(float(os.environ.get("SLOT_HOLDER_SECONDS", "120")))


@job(executor_def=in_process_executor)  # as socialpulse's jobs run: the run's process is the op's process
def slot_holder_job() -> None:
    hold_the_writer_slot()


if __name__ == "__main__":
    with DagsterInstance.get() as instance:
        result = execute_job(reconstructable(slot_holder_job), instance=instance)
    sys.exit(0 if result.success else 1)
