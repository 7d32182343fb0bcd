"""Rule validation: the default file loads, and each mistake a marketer makes gives a clear ConfigError."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipelines.errors import ConfigError
from sensors.rules import AlertConfig, load_alert_rules, parse_alert_rules

RULE = {
    "name": "er_drop",
    "kpi": "engagement_rate_by_reach",
    "comparison": {"type": "trailing_baseline", "window_days": 28},
    "threshold": {"change_pct": 30},
}


def _load(tmp_path: Path, data: dict) -> AlertConfig:
    path = tmp_path / "kpi_alerts.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return load_alert_rules(path)


def test_default_rules_load_and_cover_the_issue_list():
    config = load_alert_rules(Path(__file__).resolve().parents[2] / "pipelines/config/kpi_alerts.yaml")
    kpis = {rule.kpi for rule in config.rules}
    assert {
        "engagement_rate_by_reach",
        "net_follower_change",
        "share_of_voice_mentions",
        "mentions",
        "posts_published",
        "goal_pace",
    } <= kpis
    er = next(rule for rule in config.rules if rule.name == "engagement_rate_drop")
    assert er.brands == "own" and er.platforms == "each"
    assert er.comparison.type == "trailing_baseline" and er.comparison.window == 28
    assert er.threshold.change_pct == 30 and er.threshold.robust_deviations == 3
    sov = next(rule for rule in config.rules if rule.name == "share_of_voice_drop")
    assert sov.comparison.type == "week_over_week" and sov.min_sample == 30
    assert set(config.channels) == {"log", "slack", "webhook", "email"}
    assert all(rule.channels == ["log"] for rule in config.rules)  # defaults: log (and the table)


def test_kpi_typo_names_file_key_value_and_suggestion(tmp_path):
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, {"rules": [{**RULE, "kpi": "engagment_rate_by_reach"}]})
    error = caught.value
    assert error.file.endswith("kpi_alerts.yaml")
    assert error.key == "rules[0] (er_drop).kpi"
    assert error.value == "engagment_rate_by_reach"
    assert "did you mean 'engagement_rate_by_reach'" in str(error)
    assert "goal_pace" in error.expected  # the full list of valid KPIs


def test_negative_window_is_rejected(tmp_path):
    rule = {**RULE, "comparison": {"type": "trailing_baseline", "window_days": -7}}
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, {"rules": [rule]})
    assert caught.value.key == "rules[0] (er_drop).comparison.window_days"
    assert caught.value.value == -7
    assert "positive number of days" in str(caught.value)


def test_unknown_channel_lists_the_defined_ones(tmp_path):
    data = {"channels": {"log": {"type": "log"}, "slack": {"type": "slack"}}, "rules": [{**RULE, "channels": ["slak"]}]}
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, data)
    assert caught.value.key == "rules[0] (er_drop).channels[0]"
    assert caught.value.value == "slak"
    assert "did you mean 'slack'" in str(caught.value)
    assert "log, slack" in caught.value.expected


def test_unknown_channel_type(tmp_path):
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, {"channels": {"team": {"type": "teams"}}})
    assert caught.value.key == "channels.team"
    assert caught.value.value == "teams"
    assert "slack" in caught.value.expected


@pytest.mark.parametrize(
    ("rule", "key", "fragment"),
    [
        ({**RULE, "platforms": ["instgram"]}, "rules[0] (er_drop).platforms", "did you mean 'instagram'"),
        ({**RULE, "platforms": "every"}, "rules[0] (er_drop).platforms", "not a valid choice"),
        ({**RULE, "threshold": {}}, "rules[0] (er_drop).threshold", "at least one condition"),
        (
            {**RULE, "comparison": {"type": "day_over_day"}, "threshold": {"robust_deviations": 3}},
            "rules[0] (er_drop)",
            "robust_deviations needs a spread",
        ),
        ({**RULE, "comparison": {"type": "none"}}, "rules[0] (er_drop)", "need a baseline"),
        ({**RULE, "severity": "urgent"}, "rules[0] (er_drop).severity", "'info', 'warning' or 'critical'"),
        ({**RULE, "min_sampel": 3}, "rules[0] (er_drop).min_sampel", "Extra inputs"),
        (
            {**RULE, "comparison": {"type": "trailing_baseline", "window_days": 2}},
            "rules[0] (er_drop).comparison",
            "at least 3 days",
        ),
    ],
)
def test_other_mistakes(tmp_path, rule, key, fragment):
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, {"rules": [rule]})
    assert caught.value.key == key
    assert fragment in str(caught.value)


def test_duplicate_rule_names(tmp_path):
    with pytest.raises(ConfigError, match="duplicate rule name"):
        _load(tmp_path, {"rules": [RULE, RULE]})


def test_secret_pasted_instead_of_env_var_name_is_rejected_and_not_echoed(tmp_path):
    url = "https://hooks.slack.com/services/T000/B000/XXXXSECRET"
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, {"channels": {"slack": {"type": "slack", "webhook_url_env": url}}})
    assert caught.value.key == "channels.slack.webhook_url_env"
    assert "SECRET" not in str(caught.value)


def test_defaults_apply_to_rules_and_rules_can_override(tmp_path):
    data = {
        "channels": {"log": {"type": "log"}, "webhook": {"type": "webhook"}},
        "defaults": {"severity": "critical", "channels": ["log", "webhook"]},
        "rules": [RULE, {**RULE, "name": "other", "severity": "info"}],
    }
    config = _load(tmp_path, data)
    assert config.rules[0].severity == "critical" and config.rules[0].channels == ["log", "webhook"]
    assert config.rules[1].severity == "info"


def test_invalid_yaml_and_missing_file(tmp_path):
    path = tmp_path / "kpi_alerts.yaml"
    path.write_text("rules: [\n  - name: x\n")
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_alert_rules(path)
    with pytest.raises(ConfigError, match="file not found"):
        load_alert_rules(tmp_path / "absent.yaml")


def test_delivery_backoff_doubles_up_to_the_cap():
    config = parse_alert_rules({"delivery": {"backoff_seconds": 60, "backoff_max_seconds": 300}})
    assert [config.delivery.delay_after(n) for n in (1, 2, 3, 4)] == [60, 120, 240, 300]
