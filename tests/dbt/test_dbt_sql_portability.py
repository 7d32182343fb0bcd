"""The dbt SQL runs on both DuckDB versions we ship: 1.5 for the DuckDB file and 1.4.4 (the only one with DuckLake
and PostgreSQL extension wheels) for the lake. DuckDB 1.4.4's parallel window operator fails at random on an
empty window (`max(x) over ()`: "INTERNAL Error: Attempted to access index 0 within vector of size 0", about
every other query on int_competitor_posts_deduplicated's data), so no model, macro or test may use one: take
the aggregate in its own CTE and cross join it."""

import re
from pathlib import Path

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
EMPTY_WINDOW = re.compile(r"\bover\s*\(\s*\)", re.IGNORECASE)


def sql_files() -> list[Path]:
    return sorted(path for folder in ("models", "macros", "tests") for path in (DBT_PROJECT / folder).rglob("*.sql"))


def test_the_check_finds_an_empty_window():
    assert EMPTY_WINDOW.search("published_date_local <= max(snapshot_date) OVER ( ) as observed")
    assert not EMPTY_WINDOW.search("row_number() over (partition by post_id order by snapshot_date desc)")


def test_no_dbt_sql_uses_an_empty_window():
    files = sql_files()
    assert len(files) > 50  # the project's models, macros and tests were found
    offenders = [
        f"{path.relative_to(DBT_PROJECT)}:{text[: match.start()].count(chr(10)) + 1}"
        for path in files
        for text in [path.read_text()]
        for match in EMPTY_WINDOW.finditer(text)
    ]
    assert not offenders, f"empty windows (over ()) break DuckDB 1.4.4 (the lake): {offenders}"
