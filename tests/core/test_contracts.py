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
