"""What Facebook Pages and Instagram share: the Meta Graph API's auth, errors, pacing, paging and insights shapes.

Both clients subclass `MetaGraphClient`; everything here follows the Graph API documentation summarized in
docs/reference (§1 of platform-apis.md):

* base URL `https://graph.facebook.com/{version}` with the version from `settings.api_versions.meta_graph`;
* the token travels as the documented `access_token` query parameter (the session redacts every URL it logs);
* errors are classified by `error.code`: 1/2 retried, 4/17/32/613/80001/80002 throttling (waited out:
  `estimated_time_to_regain_access` of X-Business-Use-Case-Usage when given, else Retry-After, else
  settings http.throttle.unknown_wait_seconds, within http.throttle.max_wait_seconds; longer, the account is
  deferred), 10/200-299 permission, 100 invalid parameter or metric (fails that one request: the caller decides),
  190 expired/invalid token; every error keeps Meta's code and message;
* usage headers (X-App-Usage, X-Page-Usage, X-Business-Use-Case-Usage) pace the client from
  http.throttle.slowdown_percent on (UsagePacer: a pause doubling while usage rises), so it stays below 100 %;
* list edges page with `paging.cursors.after` (guarded against a repeated cursor);
* the reads made once per post (`/{post-id}/insights`, `/{media-id}/comments`...) go out as Graph API batch
  requests (https://developers.facebook.com/docs/graph-api/batch-requests): `POST {root}/` with the form fields
  `access_token` and `batch`, a JSON list of at most BATCH_SIZE = 50 `{"method": "GET", "relative_url"}`; the
  answer lists one `{code, headers, body}` per request in order (null for one that timed out: sent again). Each
  request in a batch counts toward the rate limits as if sent alone, so each element is judged exactly like a
  single answer (the same classifier, the same UsagePacer fed with its usage headers, code 100 fallbacks, code
  190 failing the stream); a throttled, transient or unreadable element is sent again, the first of them alone
  through the session's retry loop (which waits as for any request). A batch never holds more calls than the
  usage headers leave room for below http.throttle.slowdown_percent; from there requests go one by one, paced.
  `batch_size = 1` on a client sends every request alone (the request-per-post path);
* insights come as `values[]` (`end_time` = the Pacific midnight closing the day the value belongs to) or
  `total_value` (Instagram's newer metrics); `since`/`until` are the Pacific day bounds of the platform clock.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit
from zoneinfo import ZoneInfo

import requests
from requests.structures import CaseInsensitiveDict

from pipelines.errors import InputDataError
from pipelines.http import ApiError, CursorGuard, ErrorVerdict, UsagePacer, retry_after_seconds
from pipelines.platforms.base import ClientContext, PlatformClient
from pipelines.platforms.values import require_field, require_time, to_count, to_number

GRAPH_BASE = "https://graph.facebook.com"
UTC = dt.UTC

RETRY_CODES = frozenset({1, 2})
THROTTLE_CODES = frozenset({4, 17, 32, 613, 80001, 80002})
INVALID_PARAMETER = 100
AUTH_CODE = 190
TOKEN_SUBCODES = {
    458: "the app is not installed for this user",
    459: "the user is checkpointed (log in to Facebook to unlock)",
    460: "the password changed",
    463: "the token expired",
    464: "the user is unconfirmed",
    467: "the token is invalid",
}
# code 100 subcodes that are about the object (not the metric): do not remember the metric as invalid.
OBJECT_SUBCODES = frozenset({33, 2108006})
USAGE_HEADERS = ("X-App-Usage", "X-Page-Usage", "X-Business-Use-Case-Usage")
INSIGHT_KEYS = frozenset({"name", "period", "values", "total_value", "title", "description", "id"})
# "Batch requests are limited to 50 requests per batch. Each call within the batch is counted separately for the
# purposes of calculating API call limits and resource limits." (developers.facebook.com/docs/graph-api/batch-requests)
BATCH_SIZE = 50


class GraphInvalidRequestError(ApiError):
    """Graph error code 100: invalid parameter, e.g. an insights metric the object or API no longer accepts."""

    def __init__(self, platform: str, detail: str, *, subcode: int | None, status: int | None, url: str) -> None:
        self.subcode, self.detail = subcode, detail
        super().__init__(platform, f"invalid parameter (code 100): {detail}", status=status, url=url)


@dataclass(frozen=True)
class GraphRead:
    """One GET of the Graph API: `path` under the version root with `params` (the token is added when sent),
    counted in the call statistics as `endpoint` (and as a page of data when `page`)."""

    path: str
    params: Mapping[str, Any]
    endpoint: str
    page: bool = False

    @property
    def relative_url(self) -> str:
        """The element's `relative_url` in a batch request: path and query, without the token (the batch's
        `access_token` form field applies to every element that has none)."""
        query = urlencode(dict(self.params))
        return self.path.lstrip("/") + (f"?{query}" if query else "")


@dataclass(frozen=True)
class InsightsRead:
    """The insights of one object: `/{object_id}/insights?metric=...` with `params`; refused metrics are
    remembered per `scope` (e.g. a media type)."""

    object_id: str
    metrics: tuple[str, ...]
    params: Mapping[str, Any]
    scope: str
    endpoint: str


# An element the batch did not answer usably (timed out, throttled, transient, unreadable): sent again.
_SEND_AGAIN = object()


# --- pure helpers (unit-tested) -----------------------------------------------------------------------


def batch_element_response(element: Mapping[str, Any], url: str) -> requests.Response:
    """One element of a batch answer (`{code, headers: [{name, value}], body: "<JSON string>"}`) as the
    requests.Response the same request sent alone would have given: the classifier and the pacer read it
    unchanged."""
    response = requests.Response()
    response.status_code = to_count(element.get("code")) or 0
    response.headers = CaseInsensitiveDict(
        {
            str(h["name"]): str(h.get("value", ""))
            for h in element.get("headers") or []
            if isinstance(h, Mapping) and h.get("name")
        }
    )
    body = element.get("body")
    text = body if isinstance(body, str) else "" if body is None else json.dumps(body)
    response._content = text.encode("utf-8")
    response.encoding = "utf-8"
    response.url = url
    return response


def graph_error(body: Any) -> dict[str, Any] | None:
    """The `error` object of a Graph answer, or None."""
    if isinstance(body, Mapping) and isinstance(body.get("error"), Mapping):
        return dict(body["error"])
    return None


def usage_percent(headers: Mapping[str, str]) -> tuple[float, float]:
    """(highest usage percent, longest estimated_time_to_regain_access in minutes) over the three usage headers."""
    highest, regain = 0.0, 0.0
    for name in USAGE_HEADERS:
        raw = headers.get(name)
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, TypeError):
            continue
        entries: list[Mapping[str, Any]] = []
        if name == "X-Business-Use-Case-Usage" and isinstance(data, Mapping):
            for value in data.values():
                if isinstance(value, list):
                    entries.extend(e for e in value if isinstance(e, Mapping))
        elif isinstance(data, Mapping):
            entries.append(data)
        for entry in entries:
            for key in ("call_count", "total_time", "total_cputime"):
                highest = max(highest, to_number(entry.get(key)) or 0.0)
            regain = max(regain, to_number(entry.get("estimated_time_to_regain_access")) or 0.0)
    return highest, regain


def end_time_day(end_time: Any, zone: ZoneInfo) -> dt.date:
    """The day a Graph insights value belongs to: `end_time` is the midnight (in Meta's reporting zone, expressed
    in UTC: `2026-05-02T07:00:00+0000` closes the Pacific 2026-05-01) that ends it."""
    moment = require_time("meta", end_time, "an insights end_time")
    return (moment - dt.timedelta(seconds=1)).astimezone(zone).date()


def series_by_day(metric: Mapping[str, Any], zone: ZoneInfo) -> dict[dt.date, Any]:
    """A `values[]` metric as {day of `zone`: value}; values without `end_time` (lifetime metrics) are skipped."""
    out: dict[dt.date, Any] = {}
    for entry in metric.get("values") or []:
        if isinstance(entry, Mapping) and entry.get("end_time"):
            out[end_time_day(entry["end_time"], zone)] = entry.get("value")
    return out


def latest_value(metric: Mapping[str, Any]) -> Any:
    """The value of a lifetime metric: `total_value.value`, else the last entry of `values[]`."""
    total = metric.get("total_value")
    if isinstance(total, Mapping) and "value" in total:
        return total["value"]
    values = [v for v in metric.get("values") or [] if isinstance(v, Mapping)]
    if not values:
        return None
    with_time = [v for v in values if v.get("end_time")]
    if with_time:
        return max(with_time, key=lambda v: require_time("meta", v["end_time"], "an insights end_time")).get("value")
    return values[-1].get("value")


def breakdown_results(metric: Mapping[str, Any]) -> list[tuple[tuple[str, ...], Any]]:
    """`total_value.breakdowns[].results[]` as (dimension values, value) pairs."""
    total = metric.get("total_value")
    if not isinstance(total, Mapping):
        return []
    out = []
    for breakdown in total.get("breakdowns") or []:
        for result in (breakdown or {}).get("results") or []:
            if isinstance(result, Mapping):
                out.append((tuple(str(v) for v in result.get("dimension_values") or []), result.get("value")))
    return out


def share_rows(
    account_id: str, snapshot_date: dt.date, dimension: str, counts: Mapping[str, int | None]
) -> list[dict[str, Any]]:
    """Audience rows of one dimension: the count and its share of the dimension's total."""
    total = sum(c for c in counts.values() if c)
    return [
        {
            "account_id": account_id,
            "snapshot_date": snapshot_date,
            "dimension": dimension,
            "dimension_value": value,
            "audience_count": count,
            "audience_share": (count / total) if total and count is not None else None,
        }
        for value, count in counts.items()
    ]


# --- the shared client --------------------------------------------------------------------------------


class MetaGraphClient(PlatformClient):
    """Graph API behaviour shared by FacebookClient and InstagramClient."""

    token_name = "access_token"  # the Credential.name of the spec
    permission_hint = ""  # the permissions a token needs, named in a permission error
    # Requests per Graph API batch request (at most BATCH_SIZE); 1 sends each per-post request alone.
    batch_size: int = BATCH_SIZE

    def __init__(self, context: ClientContext) -> None:
        super().__init__(context)
        self.version = self.settings.api_versions.meta_graph
        self.root = f"{self.base_url('graph')}/{self.version}"
        self._errors = threading.local()  # the last Graph error of each reading thread (see `last_error`)
        self._invalid_metrics: set[tuple[str, str]] = set()
        self.pacer = UsagePacer(self.settings.http.throttle)
        self._usage_step = 0.0  # the most a request inside a batch added to the usage headers (percent)
        self.session = self.new_session(credential=self.token_name, classify=self._classify, pace=self._pace)

    # -- HTTP ----------------------------------------------------------------------------------------------

    def _token(self) -> str:
        return self.require_credential(self.token_name)

    @property
    def last_error(self) -> dict[str, Any] | None:
        """The Graph `error` object of the last failed `graph_get` (None after a success), for callers that
        decide by error code (e.g. an unknown username in business_discovery). Per thread: accounts read
        concurrently each see their own."""
        return getattr(self._errors, "last", None)

    @last_error.setter
    def last_error(self, error: dict[str, Any] | None) -> None:
        self._errors.last = error

    def graph_get(
        self, path: str, params: Mapping[str, Any] | None = None, *, endpoint: str = "", page: bool = False
    ) -> dict[str, Any]:
        """GET `{root}/{path}` with the token; a code 100 answer raises GraphInvalidRequestError.

        `page=True` counts the answer as a page of data in the call statistics.
        """
        query = {**(params or {}), "access_token": self._token()}
        self.last_error = None
        try:
            body = self.session.get(
                f"{self.root}/{path.lstrip('/')}", params=query, endpoint=endpoint or path, page=page
            )
        except ApiError as exc:
            error = self.last_error or {}
            if type(exc) is ApiError and error.get("code") == INVALID_PARAMETER:
                raise self._invalid_request(error, exc.status, exc.url) from None
            raise
        if not isinstance(body, Mapping):
            raise InputDataError(
                f"{self.spec.name}: {endpoint or path} answered {type(body).__name__} instead of a JSON object; "
                "the API changed its format or a proxy answered. Re-run later."
            )
        return dict(body)

    def _invalid_request(self, error: Mapping[str, Any], status: int | None, url: str) -> GraphInvalidRequestError:
        return GraphInvalidRequestError(
            self.spec.name,
            self.context.redactor(str(error.get("message") or "no message")),
            subcode=to_count(error.get("error_subcode")),
            status=status,
            url=url,
        )

    def _get_one(self, read: GraphRead) -> dict[str, Any] | GraphInvalidRequestError:
        try:
            return self.graph_get(read.path, read.params, endpoint=read.endpoint, page=read.page)
        except GraphInvalidRequestError as exc:
            return exc

    # -- batch requests ------------------------------------------------------------------------------------

    def graph_get_many(self, reads: Sequence[GraphRead]) -> list[dict[str, Any] | GraphInvalidRequestError]:
        """The answers of `reads` in order, sent as Graph API batch requests of at most `batch_size`: each a JSON
        object, or the GraphInvalidRequestError (code 100) the request sent alone raises, so callers fall back
        as they do for one request. Any other error is raised as `graph_get` raises it (a code 190 element fails
        the stream with Meta's words); a throttled or transient element is sent again (see the module doc)."""
        results: list[Any] = [None] * len(reads)
        pending = list(range(len(reads)))
        while pending:
            size = self._batch_room()
            if size <= 1 or len(pending) == 1:
                first = pending.pop(0)
                results[first] = self._get_one(reads[first])
                continue
            chunk, pending = pending[:size], pending[size:]
            again = []
            for index, outcome in zip(chunk, self._send_batch([reads[i] for i in chunk]), strict=True):
                if outcome is _SEND_AGAIN:
                    again.append(index)
                else:
                    results[index] = outcome
            if again:  # the first alone through the session's loop (it waits out a throttle), the rest batched
                results[again[0]] = self._get_one(reads[again[0]])
                pending = again[1:] + pending
        return results

    def _batch_room(self) -> int:
        """How many requests the next batch may hold: `batch_size`, fewer when the usage headers near
        http.throttle.slowdown_percent (the calls of a batch must fit below it: Meta counts each), one from
        there on (one by one, each paced as without batches)."""
        size = max(1, min(int(self.batch_size), BATCH_SIZE))
        percent = self.pacer.last_percent
        if size == 1 or percent is None:
            return size
        headroom = self.settings.http.throttle.slowdown_percent - percent
        if headroom <= 0:
            return 1
        if self._usage_step > 0:
            size = min(size, int(headroom / self._usage_step))
        return max(1, size)

    def _send_batch(self, reads: Sequence[GraphRead]) -> list[Any]:
        """One batch request: each element's answer, or _SEND_AGAIN."""
        form = {
            "access_token": self._token(),
            "include_headers": "true",  # the elements' usage headers pace the client
            "batch": json.dumps([{"method": "GET", "relative_url": r.relative_url} for r in reads]),
        }
        self.last_error = None
        answer = self.session.post(f"{self.root}/", form=form, endpoint="batch")
        if not isinstance(answer, list) or len(answer) != len(reads):
            shown = f"a list of {len(answer)}" if isinstance(answer, list) else type(answer).__name__
            raise InputDataError(
                f"{self.spec.name}: a batch request of {len(reads)} answered {shown} instead of one element per "
                "request; the API changed its answer or a proxy answered. Re-run later."
            )
        outcomes: list[Any] = []
        pause = 0.0
        before, highest = self.pacer.last_percent, None
        for read, element in zip(reads, answer, strict=True):
            if element is None:  # timed out within the batch: "You can retry any unsuccessful request" (docs)
                self.session.count(retries=1)
                outcomes.append(_SEND_AGAIN)
                continue
            url = self.context.redactor(f"{self.root}/{read.relative_url}")
            if not isinstance(element, Mapping):
                raise InputDataError(
                    f"{self.spec.name}: a batch element for {read.endpoint} is {type(element).__name__}, not an "
                    "object {code, headers, body}; the API changed its answer."
                )
            response = batch_element_response(element, url)
            self.session.count(batched=1, endpoint=read.endpoint)
            self.last_error = None
            verdict, body, parse_error = self.session.judge(response)
            if verdict.kind == "ok":
                if parse_error is not None or not isinstance(body, Mapping):
                    self.session.count(retries=1)
                    outcomes.append(_SEND_AGAIN)  # alone, the session retries a bad body once, then says so
                    continue
                if read.page:
                    self.session.count(pages=1)
                pause += self._pace(response)  # every element's usage, in order, as if each came alone
                highest = max(highest or 0.0, usage_percent(response.headers)[0])
                outcomes.append(dict(body))
            elif verdict.kind in ("throttle", "retry"):
                self.session.count(retries=1, throttled=int(verdict.kind == "throttle"))
                outcomes.append(_SEND_AGAIN)
            elif verdict.kind == "fatal" and (self.last_error or {}).get("code") == INVALID_PARAMETER:
                outcomes.append(self._invalid_request(self.last_error or {}, response.status_code, url))
            else:
                raise self.session.error_for(verdict, response, url)
        if before is not None and highest is not None and highest > before:
            # What one request adds to the usage (Meta counts each of a batch): sizes the next batches.
            self._usage_step = max(self._usage_step, (highest - before) / len(reads))
        self.session.pause(pause)
        return outcomes

    def _classify(self, response: requests.Response, body: Any) -> ErrorVerdict | None:
        error = graph_error(body)
        if error is None:
            return None  # generic rules: 2xx ok, 429/5xx retried, 401/403...
        self.last_error = error
        code = to_count(error.get("code"))
        subcode = to_count(error.get("error_subcode"))
        message = str(error.get("message") or "").strip()
        detail = f"code {code}" + (f", subcode {subcode}" if subcode else "")
        words = f"{detail}: {message}" if message else detail
        if code == AUTH_CODE:
            reason = TOKEN_SUBCODES.get(subcode or 0, "the token was rejected")
            return ErrorVerdict("auth", f"{reason} ({words})", platform_message=words)
        if code in THROTTLE_CODES:
            percent, regain_minutes = usage_percent(response.headers)
            wait = regain_minutes * 60 if regain_minutes > 0 else retry_after_seconds(response)
            usage = f"; usage {percent:.0f} %" if percent else ""
            regain = f", access back in about {regain_minutes:.0f} min" if regain_minutes > 0 else ""
            return ErrorVerdict("throttle", f"throttled by Meta ({words}{usage}{regain})", wait, words)
        if code in RETRY_CODES or error.get("is_transient") is True:
            return ErrorVerdict("retry", f"transient Graph error ({words})", retry_after_seconds(response), words)
        if code is not None and (code == 10 or 200 <= code <= 299):
            env_var = self.credential_env_var(self.token_name)
            return ErrorVerdict(
                "permission",
                f"permission missing ({words}). The token needs {self.permission_hint}; grant it in the "
                f"app and issue a new token in {env_var}.",
                platform_message=words,
            )
        if code == INVALID_PARAMETER:
            return ErrorVerdict("fatal", f"invalid parameter ({words})", platform_message=words)
        if response.status_code == 429 or response.status_code >= 500:
            return None  # generic rules (Retry-After honoured); the body's words are kept
        return ErrorVerdict("fatal", f"request rejected ({words})", platform_message=words)

    def _pace(self, response: requests.Response) -> float:
        """Pause after a call while Meta's usage headers are near 100 % (see UsagePacer)."""
        percent, regain_minutes = usage_percent(response.headers)
        return self.pacer.pause_after(percent, regain_minutes * 60 if regain_minutes > 0 else None)

    # -- Meta's days: the platform clock -------------------------------------------------------------------

    def day_range_params(self, first: dt.date, last: dt.date) -> dict[str, int]:
        """`since`/`until` (unix seconds) of Meta's reporting days [first, last]: their Pacific bounds."""
        since, until = self.clock.day_bounds(first, last)
        return {"since": int(since.timestamp()), "until": int(until.timestamp())}

    def values_by_day(self, metric: Mapping[str, Any]) -> dict[dt.date, Any]:
        """A `values[]` insights metric as {Meta reporting day: value}."""
        return series_by_day(metric, self.clock.zone)

    # -- listings ------------------------------------------------------------------------------------------

    def paginate(self, path: str, params: Mapping[str, Any], *, listing: str) -> Iterator[list[dict[str, Any]]]:
        """Pages of `data` of a list edge, following `paging.cursors.after` while `paging.next` is present.

        The cursor is sent as `after=` to the configured base URL (the documented alternative to following
        `paging.next`), so every call goes to the injected base URL and the token stays a parameter we control.
        """
        guard = CursorGuard(self.spec.name, listing)
        query: dict[str, Any] | None = dict(params)
        while query is not None:
            body = self.graph_get(path, query, endpoint=listing, page=True)
            yield self._page_items(body, listing)
            query = self._next_page(body, query, guard, listing)

    def paginate_many(
        self, paths: Sequence[str], params: Mapping[str, Any], *, listing: str
    ) -> list[list[dict[str, Any]]]:
        """Every item of the list edge `path` (e.g. `{post-id}/comments`) for each of `paths`, in order: the
        first pages of all of them in batch requests, then the next pages of those that have more, and so on
        (each followed by its `after` cursor, as `paginate` does; a code 100 answer is raised)."""
        items: list[list[dict[str, Any]]] = [[] for _ in paths]
        guards = [CursorGuard(self.spec.name, listing) for _ in paths]
        pending: list[tuple[int, dict[str, Any]]] = [(i, dict(params)) for i in range(len(paths))]
        while pending:
            reads = [GraphRead(paths[i], query, listing, page=True) for i, query in pending]
            following: list[tuple[int, dict[str, Any]]] = []
            for (i, query), body in zip(pending, self.graph_get_many(reads), strict=True):
                if isinstance(body, GraphInvalidRequestError):
                    raise body
                items[i].extend(self._page_items(body, listing))
                after = self._next_page(body, query, guards[i], listing)
                if after is not None:
                    following.append((i, after))
            pending = following
        return items

    def _page_items(self, body: Mapping[str, Any], listing: str) -> list[dict[str, Any]]:
        data = body.get("data")
        if not isinstance(data, list):
            raise InputDataError(
                f"{self.spec.name}: {listing} answered without a 'data' list (keys: {sorted(body)[:8]}); "
                "the API changed its answer."
            )
        return [item for item in data if isinstance(item, Mapping)]

    def _next_page(
        self, body: Mapping[str, Any], query: Mapping[str, Any], guard: CursorGuard, listing: str
    ) -> dict[str, Any] | None:
        """The query of the next page (its `after` cursor), None after the last."""
        paging = body.get("paging") if isinstance(body.get("paging"), Mapping) else {}
        if not paging.get("next"):
            return None
        cursor = (paging.get("cursors") or {}).get("after") or _query_value(str(paging["next"]), "after")
        if not cursor:
            self.warn(f"{listing}: paging.next has no 'after' cursor; stopped after {guard.pages + 1} page(s)")
            return None
        return {**query, "after": guard.next(cursor)}

    def posts_in_days(
        self,
        path: str,
        params: Mapping[str, Any],
        *,
        listing: str,
        item_name: str,
        time_field: str,
        known_fields: Iterable[str],
        published_from: dt.date,
        published_to: dt.date,
    ) -> list[dict[str, Any]]:
        """The items of a newest-first post edge (`published_posts`, `media`) published on the local days
        [published_from, published_to] (settings.timezone), by their `time_field`.

        Pages are read until one holds only items older than the window. An item without `id` or `time_field`
        is an InputDataError naming `item_name`; a field not in `known_fields` is warned about once.
        """
        what = f"a {item_name}"
        posts: list[dict[str, Any]] = []
        for page in self.paginate(path, params, listing=listing):
            older = 0
            for item in page:
                self.note_fields(f"{listing} items", item, known_fields)
                require_field(self.spec.name, item, "id", what)
                published = require_time(self.spec.name, require_field(self.spec.name, item, time_field, what), what)
                day = self.local_date_of(published)
                if day < published_from:
                    older += 1
                elif day <= published_to:
                    posts.append(item)
            if page and older == len(page):
                break  # newest first: the rest is older than the window
        return posts

    # -- insights ------------------------------------------------------------------------------------------

    def insights(
        self,
        object_id: str,
        metrics: Iterable[str],
        params: Mapping[str, Any] | None = None,
        *,
        scope: str,
        endpoint: str,
    ) -> dict[str, dict[str, Any]]:
        """Metric objects by name from `/{object_id}/insights` (see `insights_many`); a request for a single
        metric that is refused raises GraphInvalidRequestError (already warned about)."""
        wanted = tuple(m for m in metrics if (scope, m) not in self._invalid_metrics)
        read = InsightsRead(object_id, wanted, dict(params or {}), scope, endpoint)
        refused: list[GraphInvalidRequestError] = []
        answered = self.insights_many([read], refused=refused)[0] if wanted else {}
        if len(wanted) == 1 and refused:
            raise refused[0]
        return answered

    def insights_many(
        self, reads: Sequence[InsightsRead], *, refused: list[GraphInvalidRequestError] | None = None
    ) -> list[dict[str, dict[str, Any]]]:
        """Metric objects by name for each read, its requests sent in batches (`graph_get_many`).

        A code 100 (invalid metric, e.g. a deprecated name or one the media type does not support) on a request
        for several metrics is retried metric by metric, so one refused metric never loses the others; a metric
        refused on its own is remembered for the read's `scope` (e.g. a media type), left out of later requests
        and warned about once. Refusals of single-metric requests are appended to `refused`.
        """
        out: list[dict[str, dict[str, Any]]] = [{} for _ in reads]
        pending = [(i, read.metrics) for i, read in enumerate(reads)]
        later: list[tuple[int, tuple[str, ...]]] = []  # refused requests waiting for what a fallback learns
        while pending or later:
            if not pending:
                pending, later = later, []
            asked = []
            for i, metrics in pending:
                wanted = tuple(m for m in metrics if (reads[i].scope, m) not in self._invalid_metrics)
                if wanted:
                    asked.append((i, wanted))
            requests_ = [
                GraphRead(
                    f"{reads[i].object_id}/insights", {**reads[i].params, "metric": ",".join(wanted)}, reads[i].endpoint
                )
                for i, wanted in asked
            ]
            pending = []
            falling_back: set[str] = set()
            for (i, wanted), body in zip(asked, self.graph_get_many(requests_), strict=True):
                read = reads[i]
                if not isinstance(body, GraphInvalidRequestError):
                    out[i].update(self._metric_objects(read, body))
                elif len(wanted) == 1:
                    self._refused(read, wanted[0], body)
                    if refused is not None:
                        refused.append(body)
                elif read.scope not in falling_back:
                    # Metric by metric for one object of the scope (as a request alone would); the others of the
                    # scope are asked again once the metrics it refused are known, without them.
                    falling_back.add(read.scope)
                    pending.extend((i, (metric,)) for metric in wanted)
                else:
                    later.append((i, wanted))
        return out

    def _refused(self, read: InsightsRead, metric: str, exc: GraphInvalidRequestError) -> None:
        """A single-metric request answered code 100: the object refuses insights (warned, metrics NULL) or the
        metric is invalid for the scope (remembered and warned about once)."""
        if exc.subcode in OBJECT_SUBCODES or "metric" not in exc.detail.lower():
            self.warn(f"{read.endpoint}: {read.object_id} refused insights (code 100: {exc.detail}); metrics left NULL")
        else:
            self._invalid_metrics.add((read.scope, metric))
            self.warn(
                f"{read.endpoint}: metric '{metric}' refused for {read.scope} (code 100: {exc.detail}); left NULL"
            )

    def _metric_objects(self, read: InsightsRead, body: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        data = body.get("data")
        if not isinstance(data, list):
            raise InputDataError(
                f"{self.spec.name}: {read.endpoint} of {read.object_id} answered without a 'data' list "
                f"(keys: {sorted(body)[:8]}); the API changed its answer."
            )
        out = {}
        for item in data:
            if isinstance(item, Mapping) and item.get("name"):
                self.note_fields(f"{read.endpoint} metric objects", item, INSIGHT_KEYS)
                out[str(item["name"])] = dict(item)
        return out

    def lifetime_counts(
        self,
        object_id: str,
        columns: Mapping[str, str],
        params: Mapping[str, Any] | None = None,
        *,
        scope: str,
        endpoint: str,
        missing: Counter[str],
    ) -> dict[str, int | None]:
        """Lifetime insight counts of one object (see `lifetime_counts_many`)."""
        return self.lifetime_counts_many([(object_id, columns, scope)], params, endpoint=endpoint, missing=missing)[0]

    def lifetime_counts_many(
        self,
        objects: Sequence[tuple[str, Mapping[str, str], str]],
        params: Mapping[str, Any] | None = None,
        *,
        endpoint: str,
        missing: Counter[str],
    ) -> list[dict[str, int | None]]:
        """Lifetime insight counts by column of each `(object_id, {metric: column}, scope)` (posts, media items),
        read in batch requests.

        A metric absent from an answer counts in `missing` ("insights {metric}"), unless it was refused for the
        object's scope (already warned about once).
        """
        reads = [
            InsightsRead(oid, tuple(columns), dict(params or {}), scope, endpoint) for oid, columns, scope in objects
        ]
        answers = self.insights_many(reads)
        out: list[dict[str, int | None]] = []
        for (_, columns, scope), answered in zip(objects, answers, strict=True):
            values: dict[str, int | None] = {}
            for api, column in columns.items():
                if api in answered:
                    values[column] = to_count(latest_value(answered[api]))
                elif not self.is_refused(scope, api):
                    missing[f"insights {api}"] += 1
            out.append(values)
        return out

    def is_refused(self, scope: str, metric: str) -> bool:
        """Whether `metric` was answered "invalid metric" for `scope` (already warned about)."""
        return (scope, metric) in self._invalid_metrics

    def insights_or_empty(self, *args: Any, **kwargs: Any) -> dict[str, dict[str, Any]]:
        """`insights()`, with a refused single-metric request (already warned about) giving no metrics."""
        try:
            return self.insights(*args, **kwargs)
        except GraphInvalidRequestError:
            return {}


def _query_value(url: str, key: str) -> str | None:
    values = parse_qs(urlsplit(url).query).get(key)
    return values[0] if values else None
