"""The platform contract is the one source of the platform list and reporting days; generated files are current."""

from pipelines.contracts.dbt_facts import GENERATED_MACROS, render_platform_facts
from pipelines.contracts.platforms import PLATFORMS, REPORTING_DAYS
from pipelines.settings import PLATFORMS as SETTINGS_PLATFORMS


def test_every_platform_has_a_reporting_day():
    assert set(REPORTING_DAYS) == set(PLATFORMS)
    assert SETTINGS_PLATFORMS is PLATFORMS


def test_day_basis_labels():
    assert REPORTING_DAYS["facebook"].day_basis == "platform_day:America/Los_Angeles"
    assert REPORTING_DAYS["linkedin"].day_basis == "platform_day:UTC"
    assert REPORTING_DAYS["x"].day_basis == "observed_day"


def test_generated_dbt_macro_is_current():
    assert GENERATED_MACROS.read_text(encoding="utf-8") == render_platform_facts(), (
        "dbt_project/macros/generated/platform_facts.sql is stale: run `python -m pipelines.contracts.dbt_facts`"
    )


def test_generated_raw_sources_are_current():
    from pipelines.dbt_sources import GENERATED, render_raw_sources

    assert GENERATED.read_text(encoding="utf-8") == render_raw_sources(), (
        "dbt_project/models/staging/_raw__sources.yml is stale: run `python -m pipelines.dbt_sources`"
    )


def test_a_contract_column_without_documentation_is_refused():
    import pytest

    from pipelines.dbt_sources import UndocumentedColumnError, render_raw_sources
    from pipelines.warehouse import contract_tables

    docs = {"lineage": {}, "tables": {"{platform}__account_daily": {"description": "d", "columns": {}}}}
    tables = {name: spec for name, spec in contract_tables().items() if name.endswith("__account_daily")}
    with pytest.raises(UndocumentedColumnError, match="facebook__account_daily.account_id"):
        render_raw_sources(tables, docs)
