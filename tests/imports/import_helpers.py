"""Helpers of the file-import tests: the fixture exports, the own accounts, dropping a file into a folder."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
# The own accounts of pipelines/config/brands.yaml (exports rarely carry the account id).
OWN = {
    "facebook": "104550001",
    "instagram": "17841400000000001",
    "linkedin": "2414001",
    "youtube": "UCkopinusantara000000001",
    "tiktok": "7000000000000000001",
}
SNAPSHOT_DAY = dt.date(2026, 11, 21)
# A fixed modification time (2026-11-21 06:00 UTC): the snapshot day of post exports, and older than any
# settle delay of the sensor.
FIXED_MTIME = dt.datetime(2026, 11, 21, 6, 0, tzinfo=dt.UTC).timestamp()

VALID = {
    "meta_facebook_content.csv": "meta_facebook_posts",
    "meta_instagram_content.csv": "meta_instagram_posts",
    "meta_facebook_insights.csv": "meta_facebook_daily",
    "meta_instagram_reach_metric.csv": "meta_instagram_daily",
    "linkedin_content.csv": "linkedin_content_daily",
    "linkedin_followers.csv": "linkedin_followers_daily",
    "linkedin_visitors.csv": "linkedin_visitors_daily",
    "linkedin_posts.csv": "linkedin_posts",
    "tiktok_overview.csv": "tiktok_overview_daily",
    "tiktok_follower_history.csv": "tiktok_followers_daily",
    "tiktok_content.csv": "tiktok_posts",
    "youtube_by_date.csv": "youtube_daily",
    "youtube_by_content.csv": "youtube_posts",
}
CORRUPTED = ("bad_wrong_field_count.csv", "bad_non_numeric.csv", "bad_missing_column.csv")


def drop(folder: Path, fixture: str, as_name: str | None = None) -> Path:
    """Copy a fixture export into the imports folder, as a user would drop it."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (as_name or fixture)
    shutil.copyfile(FIXTURES / fixture, target)
    os.utime(target, (FIXED_MTIME, FIXED_MTIME))
    return target


def warehouse_resource(path: Path):
    """The project's WarehouseResource on `path`.

    With duckdb 1.5.x installed offline, `duckdb.connect(..., config={"TimeZone": "UTC"})` (what
    WarehouseResource.connect does) fails because the ICU extension is not loaded before the config is applied.
    Until pipelines/resources.py sets the timezone after connecting, these tests pass a resource that does so:
    the same class, only `connect` differs.
    """
    import contextlib

    import duckdb

    from pipelines.resources import WarehouseResource

    try:
        duckdb.connect(":memory:", config={"TimeZone": "UTC"}).close()
    except duckdb.Error:

        class UtcAfterConnectWarehouse(WarehouseResource):
            @contextlib.contextmanager
            def connect(self, read_only: bool = False):
                conn = duckdb.connect(self.path, read_only=read_only)
                try:
                    conn.execute("set TimeZone = 'UTC'")
                    yield conn
                finally:
                    conn.close()

        return UtcAfterConnectWarehouse(path=str(path))
    return WarehouseResource(path=str(path))


def import_resources(path: Path) -> dict:
    """The resources of import_files_job: the warehouse on `path` and the configuration folder (the shipped one,
    or SOCIALPULSE_CONFIG_DIR)."""
    from pipelines.resources import ConfigurationResource

    return {"warehouse": warehouse_resource(path), "configuration": ConfigurationResource()}
