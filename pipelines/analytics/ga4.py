"""Google Analytics 4 Data API v1beta: sessions, engaged sessions, key events and purchase revenue per day, session
source / medium / campaign and landing page, for every own brand with a `ga4_property_id` in brands.yaml.

- `POST https://analyticsdata.googleapis.com/v1beta/properties/{id}:runReport` with `dateRanges` (the window, and
  the `account_lookback_days` before it: GA4 keeps processing a day for up to 48 hours), the five dimensions, the
  four metrics, `limit`/`offset` paging until `rowCount` rows are read, `keepEmptyRows: false`,
  `returnPropertyQuota: true`.
- Auth: an OAuth 2.0 access token with the scope analytics.readonly (a user's, or a service account's exchanged by
  the deployment's token broker) in GOOGLE_ANALYTICS_ACCESS_TOKEN, sent as `Authorization: Bearer`; never a key
  file in the repository.
- Errors (Google's body `{"error": {"code", "message", "status"}}`): 401 UNAUTHENTICATED names the variable to renew;
  403 PERMISSION_DENIED says the token's account needs Viewer access to the property; 429 RESOURCE_EXHAUSTED on the
  daily token quota is not retried (it resets at midnight Pacific time), on the hourly or concurrent quotas it is
  retried with backoff; 5xx are retried; 400 INVALID_ARGUMENT is raised with GA4's message.
- Days: `date` (YYYYMMDD) is the property's day (metadata.timeZone, stored as property_time_zone); a property whose
  zone differs from settings.timezone is kept on its own days and warned about.
- Quota: a warning when fewer than 10 % of the property's daily tokens are left.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

import requests

from pipelines.config.models import Brand
from pipelines.contracts.analytics import GA4_TRAFFIC_DAILY
from pipelines.errors import InputDataError
from pipelines.http import ErrorVerdict, retry_after_seconds
from pipelines.market.base import Credential, MarketSource, Row
from pipelines.platforms.values import to_count, to_number

API_BASES = {"data": "https://analyticsdata.googleapis.com/v1beta"}
TOKEN_ENV = "GOOGLE_ANALYTICS_ACCESS_TOKEN"
ACCESS_TOKEN = Credential(
    "access_token",
    TOKEN_ENV,
    "google_analytics",
    "OAuth 2.0 access token (scope analytics.readonly) of an account with Viewer access to the GA4 property",
)
DIMENSIONS = ("date", "sessionSource", "sessionMedium", "sessionCampaignName", "landingPage")
METRICS = ("sessions", "engagedSessions", "keyEvents", "purchaseRevenue")
COLUMNS = {
    "sessionSource": "session_source",
    "sessionMedium": "session_medium",
    "sessionCampaignName": "session_campaign_name",
    "landingPage": "landing_page",
    "sessions": "sessions",
    "engagedSessions": "engaged_sessions",
    "keyEvents": "key_events",
}
MAX_LIMIT = 250_000
LOW_QUOTA_SHARE = 0.1


def ga4_classifier(response: requests.Response, body: Any) -> ErrorVerdict | None:
    """GA4's error body → verdict: the daily token quota is never retried, the hourly ones are."""
    if response.ok:
        return None
    error = body.get("error") if isinstance(body, Mapping) else None
    error = error if isinstance(error, Mapping) else {}
    status, text = response.status_code, str(error.get("message") or "")[:240]
    name = str(error.get("status") or "")
    if status == 429 or name == "RESOURCE_EXHAUSTED":
        if "per day" in text.lower():
            return ErrorVerdict(
                "quota",
                f"the property's daily GA4 token quota is spent ({text}); it resets at midnight Pacific time: "
                "re-run then, or read fewer days at a time",
            )
        return ErrorVerdict("retry", f"rate limited by GA4 ({text or 'HTTP 429'})", retry_after_seconds(response))
    if status == 401 or name == "UNAUTHENTICATED":
        return ErrorVerdict("auth", f"GA4 rejected the access token ({text or 'HTTP 401'})")
    if status == 403 or name == "PERMISSION_DENIED":
        return ErrorVerdict(
            "permission",
            f"GA4 refused the property ({text or 'HTTP 403'}): the token's account needs Viewer access to the "
            "property and the scope https://www.googleapis.com/auth/analytics.readonly",
        )
    if status >= 500:
        return ErrorVerdict("retry", f"GA4 server error (HTTP {status})", retry_after_seconds(response))
    return ErrorVerdict("fatal", f"GA4 rejected the report request (HTTP {status} {name}: {text})")


class GoogleAnalytics(MarketSource):
    name: ClassVar[str] = "google_analytics"
    group: ClassVar[str] = "web_analytics"
    title: ClassVar[str] = "Google Analytics 4: website sessions, key events and revenue by source and campaign"
    tables = (GA4_TRAFFIC_DAILY,)
    api_bases: ClassVar[dict[str, str]] = API_BASES
    credentials = (ACCESS_TOKEN,)
    page_size: ClassVar[int] = 10_000

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        token = self.credential("access_token")
        self.session = self.new_session(
            credential="access_token",
            classify=ga4_classifier,
            headers={"Authorization": f"Bearer {token}"} if token else None,
        )

    def read(self, start: dt.date, end: dt.date) -> dict[str, list[Row]]:
        properties = [b for b in self.brands.brands if b.own and b.ga4_property_id]
        if not properties:
            self.warn("no own brand has a ga4_property_id in brands.yaml; no website traffic read")
            return self.empty_result()
        self.require_credential("access_token")
        first = start - dt.timedelta(days=max(0, self.settings.account_lookback_days - 1))
        last = min(end, self.context.today)
        if first > last:
            return self.empty_result()
        rows: list[Row] = []
        for brand in properties:
            rows += self._report(brand, first, last)
        return {GA4_TRAFFIC_DAILY.name: rows}

    def _report(self, brand: Brand, first: dt.date, last: dt.date) -> list[Row]:
        property_id = str(brand.ga4_property_id)
        url = f"{self.base_url('data')}/properties/{property_id}:runReport"
        limit = min(self.page_size, MAX_LIMIT)
        offset, out = 0, []
        while True:
            body = self.session.post(
                url,
                json_body={
                    "dateRanges": [{"startDate": first.isoformat(), "endDate": last.isoformat()}],
                    "dimensions": [{"name": d} for d in DIMENSIONS],
                    "metrics": [{"name": m} for m in METRICS],
                    "limit": limit,
                    "offset": offset,
                    "keepEmptyRows": False,
                    "returnPropertyQuota": True,
                },
                endpoint="runReport",
                page=True,
            )
            if not isinstance(body, Mapping):
                raise InputDataError(f"google_analytics: runReport of property {property_id} did not answer an object")
            page = self._rows(brand, property_id, body)
            out += page
            total = to_count(body.get("rowCount")) or 0
            offset += len(page)
            if offset >= total:
                break
            if not page:
                self.warn(f"runReport of property {property_id} stopped at {offset} of {total} rows (an empty page)")
                break
        self._check_quota(property_id, body.get("propertyQuota"))
        return out

    def _rows(self, brand: Brand, property_id: str, body: Mapping[str, Any]) -> list[Row]:
        dimensions = [h.get("name") for h in body.get("dimensionHeaders") or [] if isinstance(h, Mapping)]
        metrics = [h.get("name") for h in body.get("metricHeaders") or [] if isinstance(h, Mapping)]
        missing = [name for name in (*DIMENSIONS, *METRICS) if name not in (*dimensions, *metrics)]
        if body.get("rows") and missing:
            raise InputDataError(
                f"google_analytics: runReport of property {property_id} has no column {missing} "
                f"(headers: {dimensions + metrics}); the API changed its answer"
            )
        metadata = body.get("metadata") if isinstance(body.get("metadata"), Mapping) else {}
        zone = str(metadata.get("timeZone") or "") or None
        if zone and zone != self.settings.timezone:
            self.warn(
                f"GA4 property {property_id} reports days of {zone}, not settings.timezone {self.settings.timezone}: "
                "its days are kept as GA4 gives them (day_basis says so)"
            )
        currency = str(metadata.get("currencyCode") or "") or None
        rows = []
        for raw in body.get("rows") or []:
            values = [v.get("value") if isinstance(v, Mapping) else None for v in raw.get("dimensionValues") or []]
            numbers = [v.get("value") if isinstance(v, Mapping) else None for v in raw.get("metricValues") or []]
            cells = dict(zip(dimensions, values, strict=False)) | dict(zip(metrics, numbers, strict=False))
            day = _ga4_date(cells.get("date"), property_id)
            row: Row = {
                "brand": brand.name,
                "property_id": property_id,
                "metric_date": day,
                "purchase_revenue": to_number(cells.get("purchaseRevenue")),
                "currency_code": currency,
                "property_time_zone": zone,
            }
            for api, column in COLUMNS.items():
                row[column] = to_count(cells.get(api)) if api in METRICS else cells.get(api)
            rows.append(row)
        return rows

    def _check_quota(self, property_id: str, quota: Any) -> None:
        daily = quota.get("tokensPerDay") if isinstance(quota, Mapping) else None
        if not isinstance(daily, Mapping):
            return
        consumed, remaining = to_count(daily.get("consumed")) or 0, to_count(daily.get("remaining"))
        if remaining is not None and remaining < LOW_QUOTA_SHARE * (consumed + remaining):
            self.warn(f"GA4 property {property_id}: only {remaining} of today's tokens left (resets at midnight PT)")


def _ga4_date(value: Any, property_id: str) -> dt.date:
    text = str(value or "")
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise InputDataError(
            f"google_analytics: property {property_id} answered a row without a readable date ({value!r}, expected "
            "YYYYMMDD)"
        ) from None
