"""The interface every API family implements."""

from __future__ import annotations

import math
import re
import time

from pipelines.simulator.core import ApiError, Request, Response
from pipelines.simulator.faults import Fault


class ApiFamily:
    name = ""
    hosts: tuple[str, ...] = ()
    token_keys: tuple[str, ...] = ()

    def handle(self, req: Request) -> Response:
        raise NotImplementedError

    def render_error(self, req: Request, err: ApiError) -> Response:
        raise NotImplementedError

    def batch_requests(self, req: Request) -> list[dict[str, str]] | Response | None:
        """The requests of a batch request as [{"path", "query", ...}] for the server to answer one by one, an
        error Response for a malformed batch, None when `req` is no batch (the family has none)."""
        return None

    def batch_element(self, resp: Response, element: dict[str, str]) -> object:
        """One request's answer as an element of the batch answer."""
        raise NotImplementedError

    def decorate(self, req: Request, resp: Response) -> None:
        """Add the family's usual headers (rate-limit, usage) to every response."""

    def fault_error(self, req: Request, fault: Fault) -> Response:
        """The response for a `status` or `expired_token` fault, in the platform's shape."""
        if fault.kind == "expired_token":
            return self.render_error(req, ApiError("expired_token", "access token expired"))
        status = int(fault.opts.get("status", 500))
        kind = {429: "rate_limit", 400: "bad_request", 401: "invalid_token", 403: "forbidden", 404: "not_found"}.get(
            status, "server_error"
        )
        message = str(fault.opts.get("message") or self.default_messages.get(kind, ""))
        options = {k: v for k, v in fault.opts.items() if k not in ("status", "message")}
        err = ApiError(kind, message, status=status, **options)
        resp = self.render_error(req, err)
        if kind == "rate_limit" and "Retry-After" not in resp.headers and self.uses_retry_after:
            resp.headers["Retry-After"] = str(int(fault.opts.get("retry_after", 1)))
        return resp

    def throttle_error(self, req: Request, seconds_left: float, code: object | None) -> Response:
        """The platform's answer while it throttles (a `throttle` fault, a full usage window): its rate-limit
        answer, saying how long it lasts where the platform does (Retry-After, x-rate-limit-reset)."""
        wait = max(1, math.ceil(seconds_left))
        extra = {"code": int(code)} if code is not None else {}
        resp = self.render_error(req, ApiError("rate_limit", status=429, retry_after=wait, **extra))
        if "Retry-After" not in resp.headers and self.uses_retry_after:
            resp.headers["Retry-After"] = str(wait)
        return resp

    uses_retry_after = True
    # The message of a `status` fault without a `message` option, per generic error kind (the family's words).
    default_messages: dict[str, str] = {}

    def check_token(self, req: Request, *candidates: str | None, key: str | None = None) -> None:
        """Raise invalid_token unless one of `candidates` is the accepted token for `key`."""
        accepted = req.ctx.tokens[key or self.token_keys[0]]
        given = [c for c in candidates if c]
        if not given:
            raise ApiError("missing_token", "no access token given")
        if accepted not in given:
            raise ApiError("invalid_token", "invalid access token")


class Router:
    """Tiny path router: patterns like `/{version}/{id}/insights` with named segments."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], str, object]] = []

    def add(self, method: str, pattern: str, handler: object, template: str | None = None) -> None:
        regex = "^" + re.sub(r"\{([a-z_]+)\}", r"(?P<\1>[^/]+)", pattern) + "/?$"
        self._routes.append((method, re.compile(regex), template or pattern, handler))

    def match(self, method: str, path: str) -> tuple[object, dict[str, str], str] | None:
        for m, regex, template, handler in self._routes:
            found = regex.match(path)
            if found and (m == method or m == "*"):
                return handler, found.groupdict(), template
        return None


def now_epoch() -> int:
    return int(time.time())
