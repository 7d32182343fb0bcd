"""One module per API family. Each family maps a request on its host(s) to a Response and renders errors in
its platform's own shape; `families()` lists them for the server."""

from __future__ import annotations

from pipelines.simulator.routes.base import ApiFamily


def families(feed_hosts: dict[str, dict[str, str]]) -> list[ApiFamily]:
    from pipelines.simulator.routes.feeds import FeedsApi
    from pipelines.simulator.routes.google_analytics import GoogleAnalyticsDataApi
    from pipelines.simulator.routes.linkedin import LinkedInApi
    from pipelines.simulator.routes.meta import MetaApi
    from pipelines.simulator.routes.tiktok import TikTokBusinessApi, TikTokOpenApi
    from pipelines.simulator.routes.trends import TrendsApi
    from pipelines.simulator.routes.x import XApi
    from pipelines.simulator.routes.youtube import YouTubeAnalyticsApi, YouTubeDataApi

    return [
        MetaApi(),
        XApi(),
        YouTubeDataApi(),
        YouTubeAnalyticsApi(),
        LinkedInApi(),
        TikTokBusinessApi(),
        TikTokOpenApi(),
        TrendsApi(),
        GoogleAnalyticsDataApi(),
        FeedsApi(feed_hosts),
    ]


__all__ = ["ApiFamily", "families"]
