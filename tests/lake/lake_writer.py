"""A writer process of the DuckLake concurrency tests, loading with the production loader (`load_partitions`).

    python tests/lake/lake_writer.py days TABLE ACCOUNT FIRST_DAY COUNT
        one commit per day: the account's figures of that day (`day_row`)
    python tests/lake/lake_writer.py replace TABLE ACCOUNT FIRST_DAY GENERATIONS
        one commit per generation g = 1..GENERATIONS: the same 10 days re-loaded with followers = g

The lake comes from the environment (SOCIALPULSE_DUCKLAKE_CATALOG, SOCIALPULSE_DUCKLAKE_DATA_PATH, PGPASSWORD).
Prints `ready` once the lake is open and waits for a line on its standard input before the first commit (the
test starts several writers that way at the same moment), then `committed <n> <unix time>` after each commit and
`done <n>` at the end.
"""

import datetime as dt
import sys
import time

from pipelines.contracts.streams import ACCOUNT_DAILY
from pipelines.warehouse import load_partitions
from pipelines.warehouse_kinds import location_from_environment, open_lake

REPLACED_DAYS = 10


def day_row(account: str, day: dt.date, index: int, followers: int | None = None) -> dict:
    return {
        "account_id": account,
        "metric_date": day,
        "followers": 1000 + index if followers is None else followers,
        "followers_gained": 3,
        "followers_lost": 1,
        "views": 100 * (index + 1),
        "reach": 50,
        "engagements": 7,
        "profile_visits": None,
        "website_clicks": None,
    }


def main(mode: str, table: str, account: str, first: str, count: int) -> None:
    start = dt.date.fromisoformat(first)
    conn = open_lake(location_from_environment())
    print("ready", flush=True)
    sys.stdin.readline()
    for n in range(1, count + 1):
        if mode == "days":
            day = start + dt.timedelta(days=n - 1)
            rows, window = [day_row(account, day, n - 1)], (day, day)
        else:
            days = [start + dt.timedelta(days=i) for i in range(REPLACED_DAYS)]
            rows, window = [day_row(account, d, i, followers=n) for i, d in enumerate(days)], (days[0], days[-1])
        load_partitions(conn, table, rows, ACCOUNT_DAILY, window=window, source="api:test", run_id=account)
        print(f"committed {n} {time.time()}", flush=True)
    conn.close()
    print(f"done {count}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
