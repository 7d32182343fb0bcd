"""Alerts per client (issue 12): each client's view is evaluated on its own, a competitor shared by two clients is
two alerts, an own brand's alert keeps the id of the single-brand releases, each client's alerts reach its own
channels (real HTTP receivers on 127.0.0.1, the real sensor on an ephemeral instance), `clients:` selects views,
and the configuration folder (examples/agency) reaches the sensor, the in-run asset and `socialpulse alerts`."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
from dagster import AssetKey, AssetMaterialization, DagsterInstance, build_sensor_context, materialize
from kpi_test_data import START, make_agency_rows, write_mart
from pytest_httpserver import HTTPServer

from pipelines.definitions import pipeline_resources, platform_api_resource
from pipelines.errors import ConfigError
from pipelines.resources import ConfigurationResource, WarehouseResource
from pipelines.validation import validate_configuration
from sensors.alerts_asset import kpi_alerts
from sensors.evaluation import alert_id, evaluate_rules
from sensors.kpi_alert_sensor import build_kpi_alert_sensor
from sensors.resources import AlertingResource
from sensors.rules import parse_alert_rules
from sensors.service import evaluate_and_deliver, plan_evaluation
from sensors.wiring import evaluate_all

REPO = Path(__file__).resolve().parents[2]
AGENCY = REPO / "examples" / "agency"
KOPI, TEH, ROTI = "Kopi Nusantara", "Teh Tarik Co", "Roti Senja Bakery"
KENANGAN = "Kenangan Brew"  # a competitor of Kopi Nusantara and of Teh Tarik Co
DROP = 100  # Kenangan Brew's and Teh Tarik Co's Instagram engagement rate halves on days 100..104
DROP_DAY = START + dt.timedelta(days=DROP)  # 2026-01-09
DROPS = {KENANGAN: ("instagram", DROP, 5, 0.5), TEH: ("instagram", DROP, 5, 0.5)}
ER = {
    "kpi": "engagement_rate_by_reach",
    "comparison": {"type": "trailing_baseline", "window_days": 28},
    "threshold": {"change_pct": 30, "robust_deviations": 3},
}
RULES = [{**ER, "name": "er_drop", "brands": "own"}, {**ER, "name": "competitor_er_drop", "brands": "competitors"}]


@pytest.fixture(scope="module")
def agency_frame() -> pl.DataFrame:
    return make_agency_rows(drops=DROPS)


@pytest.fixture
def agency(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit_yaml) -> Path:
    """A copy of examples/agency with the two test rules (sent to the log only); no variable points elsewhere."""
    folder = tmp_path / "agency"
    shutil.copytree(AGENCY, folder)
    edit_yaml(folder, "kpi_alerts.yaml", lambda data: data.update(rules=RULES))
    for name in ("SOCIALPULSE_CONFIG_DIR", "SOCIALPULSE_ALERT_RULES", "KOPI_SLACK_WEBHOOK_URL", "TEH_HOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    return folder


def rules(*specs: dict):
    return parse_alert_rules({"rules": list(specs)}).rules


def stored(path: Path, query: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute(query).fetchall()


# --- evaluation per client ----------------------------------------------------------------------------------


def test_a_shared_competitor_is_one_alert_per_client_and_an_own_brand_keeps_its_id(agency_frame) -> None:
    alerts = evaluate_rules(agency_frame, rules(*RULES), [DROP_DAY])
    found = {(a.rule_name, a.client_brand, a.brand, a.platform): a for a in alerts}
    assert set(found) == {
        ("er_drop", TEH, TEH, "instagram"),
        ("competitor_er_drop", KOPI, KENANGAN, "instagram"),
        ("competitor_er_drop", TEH, KENANGAN, "instagram"),
    }
    in_kopi, in_teh = (
        found[("competitor_er_drop", KOPI, KENANGAN, "instagram")],
        found[("competitor_er_drop", TEH, KENANGAN, "instagram")],
    )
    # the same numbers (a brand's rows are the same in every view), two alerts
    assert in_kopi.value == pytest.approx(in_teh.value) and in_kopi.baseline == pytest.approx(in_teh.baseline)
    # sha256 of "competitor_er_drop|<client>|Kenangan Brew|instagram|2026-01-09", first 24 hex digits
    assert in_kopi.alert_id == "1b03c4b58a9f80104492fd53"
    assert in_teh.alert_id == "c74172838965dbb5679b751f"
    # an own brand: sha256 of "er_drop|Teh Tarik Co|instagram|2026-01-09", the single-brand releases' key
    own = found[("er_drop", TEH, TEH, "instagram")]
    assert own.alert_id == "606b7e63869a2b2c08e33d2e" == alert_id("er_drop", TEH, "instagram", DROP_DAY)
    # messages name the client where it is not the brand itself
    assert "for Kenangan Brew (in Kopi Nusantara's set) on instagram fell" in in_kopi.message
    assert "for Kenangan Brew (in Teh Tarik Co's set) on instagram fell" in in_teh.message
    assert "for Teh Tarik Co on instagram fell" in own.message and "'s set" not in own.message


def test_the_single_brand_release_id_of_the_shipped_rule_is_unchanged() -> None:
    # sha256 of "engagement_rate_drop|Kopi Nusantara|instagram|2026-07-29", first 24 hex digits: the id an alert
    # of the planted drop (tests/sensors/conftest.py) had before alerts were per client
    day = dt.date(2026, 7, 29)
    assert alert_id("engagement_rate_drop", KOPI, "instagram", day) == "c0e1ac7e0e5c258b6bc83506"
    assert alert_id("engagement_rate_drop", KOPI, "instagram", day, KOPI) == "c0e1ac7e0e5c258b6bc83506"
    assert alert_id("engagement_rate_drop", "Java Roast Co", "instagram", day, KOPI) != alert_id(
        "engagement_rate_drop", "Java Roast Co", "instagram", day
    )


def test_clients_selects_views_and_brand_names_keep_their_meaning_within_each_set(agency_frame) -> None:
    def fired(**spec) -> set[tuple[str, str]]:
        rule = {**ER, "name": "r", **spec}
        return {(a.client_brand, a.brand) for a in evaluate_rules(agency_frame, rules(rule), [DROP_DAY])}

    assert fired(brands="competitors", clients=[TEH]) == {(TEH, KENANGAN)}
    assert fired(brands="competitors", clients=[KOPI, ROTI]) == {(KOPI, KENANGAN)}
    assert fired(brands=[KENANGAN]) == {(KOPI, KENANGAN), (TEH, KENANGAN)}  # in both clients' sets
    assert fired(brands="any") == {(KOPI, KENANGAN), (TEH, KENANGAN), (TEH, TEH)}
    assert fired(brands="own", clients=[KOPI]) == set()  # Kopi's own numbers did not drop


def test_routing_adds_the_clients_channels_once_after_the_rules(agency_frame) -> None:
    spec = {**ER, "name": "r", "brands": "any", "channels": ["log", "slack"]}
    client_channels = {KOPI: ("kopi_slack", "log"), TEH: ("slack",), ROTI: ()}
    [rule] = parse_alert_rules({"channels": {"slack": {"type": "slack"}}, "rules": [spec]}).rules
    alerts = evaluate_rules(agency_frame, [rule], [DROP_DAY], client_channels=client_channels)
    channels = {(a.client_brand, a.brand): a.channels for a in alerts}
    assert channels == {
        (KOPI, KENANGAN): ("log", "slack", "kopi_slack"),
        (TEH, KENANGAN): ("log", "slack"),
        (TEH, TEH): ("log", "slack"),
    }


def test_fingerprints_do_not_mix_clients(tmp_path: Path, agency_frame) -> None:
    """New numbers of one client's competitor re-check that client's view only; a shared competitor's re-check
    both views that hold it."""
    path = tmp_path / "agency.duckdb"
    write_mart(path, agency_frame)
    config = parse_alert_rules({"rules": RULES})
    day = START + dt.timedelta(days=60)
    with duckdb.connect(str(path)) as conn:
        evaluate_and_deliver(conn, config, {})
        assert plan_evaluation(conn, config.active_rules).scope == {}
        for brand in ("Holland Roti", KENANGAN):
            conn.execute(
                "update marts.fct_kpi_daily set value = value * 1.01 where brand = ? and platform = 'tiktok' "
                "and metric_date = ?",
                [brand, day],
            )
            plan = plan_evaluation(conn, config.active_rules)
            views = {(rule, client, platform) for rule, client, platform in plan.scope}
            expected_clients = {ROTI} if brand == "Holland Roti" else {KOPI, TEH}
            assert {client for _, client, _ in views} == expected_clients
            assert {platform for *_, platform in views} == {"tiktok"}
            assert {rule for rule, *_ in views} == {"er_drop", "competitor_er_drop"}
            assert min(min(days) for days in plan.scope.values()) == day
            evaluate_and_deliver(conn, config, {})  # remember it: the next change is judged on its own


# --- configuration: one folder, validated clients -----------------------------------------------------------


def test_the_alerting_resource_reads_the_configuration_folder(agency: Path, monkeypatch, edit_yaml) -> None:
    config = AlertingResource(config_dir=str(agency)).load_config()
    assert "kopi_slack" in config.channels and [r.name for r in config.rules] == ["er_drop", "competitor_er_drop"]
    assert config.client_channels == {KOPI: ("log", "kopi_slack"), TEH: ("log",), ROTI: ()}
    assert AlertingResource(config_dir=str(agency)).rules_file() == agency / "kpi_alerts.yaml"
    assert ConfigurationResource(config_dir=str(agency)).alert_rules_path() == agency / "kpi_alerts.yaml"

    shipped = AlertingResource().load_config()  # no folder given: pipelines/config, one client
    assert "kopi_slack" not in shipped.channels and list(shipped.client_channels) == [KOPI]

    # the pipeline's resources hand the alerting resource the platform API's folder
    resources = pipeline_resources(
        "unused.duckdb", platform_api_resource(ConfigurationResource(config_dir=str(agency)))
    )
    assert resources["alerting"].load_config().client_channels == config.client_channels
    assert resources["configuration"].folder() == agency.resolve()

    # SOCIALPULSE_ALERT_RULES stays an explicit override of the rules file
    elsewhere = edit_yaml(agency, "kpi_alerts.yaml", lambda d: d.update(rules=RULES[:1]))
    moved = agency.parent / "rules-elsewhere.yaml"
    elsewhere.rename(moved)
    monkeypatch.setenv("SOCIALPULSE_ALERT_RULES", str(moved))
    assert [r.name for r in AlertingResource(config_dir=str(agency)).load_config().rules] == ["er_drop"]


@pytest.mark.parametrize(
    ("clients", "brands", "fragments"),
    [
        (
            ["Teh Tarik"],
            "competitors",
            ["clients[0]", "unknown client brand", "'Teh Tarik'", "did you mean 'Teh Tarik Co'"],
        ),
        ([KENANGAN], "competitors", ["clients[0]", "a competitor, not a client brand", "brands: [Kenangan Brew]"]),
        ([KOPI], ["Holland Roti"], ["brands[0]", "in the competitive set of none of the rule's clients (Kopi"]),
        (None, ["Kenangan Bru"], ["brands[0]", "unknown brand", "did you mean 'Kenangan Brew'"]),
    ],
)
def test_rules_naming_clients_and_brands_are_checked_against_brands_yaml(
    agency: Path, monkeypatch, clients, brands, fragments, edit_yaml
) -> None:
    def change(data):
        rule = data["rules"][1]
        rule["brands"] = brands
        if clients is not None:
            rule["clients"] = clients

    path = edit_yaml(agency, "kpi_alerts.yaml", change)
    with pytest.raises(ConfigError) as refused:
        AlertingResource(config_dir=str(agency)).load_config()
    message = str(refused.value)
    assert message.startswith(f"{path}: rules[1] (competitor_er_drop).")
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert refused.value.fix and "\n" not in message
    monkeypatch.setenv("SOCIALPULSE_CONFIG_DIR", str(agency))
    monkeypatch.setenv("SOCIALPULSE_MODE", "simulator")
    with pytest.raises(ConfigError, match=r"rules\[1\] \(competitor_er_drop\)"):
        validate_configuration()  # the same refusal before any run


def test_an_empty_clients_list_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"rules\[0\] \(r\)\.clients: the list is empty"):
        parse_alert_rules({"rules": [{**ER, "name": "r", "clients": []}]})


# --- routing to each client's channels, through the real sensor ---------------------------------------------


def test_each_clients_receiver_gets_only_its_clients_alerts(
    tmp_path: Path, agency: Path, agency_frame, monkeypatch, edit_yaml
):
    edit_yaml(
        agency,
        "kpi_alerts.yaml",
        lambda d: d["channels"].update(teh_hook={"type": "webhook", "url_env": "TEH_HOOK_URL", "token_env": None}),
    )
    edit_yaml(agency, "brands.yaml", lambda d: d["brands"][1].update(alert_channels=["log", "teh_hook"]))
    path = tmp_path / "agency.duckdb"
    write_mart(path, agency_frame)
    kopi_slack, teh_hook = HTTPServer(host="127.0.0.1", port=0), HTTPServer(host="127.0.0.1", port=0)
    for server, route in ((kopi_slack, "/services/kopi"), (teh_hook, "/teh")):
        server.expect_request(route, method="POST").respond_with_data("ok")
        server.start()
    try:
        monkeypatch.setenv("KOPI_SLACK_WEBHOOK_URL", kopi_slack.url_for("/services/kopi"))
        monkeypatch.setenv("TEH_HOOK_URL", teh_hook.url_for("/teh"))
        resources = {
            "warehouse": WarehouseResource(path=str(path), lock_wait_seconds=0),
            "alerting": AlertingResource(config_dir=str(agency)),
        }
        with DagsterInstance.ephemeral() as instance:
            instance.report_runless_asset_event(AssetMaterialization(asset_key=AssetKey(["marts", "fct_kpi_daily"])))
            result = build_kpi_alert_sensor()(build_sensor_context(instance=instance, resources=resources))
        assert "15 new alert(s)" in result.skip_reason.skip_message
    finally:
        kopi_slack.stop()
        teh_hook.stop()

    by_client = dict(
        stored(path, "select client_brand, list(alert_id order by alert_id) from alerts.kpi_alerts group by 1")
    )
    assert {client: len(ids) for client, ids in by_client.items()} == {KOPI: 5, TEH: 10}  # 5 drop days
    slack_texts = [json.loads(request.get_data())["text"] for request, _ in kopi_slack.log]
    assert len(slack_texts) == 5 and all("Kenangan Brew (in Kopi Nusantara's set)" in t for t in slack_texts)
    assert not any("Teh Tarik" in text for text in slack_texts)
    payloads = [json.loads(request.get_data()) for request, _ in teh_hook.log]
    assert sorted(p["id"] for p in payloads) == sorted(by_client[TEH])
    assert {p["data"]["client_brand"] for p in payloads} == {TEH}
    assert {p["data"]["brand"] for p in payloads} == {TEH, KENANGAN}
    deliveries = stored(
        path,
        "select a.client_brand, d.channel, d.status, count(*) from alerts.deliveries d join alerts.kpi_alerts a "
        "using (alert_id) group by all order by all",
    )
    assert deliveries == [
        (KOPI, "kopi_slack", "delivered", 5),
        (KOPI, "log", "delivered", 5),
        (TEH, "log", "delivered", 10),
        (TEH, "teh_hook", "delivered", 10),
    ]


def test_the_sensor_the_run_asset_and_socialpulse_alerts_get_the_same_configuration(
    tmp_path: Path, agency: Path, agency_frame
) -> None:
    """Pointed at the agency folder, every path raises the same alerts with the client's channels (kopi_slack is
    not configured here: its deliveries are recorded as skipped, which proves they were routed there)."""

    def outcome(path: Path) -> list[tuple]:
        return stored(
            path,
            "select a.alert_id, a.client_brand, d.channel, d.status from alerts.kpi_alerts a "
            "join alerts.deliveries d using (alert_id) order by all",
        )

    results = {}
    for path_name in ("sensor", "asset", "evaluate_all"):
        path = tmp_path / f"{path_name}.duckdb"
        write_mart(path, agency_frame)
        if path_name == "sensor":
            resources = {
                "warehouse": WarehouseResource(path=str(path), lock_wait_seconds=0),
                "alerting": AlertingResource(config_dir=str(agency)),
            }
            with DagsterInstance.ephemeral() as instance:
                instance.report_runless_asset_event(
                    AssetMaterialization(asset_key=AssetKey(["marts", "fct_kpi_daily"]))
                )
                build_kpi_alert_sensor()(build_sensor_context(instance=instance, resources=resources))
        elif path_name == "asset":
            api = platform_api_resource(ConfigurationResource(config_dir=str(agency)))
            resources = pipeline_resources(str(path), api)
            run = materialize([kpi_alerts], resources={k: resources[k] for k in ("warehouse", "alerting")})
            assert run.success
        else:
            lines = evaluate_all(str(path), config_dir=str(agency))
            assert "15 new alert(s)" in lines[0]
            assert any("Kenangan Brew (in Teh Tarik Co's set) / instagram" in line for line in lines)
        results[path_name] = outcome(path)
    assert results["sensor"] == results["asset"] == results["evaluate_all"]
    channels = {(client, channel, status) for _, client, channel, status in results["sensor"]}
    assert channels == {(KOPI, "log", "delivered"), (KOPI, "kopi_slack", "skipped"), (TEH, "log", "delivered")}


def test_a_broken_brands_yaml_does_not_silence_the_run_failure_it_causes(
    tmp_path: Path, agency: Path, edit_yaml
) -> None:
    from sensors.run_failure import RunFailure, record_run_failure

    edit_yaml(agency, "brands.yaml", lambda d: d["brands"][0].update(alert_channels=["kopi_slak"]))
    alerting = AlertingResource(config_dir=str(agency))
    with pytest.raises(ConfigError, match=r"alert_channels\[0\].*did you mean 'kopi_slack'"):
        alerting.load_config()  # KPI alerts cannot be routed: refused
    failure = RunFailure("r1", "nightly_job", "brands.yaml is invalid", (("ingest", "ConfigError"),), START)
    path = tmp_path / "warehouse.duckdb"
    line = record_run_failure(failure, WarehouseResource(path=str(path)), alerting)
    assert "stored" in line and "1 delivered" in line
    assert stored(path, "select alert_id, client_brand from alerts.kpi_alerts") == [("run_failure:r1", None)]
