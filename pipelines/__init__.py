"""socialpulse: social-media analytics warehouse (Dagster + dbt-duckdb)."""
