"""KPI alert rules: the models behind `kpi_alerts.yaml` and their validation at load.

Every problem in the file becomes a `ConfigError` naming the file, the key (e.g. `rules[2].kpi`), the value
and what is expected, so a marketer editing the YAML can fix it without reading this code.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from pipelines.contracts.kpis import KPI_LABELS, KPIS, PERCENT_KPIS
from pipelines.contracts.platforms import PLATFORMS as CONTRACT_PLATFORMS
from pipelines.errors import ConfigError
from pipelines.settings import ENV_ALERT_RULES

# re-exported: the KPI catalogue is pipelines.contracts.kpis, the variable's name pipelines.settings
__all__ = ["ENV_ALERT_RULES", "KPIS", "KPI_LABELS", "PERCENT_KPIS"]

PLATFORMS: tuple[str, ...] = (*CONTRACT_PLATFORMS, "all")
SEVERITIES: tuple[str, ...] = ("info", "warning", "critical")
CHANNEL_TYPES: tuple[str, ...] = ("log", "slack", "webhook", "email")

ENV_DAGSTER_UI_URL = "SOCIALPULSE_DAGSTER_UI_URL"
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_RULE_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")


def default_rules_path() -> Path:
    """Where `kpi_alerts.yaml` lives: `$SOCIALPULSE_ALERT_RULES`, else the configuration folder's (the default
    ConfigurationResource's `alert_rules_path`; AlertingResource asks its own configuration)."""
    from pipelines.resources import ConfigurationResource

    return ConfigurationResource().alert_rules_path()


def _unknown(kind: str, value: str, allowed: tuple[str, ...] | list[str]) -> PydanticCustomError:
    close = difflib.get_close_matches(value, list(allowed), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return PydanticCustomError("unknown_name", f"unknown {kind}{hint}", {"expected": "one of " + ", ".join(allowed)})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


PositiveDays = Annotated[int, Field(ge=1, le=3660)]


class Comparison(_Model):
    """What the current value is compared with.

    - `trailing_baseline`: the median of the previous `window_days` values, with a robust spread
      (1.4826 x median absolute deviation) for `robust_deviations` thresholds.
    - `day_over_day`: the value of the day before; `week_over_week`: the 7-day window against the 7 days
      before it.
    - `none`: no comparison; only an absolute floor applies.
    """

    type: Literal["trailing_baseline", "day_over_day", "week_over_week", "none"]
    window_days: PositiveDays | None = None
    current_days: PositiveDays | None = None
    min_history_days: PositiveDays | None = None

    @field_validator("window_days", "current_days", "min_history_days", mode="before")
    @classmethod
    def _positive(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool) and value < 1:
            raise PydanticCustomError(
                "not_positive", "must be a positive number of days", {"expected": "a whole number >= 1"}
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Comparison:
        if self.type != "trailing_baseline" and self.window_days is not None:
            raise PydanticCustomError(
                "window_not_allowed",
                f"window_days only applies to type trailing_baseline, not {self.type}",
                {"expected": "no window_days, or type: trailing_baseline"},
            )
        if self.type == "trailing_baseline" and self.window_days is not None and self.window_days < 3:
            raise PydanticCustomError(
                "window_too_short",
                "a trailing baseline needs at least 3 days to have a median and a spread",
                {"expected": "window_days >= 3 (28 is a good default)"},
            )
        return self

    @property
    def window(self) -> int:
        return self.window_days or 28

    @property
    def current(self) -> int:
        if self.current_days:
            return self.current_days
        return 7 if self.type == "week_over_week" else 1

    @property
    def shift(self) -> int:
        """Days between the current window and the baseline window for the shift comparisons."""
        return {"day_over_day": 1, "week_over_week": 7}.get(self.type, 0)

    @property
    def min_history(self) -> int:
        if self.min_history_days:
            return min(self.min_history_days, self.window)
        return (self.window + 1) // 2


class Threshold(_Model):
    """When a rule fires; every condition given must hold.

    `change_pct`: the value is at least this many percent below (direction drop) or above (rise) the
    baseline. `robust_deviations`: at least this many robust deviations away from the median (trailing
    baseline only). `absolute_floor`: the value is below this number (in the KPI's unit).
    """

    change_pct: Annotated[float, Field(gt=0)] | None = None
    robust_deviations: Annotated[float, Field(gt=0)] | None = None
    absolute_floor: float | None = None

    @model_validator(mode="after")
    def _at_least_one(self) -> Threshold:
        if self.change_pct is None and self.robust_deviations is None and self.absolute_floor is None:
            raise PydanticCustomError(
                "empty_threshold",
                "a threshold needs at least one condition",
                {"expected": "change_pct, robust_deviations and/or absolute_floor"},
            )
        return self


class AlertRule(_Model):
    name: str
    description: str = ""
    kpi: str
    brands: Literal["own", "competitors", "any"] | list[str] = "own"
    clients: list[str] | None = None  # client brands whose views the rule watches; None: every client
    platforms: Literal["each", "any"] | list[str] = "each"
    direction: Literal["drop", "rise"] = "drop"
    comparison: Comparison
    threshold: Threshold
    aggregate: Literal["mean", "sum"] = "mean"
    min_sample: Annotated[int, Field(ge=1)] | None = None
    sample_kpi: str | None = None  # where the mart has no sample_size (e.g. rates), count this KPI instead
    min_baseline: float | None = None
    persist_days: PositiveDays = 1
    repeat_after_days: PositiveDays | None = None
    severity: Literal["info", "warning", "critical"] = "warning"
    channels: list[str] = Field(default_factory=lambda: ["log"])
    enabled: bool = True

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _RULE_NAME.match(value):
            raise PydanticCustomError(
                "bad_rule_name",
                "rule names are lower case words joined by _ or -",
                {"expected": "a name like engagement_rate_drop"},
            )
        return value

    @field_validator("kpi", "sample_kpi")
    @classmethod
    def _kpi(cls, value: str | None) -> str | None:
        if value is not None and value not in KPIS:
            raise _unknown("KPI", value, KPIS)
        return value

    @field_validator("platforms")
    @classmethod
    def _platforms(cls, value: Any) -> Any:
        if isinstance(value, list):
            if not value:
                raise PydanticCustomError("empty", "the list is empty", {"expected": "at least one platform"})
            for item in value:
                if item not in PLATFORMS:
                    raise _unknown("platform", item, PLATFORMS)
        return value

    @field_validator("brands")
    @classmethod
    def _brands(cls, value: Any) -> Any:
        if isinstance(value, list) and not value:
            raise PydanticCustomError(
                "empty", "the list is empty", {"expected": "own, competitors, any or brand names"}
            )
        return value

    @field_validator("clients")
    @classmethod
    def _clients(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and not value:
            raise PydanticCustomError(
                "empty",
                "the list is empty",
                {"expected": "client brand names (own: true in brands.yaml), or no clients key for every client"},
            )
        return value

    @field_validator("channels")
    @classmethod
    def _channels(cls, value: list[str]) -> list[str]:
        if not value:
            raise PydanticCustomError("empty", "a rule needs at least one channel", {"expected": "e.g. [log]"})
        return value

    @model_validator(mode="after")
    def _threshold_fits_comparison(self) -> AlertRule:
        kind = self.comparison.type
        if kind == "none" and (self.threshold.change_pct is not None or self.min_baseline is not None):
            raise PydanticCustomError(
                "needs_baseline",
                "change_pct and min_baseline need a baseline, but comparison.type is none",
                {"expected": "comparison.type trailing_baseline, day_over_day or week_over_week"},
            )
        if self.threshold.robust_deviations is not None and kind != "trailing_baseline":
            raise PydanticCustomError(
                "needs_spread",
                f"robust_deviations needs a spread, which only comparison.type trailing_baseline has (got {kind})",
                {"expected": "comparison.type: trailing_baseline, or change_pct instead"},
            )
        return self


class LogChannelConfig(_Model):
    type: Literal["log"]


class SlackChannelConfig(_Model):
    type: Literal["slack"]
    webhook_url_env: str = "SOCIALPULSE_SLACK_WEBHOOK_URL"
    timeout_seconds: Annotated[float, Field(gt=0)] = 10.0


class WebhookChannelConfig(_Model):
    type: Literal["webhook"]
    url_env: str = "SOCIALPULSE_ALERT_WEBHOOK_URL"
    token_env: str | None = "SOCIALPULSE_ALERT_WEBHOOK_TOKEN"
    timeout_seconds: Annotated[float, Field(gt=0)] = 10.0


class EmailChannelConfig(_Model):
    type: Literal["email"]
    host: str | None = None
    host_env: str | None = "SOCIALPULSE_SMTP_HOST"
    port: Annotated[int, Field(ge=1, le=65535)] = 587
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username_env: str | None = "SOCIALPULSE_SMTP_USERNAME"
    password_env: str | None = "SOCIALPULSE_SMTP_PASSWORD"
    from_address: str = "socialpulse-alerts@localhost"
    to: list[str] = Field(default_factory=list)
    to_env: str | None = "SOCIALPULSE_ALERT_EMAIL_TO"
    ca_file: str | None = None
    timeout_seconds: Annotated[float, Field(gt=0)] = 20.0


ChannelConfig = Annotated[
    LogChannelConfig | SlackChannelConfig | WebhookChannelConfig | EmailChannelConfig,
    Field(discriminator="type"),
]


class DeliveryPolicy(_Model):
    """Retries of failed deliveries on later ticks: exponential backoff, then give up (status failed)."""

    max_attempts: Annotated[int, Field(ge=1, le=100)] = 8
    backoff_seconds: Annotated[float, Field(ge=0)] = 60.0
    backoff_max_seconds: Annotated[float, Field(ge=0)] = 6 * 3600.0

    def delay_after(self, attempts: int) -> float:
        return min(self.backoff_seconds * 2 ** max(attempts - 1, 0), self.backoff_max_seconds)


class EvaluationPolicy(_Model):
    # Days at the end of the mart not evaluated yet, because their numbers still move (late engagement).
    settle_days: Annotated[int, Field(ge=0, le=60)] = 0


class FreshnessPolicy(_Model):
    max_lag_days: PositiveDays = 2
    severity: Literal["info", "warning", "critical"] = "critical"
    channels: list[str] = Field(default_factory=lambda: ["log"])


class RunFailurePolicy(_Model):
    severity: Literal["info", "warning", "critical"] = "critical"
    channels: list[str] = Field(default_factory=lambda: ["log"])


class AlertConfig(_Model):
    """The whole `kpi_alerts.yaml`."""

    dagster_ui_url: str = "http://127.0.0.1:3000"
    evaluation: EvaluationPolicy = EvaluationPolicy()
    delivery: DeliveryPolicy = DeliveryPolicy()
    channels: dict[str, ChannelConfig] = Field(default_factory=lambda: {"log": LogChannelConfig(type="log")})
    defaults: dict[str, Any] = Field(default_factory=dict)
    freshness: FreshnessPolicy = FreshnessPolicy()
    run_failure: RunFailurePolicy = RunFailurePolicy()
    rules: list[AlertRule] = Field(default_factory=list)
    # client brand -> its alert_channels of brands.yaml (set by sensors.clients.load_alert_config, never by this
    # file: a client's recipients are configured with the client)
    _client_channels: dict[str, tuple[str, ...]] = PrivateAttr(default_factory=dict)

    @field_validator("channels", mode="before")
    @classmethod
    def _log_always_exists(cls, value: Any) -> Any:
        # the log is always available, so the defaults ([log]) hold even when only Slack is configured
        if isinstance(value, dict) and "log" not in value:
            return {"log": {"type": "log"}, **value}
        return value

    @property
    def active_rules(self) -> list[AlertRule]:
        return [rule for rule in self.rules if rule.enabled]

    @property
    def client_channels(self) -> dict[str, tuple[str, ...]]:
        """Client brand -> the channels its alerts go to besides the rule's (brands.yaml `alert_channels`)."""
        return dict(self._client_channels)

    def with_client_channels(self, channels: dict[str, tuple[str, ...]]) -> AlertConfig:
        """A copy of this configuration routing each client's alerts also to `channels[client]`."""
        copy = self.model_copy()
        copy._client_channels = {client: tuple(names) for client, names in channels.items()}
        return copy

    @property
    def ui_url(self) -> str:
        return (os.environ.get(ENV_DAGSTER_UI_URL) or self.dagster_ui_url).rstrip("/")


_RULE_DEFAULT_KEYS = frozenset({"severity", "channels", "min_sample", "brands", "clients", "platforms", "enabled"})


def load_alert_rules(path: str | Path | None = None) -> AlertConfig:
    """Read and validate `kpi_alerts.yaml` (default: `default_rules_path()`)."""
    file = Path(path) if path is not None else default_rules_path()
    name = str(file)
    if not file.exists():
        raise ConfigError(name, "(file)", "file not found", expected="a kpi_alerts.yaml with a rules: list")
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(unknown position)"
        raise ConfigError(
            name, where, f"invalid YAML: {getattr(exc, 'problem', exc)}", expected="valid YAML syntax"
        ) from None
    return parse_alert_rules(data if data is not None else {}, source=name)


def parse_alert_rules(data: Any, *, source: str = "kpi_alerts.yaml") -> AlertConfig:
    """Validate already-parsed YAML; `source` names the file in error messages."""
    if not isinstance(data, dict):
        raise ConfigError(
            source, "(top level)", "must be a mapping", value=type(data).__name__, expected="key: value pairs"
        )
    data = dict(data)
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise ConfigError(source, "defaults", "must be a mapping", expected="e.g. {severity: warning}")
    for key in defaults:
        if key not in _RULE_DEFAULT_KEYS:
            raise ConfigError(
                source,
                f"defaults.{key}",
                "not a key that can be defaulted",
                expected="one of " + ", ".join(sorted(_RULE_DEFAULT_KEYS)),
            )
    rules = data.get("rules")
    if rules is not None:
        if not isinstance(rules, list):
            raise ConfigError(source, "rules", "must be a list of rules", value=type(rules).__name__)
        data["rules"] = [{**defaults, **rule} if isinstance(rule, dict) else rule for rule in rules]
    try:
        config = AlertConfig.model_validate(data)
    except ValidationError as exc:
        raise _to_config_error(exc, source, data) from None
    _check_references(config, source)
    return config


def _to_config_error(exc: ValidationError, source: str, data: dict[str, Any]) -> ConfigError:
    errors = exc.errors()
    first = errors[0]
    loc = list(first["loc"])
    if len(loc) > 2 and loc[0] == "channels" and loc[2] in CHANNEL_TYPES:
        del loc[2]  # the discriminator tag pydantic inserts
    union_member = any(isinstance(part, str) and "[" in part for part in loc)
    loc = [part for part in loc if not (isinstance(part, str) and "[" in part)]
    key = _format_loc(loc, data) or "(top level)"
    ctx = first.get("ctx") or {}
    value = None if first["type"] == "missing" else first.get("input")
    if isinstance(value, dict | list):
        value = None
    message = first["msg"].removeprefix("Value error, ")
    expected = str(ctx.get("expected", "")) or _EXPECTED.get(first["type"], "")
    if union_member and loc and loc[-1] in _UNION_FIELDS:
        message, expected = "not a valid choice", _UNION_FIELDS[loc[-1]]
        errors = [e for e in errors if [p for p in e["loc"] if not (isinstance(p, str) and "[" in p)] != loc]
        errors.insert(0, first)
    if first["type"] == "union_tag_invalid":
        message, expected = "unknown channel type", "type: " + ", ".join(CHANNEL_TYPES)
        value = ctx.get("tag")
    if len(errors) > 1:
        message += f" ({len(errors) - 1} more problem(s) in this file)"
    return ConfigError(source, key, message, value=value, expected=expected)


_UNION_FIELDS = {
    "platforms": "each (every platform), any (also the all-platforms total) or a list such as [instagram, all]",
    "brands": "own, competitors, any or a list of brand names from brands.yaml",
}

_EXPECTED = {
    "missing": "this key to be present",
    "extra_forbidden": "no such key (check the spelling against the documented keys)",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "float_parsing": "a number",
    "bool_parsing": "true or false",
    "greater_than_equal": "a larger number",
    "greater_than": "a positive number",
}


def _format_loc(loc: list[Any], data: dict[str, Any]) -> str:
    out = ""
    node: Any = data
    for part in loc:
        if isinstance(part, int):
            label = ""
            if isinstance(node, list) and part < len(node) and isinstance(node[part], dict):
                rule_name = node[part].get("name")
                label = f" ({rule_name})" if isinstance(rule_name, str) and out == "rules" else ""
            out += f"[{part}]{label}"
        else:
            out += f".{part}" if out else str(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return out


def _check_references(config: AlertConfig, source: str) -> None:
    """Cross-references pydantic cannot see: channel names, unique rule names, env var names."""
    known = sorted(config.channels)
    for name, channel in config.channels.items():
        for field in ("webhook_url_env", "url_env", "token_env", "host_env", "username_env", "password_env"):
            env = getattr(channel, field, None)
            if env is not None and not _ENV_NAME.match(env):
                raise ConfigError(
                    source,
                    f"channels.{name}.{field}",
                    "must name an environment variable, not hold a secret",
                    value=env if len(env) < 40 and "/" not in env else "<redacted>",
                    expected="an UPPER_CASE variable name such as SOCIALPULSE_SLACK_WEBHOOK_URL",
                )
    seen: set[str] = set()
    for index, rule in enumerate(config.rules):
        key = f"rules[{index}] ({rule.name})"
        if rule.name in seen:
            raise ConfigError(
                source,
                f"{key}.name",
                "duplicate rule name",
                value=rule.name,
                expected="each rule name once (alerts are keyed by it)",
            )
        seen.add(rule.name)
        for position, channel in enumerate(rule.channels):
            if channel not in config.channels:
                raise ConfigError(
                    source,
                    f"{key}.channels[{position}]",
                    _unknown_channel(channel, known),
                    value=channel,
                    expected="one of the channels defined under channels: " + ", ".join(known),
                )
    for section in ("freshness", "run_failure"):
        for position, channel in enumerate(getattr(config, section).channels):
            if channel not in config.channels:
                raise ConfigError(
                    source,
                    f"{section}.channels[{position}]",
                    _unknown_channel(channel, known),
                    value=channel,
                    expected="one of the channels defined under channels: " + ", ".join(known),
                )


def _unknown_channel(channel: str, known: list[str]) -> str:
    close = difflib.get_close_matches(channel, known, n=1)
    return "unknown channel" + (f"; did you mean {close[0]!r}?" if close else "")
