"""Google Analytics Data API v1beta (analyticsdata.googleapis.com): `POST /v1beta/properties/{id}:runReport`.

The documented shapes: the request names `dateRanges` (startDate/endDate as YYYY-MM-DD, `today`, `yesterday` or
`NdaysAgo`), `dimensions` and `metrics` by name, `limit` (default 10,000, at most 250,000 rows a request) and
`offset` (0-based); the answer has `dimensionHeaders`, `metricHeaders` (name and type), `rows` of
`dimensionValues` / `metricValues` (values as strings; `date` as YYYYMMDD), `rowCount` (all rows of the query,
whatever limit and offset), `metadata` (currencyCode, timeZone), `propertyQuota` when `returnPropertyQuota` is true,
and `kind: analyticsData#runReport`. Rows are sorted by date, then the other dimensions. Errors are Google's body
(`{"error": {"code", "message", "status"}}`): 401 UNAUTHENTICATED, 403 PERMISSION_DENIED for a property the token
cannot read, 400 INVALID_ARGUMENT for an unknown dimension or metric, 429 RESOURCE_EXHAUSTED when a quota is spent
(the `status` fault with `quota: per_day` or `per_hour` chooses the message).
The simulator serves the own brand's property of brands.yaml (`ga4_property_id`); the dimensions and metrics it
knows are the ones socialpulse asks for.
"""

from __future__ import annotations

import datetime as dt
import re

from pipelines.simulator.core import ApiError, Request, Response
from pipelines.simulator.routes.base import ApiFamily
from pipelines.simulator.web_analytics import CURRENCY, property_brand, web_analytics

DIMENSIONS = ("date", "sessionSource", "sessionMedium", "sessionCampaignName", "landingPage")
METRICS = {
    "sessions": "TYPE_INTEGER",
    "engagedSessions": "TYPE_INTEGER",
    "keyEvents": "TYPE_INTEGER",
    "purchaseRevenue": "TYPE_CURRENCY",
}
MAX_LIMIT = 250_000
_PATH = re.compile(r"^/v1beta/properties/([^/:]+):runReport$")
_DAYS_AGO = re.compile(r"^(\d+)daysAgo$")
STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


class GoogleAnalyticsDataApi(ApiFamily):
    name = "google_analytics"
    hosts = ("analyticsdata.googleapis.com",)
    token_keys = ("google_analytics",)
    uses_retry_after = False

    def handle(self, req: Request) -> Response:
        found = _PATH.match(req.path)
        if found is None or req.method != "POST":
            req.template = f"{req.host}/(unknown)"
            raise ApiError("not_found", f"no route for {req.method} {req.path}")
        req.template = f"{req.host}/v1beta/properties/{{id}}:runReport"
        self.check_token(req, req.bearer())
        return self._run_report(req, found.group(1))

    def render_error(self, req: Request, err: ApiError) -> Response:
        status = err.status or {
            "missing_token": 401,
            "invalid_token": 401,
            "expired_token": 401,
            "forbidden": 403,
            "not_found": 404,
            "rate_limit": 429,
            "server_error": 500,
        }.get(err.kind, 400)
        message = err.message
        if status == 401:
            message = (
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or "
                "other valid authentication credential."
            )
        elif status == 429:
            per = str(err.extra.get("quota", "per_hour"))
            message = (
                "Exhausted property tokens per day for a project per property. Quota resets at midnight Pacific time."
                if per == "per_day"
                else "Exhausted property tokens per hour for a project per property."
            )
        elif status >= 500:
            message = "Internal error encountered." if status == 500 else "The service is currently unavailable."
        body = {"error": {"code": status, "message": message, "status": STATUS_NAMES.get(status, "UNKNOWN")}}
        return Response(status, body)

    # ------------------------------------------------------------------ runReport
    def _run_report(self, req: Request, property_id: str) -> Response:
        world = req.world
        own = property_brand(world, property_id)
        if own is None:
            raise ApiError(
                "forbidden", f"User does not have sufficient permissions for this property (properties/{property_id})."
            )
        body = req.json()
        dimensions = [d.get("name") for d in body.get("dimensions") or [] if isinstance(d, dict)]
        metrics = [m.get("name") for m in body.get("metrics") or [] if isinstance(m, dict)]
        for name in dimensions:
            if name not in DIMENSIONS:
                raise ApiError("bad_request", f"Field {name} is not a valid dimension.")
        for name in metrics:
            if name not in METRICS:
                raise ApiError("bad_request", f"Field {name} is not a valid metric.")
        if not metrics:
            raise ApiError("bad_request", "At least one metric is required.")
        ranges = body.get("dateRanges") or []
        if not ranges:
            raise ApiError("bad_request", "dateRanges is required.")
        limit = _positive(body.get("limit"), "limit", default=10_000)
        offset = _positive(body.get("offset"), "offset", default=0, allow_zero=True)
        analytics = web_analytics(world, own)
        aggregated: dict[tuple[str, ...], list[float]] = {}
        for date_range in ranges:
            start = _range_day(date_range.get("startDate"), world.today)
            end = _range_day(date_range.get("endDate"), world.today)
            if end < start:
                raise ApiError("bad_request", "The startDate must not be after the endDate.")
            day = start
            while day <= end:
                for row in analytics.rows(day):
                    values = {
                        "date": row.day.strftime("%Y%m%d"),
                        "sessionSource": row.source,
                        "sessionMedium": row.medium,
                        "sessionCampaignName": row.campaign,
                        "landingPage": row.landing_page,
                    }
                    key = tuple(values[d] for d in dimensions)
                    numbers = {
                        "sessions": row.sessions,
                        "engagedSessions": row.engaged_sessions,
                        "keyEvents": row.key_events,
                        "purchaseRevenue": row.purchase_revenue,
                    }
                    totals = aggregated.setdefault(key, [0.0] * len(metrics))
                    for i, name in enumerate(metrics):
                        totals[i] += numbers[name]
                day += dt.timedelta(days=1)
        keys = sorted(aggregated)
        page = keys[offset : offset + min(limit, MAX_LIMIT)]
        answer: dict = {
            "dimensionHeaders": [{"name": d} for d in dimensions],
            "metricHeaders": [{"name": m, "type": METRICS[m]} for m in metrics],
            "rows": [
                {
                    "dimensionValues": [{"value": v} for v in key],
                    "metricValues": [{"value": _number(aggregated[key][i], METRICS[m])} for i, m in enumerate(metrics)],
                }
                for key in page
            ],
            "rowCount": len(keys),
            "metadata": {"currencyCode": CURRENCY, "timeZone": world.settings.timezone},
            "kind": "analyticsData#runReport",
        }
        if not answer["rows"]:
            del answer["rows"]  # the API leaves out an empty repeated field
        if body.get("returnPropertyQuota"):
            answer["propertyQuota"] = {
                "tokensPerDay": {"consumed": 12, "remaining": 199_000},
                "tokensPerHour": {"consumed": 12, "remaining": 39_900},
                "concurrentRequests": {"consumed": 0, "remaining": 10},
                "serverErrorsPerProjectPerHour": {"consumed": 0, "remaining": 10},
                "potentiallyThresholdedRequestsPerHour": {"consumed": 0, "remaining": 120},
                "tokensPerProjectPerHour": {"consumed": 12, "remaining": 13_988},
            }
        return Response(200, answer)


def _positive(value: object, name: str, *, default: int, allow_zero: bool = False) -> int:
    if value is None:
        return default
    try:
        number = int(str(value))
    except ValueError:
        raise ApiError("bad_request", f"{name} must be an integer, got {value!r}.") from None
    if number < 0 or (number == 0 and not allow_zero):
        raise ApiError("bad_request", f"{name} must be positive.")
    return number


def _range_day(value: object, today: dt.date) -> dt.date:
    text = str(value or "")
    if text == "today":
        return today
    if text == "yesterday":
        return today - dt.timedelta(days=1)
    ago = _DAYS_AGO.match(text)
    if ago:
        return today - dt.timedelta(days=int(ago.group(1)))
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ApiError("bad_request", f"Invalid date {text!r}: use YYYY-MM-DD, today, yesterday or NdaysAgo.") from None


def _number(value: float, kind: str) -> str:
    return str(int(round(value))) if kind == "TYPE_INTEGER" else f"{value:.2f}".rstrip("0").rstrip(".")
