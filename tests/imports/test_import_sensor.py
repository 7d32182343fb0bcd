"""import_files_sensor on an ephemeral instance: new files → one run request, a cursor, reasons to skip."""

from __future__ import annotations

import json
import os
from pathlib import Path

from dagster import DagsterInstance, SkipReason, build_sensor_context
from import_helpers import FIXTURES, drop

from assets.imports import file_sha256
from sensors.imports import build_import_files_sensor, evaluate_imports


def tick(sensor, instance: DagsterInstance, cursor: str | None):
    context = build_sensor_context(instance=instance, cursor=cursor)
    return sensor.evaluate_tick(context)


def test_nothing_to_do_skips_with_a_reason(imports_folder: Path) -> None:
    sensor = build_import_files_sensor(folder=imports_folder)
    with DagsterInstance.ephemeral() as instance:
        data = tick(sensor, instance, None)
    assert data.run_requests == []
    assert "no new .csv files" in data.skip_message


def test_new_files_give_one_request_with_sorted_sha_run_key(imports_folder: Path) -> None:
    a = drop(imports_folder, "tiktok_overview.csv")
    b = drop(imports_folder, "youtube_by_date.csv")
    (imports_folder / "notes.txt").write_text("not an export")
    for sub in ("loaded", "rejected"):
        drop(imports_folder / sub, "linkedin_posts.csv")
    sensor = build_import_files_sensor(folder=imports_folder)
    with DagsterInstance.ephemeral() as instance:
        data = tick(sensor, instance, None)
        assert len(data.run_requests) == 1
        request = data.run_requests[0]
        shas = sorted([file_sha256(a.read_bytes()), file_sha256(b.read_bytes())])
        assert request.run_key == ",".join(shas)
        config = request.run_config["ops"]["import_files"]["config"]
        assert config == {"files": ["tiktok_overview.csv", "youtube_by_date.csv"], "imports_dir": str(imports_folder)}
        cursor = json.loads(data.cursor)
        assert sorted(cursor["files"]) == ["tiktok_overview.csv", "youtube_by_date.csv"]
        assert cursor["files"]["tiktok_overview.csv"]["sha256"] == file_sha256(a.read_bytes())

        # Next tick, same files still waiting for their run: nothing new.
        again = tick(sensor, instance, data.cursor)
        assert again.run_requests == []
        assert "already requested" in again.skip_message

        # One more file: a request for that file only.
        c = drop(imports_folder, "linkedin_content.csv")
        third = tick(sensor, instance, again.cursor)
        assert [r.run_key for r in third.run_requests] == [file_sha256(c.read_bytes())]
        assert third.run_requests[0].run_config["ops"]["import_files"]["config"]["files"] == ["linkedin_content.csv"]


def test_cursor_forgets_files_that_left_and_notices_changed_content(imports_folder: Path) -> None:
    path = drop(imports_folder, "tiktok_overview.csv")
    new, files, _ = evaluate_imports(imports_folder, None, settle_seconds=0)
    assert [n for n, _ in new] == ["tiktok_overview.csv"]
    cursor = json.dumps({"files": files})

    path.write_bytes((FIXTURES / "tiktok_follower_history.csv").read_bytes())  # same name, new content
    os.utime(path, (1, 1))
    new, files, _ = evaluate_imports(imports_folder, cursor, settle_seconds=0)
    assert new == [("tiktok_overview.csv", file_sha256(path.read_bytes()))]

    path.unlink()
    new, files, _ = evaluate_imports(imports_folder, json.dumps({"files": files}), settle_seconds=0)
    assert (new, files) == ([], {})


def test_a_file_still_being_written_waits(imports_folder: Path) -> None:
    path = imports_folder / "partial.csv"
    path.write_text("Date,Video Views\n2026-11-01,1\n")
    mtime = path.stat().st_mtime
    new, files, settling = evaluate_imports(imports_folder, None, now=mtime + 1, settle_seconds=60)
    assert (new, files, settling) == ([], {}, ["partial.csv"])
    new, _, settling = evaluate_imports(imports_folder, None, now=mtime + 61, settle_seconds=60)
    assert [n for n, _ in new] == ["partial.csv"] and settling == []


def test_a_broken_cursor_is_treated_as_empty(imports_folder: Path) -> None:
    drop(imports_folder, "tiktok_overview.csv")
    sensor = build_import_files_sensor(folder=imports_folder)
    with DagsterInstance.ephemeral() as instance:
        data = tick(sensor, instance, "{not json")
    assert len(data.run_requests) == 1


def test_default_sensor_reads_the_imports_dir_setting(imports_folder: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOCIALPULSE_IMPORTS_DIR", str(imports_folder))
    drop(imports_folder, "youtube_by_content.csv")
    from sensors.imports import import_files_sensor

    with DagsterInstance.ephemeral() as instance:
        data = tick(import_files_sensor, instance, None)
    assert [r.run_config["ops"]["import_files"]["config"]["files"] for r in data.run_requests] == [
        ["youtube_by_content.csv"]
    ]
    assert import_files_sensor.job_name == "import_files_job"
    assert not isinstance(data, SkipReason)


def test_a_file_still_there_after_its_run_is_requested_again_then_given_up(
    imports_folder: Path, tmp_path: Path, hold_warehouse
) -> None:
    """The sensor marks only what was processed: a run that ended with the file still in the folder (here the
    warehouse was locked, so the op could not start) makes the next tick request it again, up to 3 runs."""
    from import_helpers import import_resources

    from assets.imports import import_files_job
    from pipelines.resources import WarehouseResource
    from sensors.imports import MAX_ATTEMPTS

    warehouse = tmp_path / "wh.duckdb"
    drop(imports_folder, "tiktok_overview.csv")
    sensor = build_import_files_sensor(folder=imports_folder)
    holder = hold_warehouse(warehouse)
    keys = []
    try:
        with DagsterInstance.ephemeral() as instance:
            cursor = None
            for _attempt in range(MAX_ATTEMPTS):
                data = tick(sensor, instance, cursor)
                (request,) = data.run_requests
                keys.append(request.run_key)
                run = import_files_job.execute_in_process(
                    run_config=request.run_config,
                    resources={
                        **import_resources(warehouse),
                        "warehouse": WarehouseResource(path=str(warehouse), lock_wait_seconds=0),
                    },
                    instance=instance,
                    tags={"dagster/run_key": request.run_key},
                    raise_on_error=False,
                )
                assert not run.success and (imports_folder / "tiktok_overview.csv").exists()
                cursor = data.cursor
            given_up = tick(sensor, instance, cursor)
            assert given_up.run_requests == []
            assert "tiktok_overview.csv not processed after 3 runs" in given_up.skip_message
            holder.release()

            # dropped again: requested anew, and this time loaded
            drop(imports_folder, "tiktok_overview.csv")
            os.utime(imports_folder / "tiktok_overview.csv", (1_790_000_000, 1_790_000_000))
            again = tick(sensor, instance, given_up.cursor)
            (request,) = again.run_requests
            run = import_files_job.execute_in_process(
                run_config=request.run_config,
                resources=import_resources(warehouse),
                instance=instance,
                tags={"dagster/run_key": request.run_key},
            )
            assert run.output_for_node("import_files") == {"tiktok_overview.csv": "loaded"}
            idle = tick(sensor, instance, again.cursor)
            assert idle.run_requests == [] and json.loads(idle.cursor) == {"files": {}}
    finally:
        holder.release()
    sha = file_sha256((FIXTURES / "tiktok_overview.csv").read_bytes())
    assert keys == [sha, f"{sha}@2", f"{sha}@3"]  # a new key each time: Dagster drops a repeated one
