"""An agency's exports: each client drops its files in imports/<client slug>/ and their rows belong to that
client's accounts; with several clients a file directly in imports/ must carry its account id, else it is
rejected with what to do. Real DuckDB, the real import job and sensor logic (examples/agency config)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from import_helpers import drop, import_resources

from assets.imports import import_files_job, import_run_config
from sensors.imports import evaluate_imports

REPO = Path(__file__).resolve().parents[2]
TEH_FACEBOOK = "104560001"  # examples/agency/brands.yaml
ROTI_FACEBOOK = "104570001"


@pytest.fixture(autouse=True)
def agency(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALPULSE_CONFIG_DIR", str(REPO / "examples" / "agency"))


def run_import(folder: Path, warehouse: Path, files: list[str]):
    return import_files_job.execute_in_process(
        run_config=import_run_config(files, str(folder)),
        resources=import_resources(warehouse),
        raise_on_error=False,
    )


def test_a_clients_folder_makes_the_rows_that_clients(imports_folder: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    drop(imports_folder / "teh-tarik-co", "meta_facebook_insights.csv")
    drop(imports_folder / "roti-senja-bakery", "meta_facebook_insights.csv", as_name="roti_insights.csv")
    new, _, _ = evaluate_imports(imports_folder, None)
    names = sorted(name for name, _ in new)
    assert names == ["roti-senja-bakery/roti_insights.csv", "teh-tarik-co/meta_facebook_insights.csv"]
    # the same content twice (two clients' identical export) is loaded once: the ledger keys content
    result = run_import(imports_folder, warehouse, names)
    assert result.success
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        accounts = conn.execute(
            "select account_id, count(*), sum(reach) from raw.facebook__account_daily group by 1"
        ).fetchall()
    (account, days, reach), *others = accounts
    assert not others and account == ROTI_FACEBOOK  # sorted: roti's file first, teh's is a duplicate of it
    assert (days, reach) == (3, 1200 + 1350 + 980)
    assert (imports_folder / "roti-senja-bakery" / "loaded" / "roti_insights.csv").exists()
    assert (imports_folder / "teh-tarik-co" / "loaded" / "meta_facebook_insights.csv").exists()
    assert evaluate_imports(imports_folder, None)[0] == []  # loaded/ of a client folder is never pending


def test_a_file_in_the_root_without_account_ids_is_rejected_with_the_client_folders(
    imports_folder: Path, tmp_path: Path
) -> None:
    drop(imports_folder, "meta_facebook_insights.csv")
    result = run_import(imports_folder, tmp_path / "wh.duckdb", ["meta_facebook_insights.csv"])
    assert result.success
    error = json.loads((imports_folder / "rejected" / "meta_facebook_insights.csv.error.json").read_text())
    assert "no account id" in error["message"]
    for folder in ("kopi-nusantara", "teh-tarik-co", "roti-senja-bakery"):
        assert folder in error["expected"]


def test_a_file_in_a_folder_that_is_no_clients_is_rejected_naming_it(imports_folder: Path, tmp_path: Path) -> None:
    drop(imports_folder / "teh-tarik", "meta_facebook_insights.csv")
    run_import(imports_folder, tmp_path / "wh.duckdb", ["teh-tarik/meta_facebook_insights.csv"])
    error = json.loads((imports_folder / "rejected" / "meta_facebook_insights.csv.error.json").read_text())
    assert "teh-tarik/" in error["expected"] and "not a client brand's" in error["expected"]
    assert "teh-tarik-co" in error["expected"]
