"""Placeholder."""

from pipelines.simulator.core import ApiError, Request, Response
from pipelines.simulator.routes.base import ApiFamily


class TrendsApi(ApiFamily):
    name = "trends"
    hosts = ("trends.google.com",)

    def handle(self, req: Request) -> Response:
        raise ApiError("not_found", "not implemented yet")

    def render_error(self, req: Request, err: ApiError) -> Response:
        return Response(err.status or 404, {"error": err.message})
