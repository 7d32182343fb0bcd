"""Placeholder."""

from pipelines.simulator.core import ApiError, Request, Response
from pipelines.simulator.routes.base import ApiFamily


class FeedsApi(ApiFamily):
    name = "feeds"

    def __init__(self, feed_hosts):
        self.hosts = tuple(feed_hosts)

    def handle(self, req: Request) -> Response:
        raise ApiError("not_found", "not implemented yet")

    def render_error(self, req: Request, err: ApiError) -> Response:
        return Response(404, "not found", content_type="text/plain")
