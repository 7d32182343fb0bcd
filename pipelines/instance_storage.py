"""Dagster instance storage for the single-machine deployment: SQLite event log storage that writes a batch of
asset events in one transaction per shard.

Why: a ranged run (the 400-day first load is one run) records one ASSET_MATERIALIZATION per partition and asset,
about 15,000 events. Dagster hands them to the storage as batches (`store_event_batch`) when the environment
variable DAGSTER_EVENT_BATCH_SIZE is above 0, but Dagster's SQLite storage inherits the base implementation, which
stores them one by one: each event opens a new engine and commits three times (run shard, index shard, asset
key row). Here a batch is written with exactly the rows `SqliteEventLogStorage.store_event` writes, in one
transaction on the run shard and one on the index shard:

- run shard (`<run id>.db`): the event rows;
- index shard (`index.db`): the same event rows (their ids are the storage ids every asset query uses), the asset
  event tags Dagster indexes (data versions, multi-partition keys), and the asset key row (`asset_keys`: last
  materialization, last run id, last event timestamp), which ends up as after storing the events one by one;
- anything else (asset check events, run status events, a batch spanning runs) goes through `store_event`.

It also keeps its SQLite connections open (the index shard's and the newest run shards'), where Dagster opens and
closes one per event: closing the last connection to a WAL database checkpoints it, an fsync of the whole file
for every log line a run writes (about 40 events a second on this machine, against 800 on an open connection).
Every commit stays durable (SQLite's default synchronous mode); connections are closed when the storage is
disposed or the shard is wiped.

Configured in `.dagster_home/dagster.yaml` as the instance class `SocialPulseInstance`: Dagster's own instance whose
default storage (under `$DAGSTER_HOME`, wherever that folder is) is `BatchingSqliteStorage`, Dagster's SQLite storage
with this event log. The batch size is set by the Makefile, the `socialpulse` command and the code location
(`pipelines.settings.enable_event_batches`). A dagster.yaml with `storage: postgres:` (dagster-postgres, which has
its own `store_event_batch`) uses PostgreSQL instead: the instance class changes only the default.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import yaml
from dagster import DagsterInstance
from dagster._core.events import DagsterEventType
from dagster._core.events.log import EventLogEntry
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.event_log.schema import AssetKeyTable, SqlEventLogStorageTable
from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlalchemy_compat import db_select
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from dagster._serdes import ConfigurableClassData
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

# The events written by one transaction per shard: those a ranged run sends in batches, and that store_event
# writes to the run shard and mirrors to the index shard (asset check and run status events keep their own path).
KEPT_RUN_SHARDS = 2  # run shards whose connection stays open (the runs a process writes are one or two)
BATCHED_EVENT_TYPES = frozenset(
    {
        DagsterEventType.ASSET_MATERIALIZATION,
        DagsterEventType.ASSET_OBSERVATION,
        DagsterEventType.ASSET_MATERIALIZATION_PLANNED,
    }
)


class BatchingSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage whose `store_event_batch` writes one transaction per shard and whose connections stay
    open (see the module doc)."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir, inst_data=inst_data)
        os.register_at_fork(after_in_child=self._forget_engines)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        """As SqliteEventLogStorage._connect (same lock, same initialization), on a kept engine."""
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.get(shard)
        if engine is None:
            engine = create_engine(
                self.conn_string_for_shard(shard),
                poolclass=QueuePool,
                pool_size=1,
                max_overflow=2,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            self._engines[shard] = engine
        self._engines.move_to_end(shard)
        run_shards = [name for name in self._engines if name != INDEX_SHARD_NAME]
        for old in run_shards[:-KEPT_RUN_SHARDS]:  # a webserver reads many runs: keep the newest few open
            self._engines.pop(old).dispose()
        return engine

    def _dispose_engines(self) -> None:
        while self._engines:
            self._engines.popitem()[1].dispose()

    def _forget_engines(self) -> None:
        """In a forked child: never use (or close) the parent's connections."""
        for engine in self._engines.values():
            engine.dispose(close=False)
        self._engines = OrderedDict()

    def wipe(self) -> None:
        with self._db_lock:
            self._dispose_engines()
        super().wipe()

    def dispose(self) -> None:
        with self._db_lock:
            self._dispose_engines()
        super().dispose()

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        if not events:
            return
        if not self._batchable(events):
            super().store_event_batch(events)  # one by one, as Dagster's SQLite storage does
            return
        run_rows = [self._event_to_row(event) for event in events]
        with self.run_connection(events[0].run_id) as conn:
            conn.execute(SqlEventLogStorageTable.insert(), run_rows)
        with self.index_transaction() as conn:
            inserted = conn.execute(
                SqlEventLogStorageTable.insert().returning(SqlEventLogStorageTable.c.id, sort_by_parameter_order=True),
                run_rows,
            )
            event_ids = [int(row[0]) for row in inserted]
            self._store_asset_event_tags(conn, events, event_ids)
            self._store_asset_key_rows(conn, events, event_ids)

    @staticmethod
    def _batchable(events: Sequence[EventLogEntry]) -> bool:
        """Asset events of one run of the BATCHED_EVENT_TYPES, each with its asset key."""
        run_ids = {event.run_id for event in events}
        return len(run_ids) == 1 and all(
            event.is_dagster_event
            and event.dagster_event_type in BATCHED_EVENT_TYPES
            and event.get_dagster_event().asset_key is not None
            for event in events
        )

    def _store_asset_key_rows(self, conn: Any, events: Sequence[EventLogEntry], event_ids: Sequence[int]) -> None:
        """The `asset_keys` rows as storing the events one by one leaves them: each event sets some columns (a
        materialization its record, run id and timestamp; a planned event run id and timestamp; an observation
        the timestamp), so the row of an asset is every event's values applied in order."""
        has_index_cols = self._has_asset_key_index_cols_on_connection(conn)
        # only the last event of each type of an asset decides its columns: serialize those, not all
        last: dict[tuple[str, DagsterEventType], int] = {}
        for index, event in enumerate(events):
            last[(event.get_dagster_event().asset_key.to_string(), event.get_dagster_event().event_type)] = index
        merged: dict[str, dict[str, Any]] = {}
        for index in sorted(last.values()):
            event = events[index]
            values = self._get_asset_entry_values(event, event_ids[index], has_index_cols)
            if values:
                merged.setdefault(event.get_dagster_event().asset_key.to_string(), {}).update(values)
        for asset_key, values in merged.items():
            same_key = AssetKeyTable.c.asset_key == asset_key
            exists = conn.execute(db_select([AssetKeyTable.c.id]).where(same_key)).first()
            if exists:
                conn.execute(AssetKeyTable.update().values(**values).where(same_key))
            else:
                conn.execute(AssetKeyTable.insert().values(asset_key=asset_key, **values))


class BatchingSqliteStorage(DagsterSqliteStorage):
    """Dagster's SQLite storage (runs, events, schedules under one folder) with the batching event log."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        super().__init__(base_dir, inst_data=inst_data)
        self._event_log_storage.dispose()
        self._event_log_storage = BatchingSqliteEventLogStorage(_event_logs_directory(base_dir))

    @classmethod
    def from_config_value(  # ty: ignore[invalid-method-override]
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> BatchingSqliteStorage:
        return cls.from_local(inst_data=inst_data, **config_value)


class SocialPulseInstance(DagsterInstance):
    """Dagster's instance; only its default storage differs (BatchingSqliteStorage in the instance folder)."""

    @classmethod
    def config_schema(cls) -> dict[str, Any]:
        return {}

    @staticmethod
    def config_defaults(base_dir: str) -> Mapping[str, ConfigurableClassData | None]:
        storage = ConfigurableClassData(
            __name__, BatchingSqliteStorage.__name__, yaml.dump({"base_dir": base_dir}, default_flow_style=False)
        )
        return {**InstanceRef.config_defaults(base_dir), "storage": storage}
