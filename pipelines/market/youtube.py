"""YouTube Data API v3: competitor channels and videos, and search-based mention counts.

Reuses the YouTube platform client (`pipelines.platforms.youtube.YouTubeClient`) with the API key only: its
Data API session (Google error classification, `quotaExceeded` never retried), channel lookup, uploads-playlist
paging and video batching (50 ids per call).

- Profiles: `channels.list?part=snippet,statistics,contentDetails&id=UC...` (1 unit): subscriberCount (NULL
  when hidden; rounded to 3 significant figures by YouTube), videoCount, viewCount; no "following".
- Posts: uploads playlist (`playlistItems.list`, newest first) back to post_lookback_days, then `videos.list`:
  reactions = likeCount, comments = commentCount (NULL when hidden/disabled), views = viewCount, shares NULL
  (public data has no shares), content_type short/video by duration; hashtags from title + description.
- Mentions: `search.list?part=snippet&type=video&q=...&publishedAfter=<since>&publishedBefore=<until>&
  maxResults=50&order=date` per brand and local day (settings.timezone), since/until being the UTC instants
  that bound that day (`local_day_bounds`): `pageInfo.totalResults` is the day's count (YouTube's own estimate)
  and the first page's items are stored as mentions, each on the local day of its `publishedAt`. Every
  `metric_date` is thus a day of settings.timezone, like the own posts and the partitions.
  **Quota: search.list costs 100 units per call**
  (10,000 units a day per project): one brand-day = 100 units, so 5 brands cost 500 units a day and a backfill
  of N days N x 500 units; a window that would cost more than `max_units_per_run` is refused before any call
  (a clear ApiRateLimitError instead of a quotaExceeded half way).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

from pipelines.config.models import Account, Brand
from pipelines.errors import InputDataError
from pipelines.market import tables
from pipelines.market.base import MarketSource, Row
from pipelines.market.common import hashtags, matched_terms, mention_row, post_row, profile_row
from pipelines.market.matching import MentionMatcher
from pipelines.platforms.base import days_between
from pipelines.platforms.values import parse_time, require_field, to_count
from pipelines.platforms.youtube import YouTubeClient

API_BASES = {"data": "https://www.googleapis.com/youtube/v3"}
API_KEY = YouTubeClient.spec.credential("api_key").used_for(
    "Data API key for public channel, video and search reads (key=)", required=True
)
SEARCH_UNITS = 100
DAILY_UNITS = 10_000  # a project's default quota a day (search.list 100 units, list calls 1)
# What the other YouTube reads of a night spend per configured channel (channels, playlistItems, videos,
# commentThreads: about 3 units for a competitor's channel, 15-20 for a client's own, measured at scale 100), kept
# free of mention searches so that the night stays within the project's quota at any number of brands.
UNITS_RESERVED_PER_CHANNEL = 10


def youtube_query(brand: Brand) -> str:
    """search.list `q`: keywords, #hashtags and the channel @handle joined with | (OR), exclusions with -."""
    terms: list[str] = []
    handle = ["@" + brand.accounts["youtube"].handle.lstrip("@")] if "youtube" in brand.accounts else []
    for term in [*brand.keywords, *(f"#{t}" for t in brand.hashtags), *handle]:
        term = term.strip().replace('"', "")
        quoted = f'"{term}"' if " " in term else term
        if term and quoted not in terms:
            terms.append(quoted)
    if not terms:
        return ""
    excluded = "".join(' -"' + p.replace('"', "") + '"' for p in brand.exclude)
    return "|".join(terms) + excluded


class _YouTubeSource(MarketSource):
    api_bases: ClassVar[dict[str, str]] = API_BASES
    credentials = (API_KEY,)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.yt = self.delegate(YouTubeClient)


class YouTubeCompetitors(_YouTubeSource):
    name: ClassVar[str] = "youtube_competitors"
    group: ClassVar[str] = "competitors"
    title: ClassVar[str] = "YouTube: public channel statistics and recent videos of every brand (own brand included)"
    tables = (tables.competitor_profiles("youtube"), tables.competitor_posts("youtube"))

    def read(self, start: dt.date, end: dt.date) -> dict[str, list[Row]]:
        since, until = self.local_day_bounds(self.snapshot_lookback_start(end), end)

        def read_channel(brand: Brand, account: Account) -> tuple[Row, list[Row]]:
            channel = self.yt.channel(account)
            statistics = channel.get("statistics")
            if not isinstance(statistics, Mapping):
                self.warn(f"channel {account.id} of {brand.name} has no statistics; counts left NULL")
                statistics = {}
            hidden = statistics.get("hiddenSubscriberCount") is True
            profile = profile_row(
                brand,
                account.handle,
                account.id,
                end,
                followers=None if hidden else to_count(statistics.get("subscriberCount")),
                following=None,
                posts_count=to_count(statistics.get("videoCount")),
                total_views=to_count(statistics.get("viewCount")),
            )
            uploads = self.yt.uploads_playlist(account)
            video_ids = [v for v, published in self.yt.playlist_videos(uploads, since) if published < until]
            return profile, [self._post(brand, account.id, video, end) for video in self.yt.videos(video_ids)]

        # channels read side by side within YouTube's limit (MarketSource.each), results in the brands' order
        found = self.each_account(self.brands.accounts_on("youtube"), read_channel)
        profiles = [profile for profile, _ in found]
        posts = [post for _, videos in found for post in videos]
        return {self.tables[0].name: profiles, self.tables[1].name: posts}

    def _post(self, brand: Brand, channel_id: str, video: Mapping[str, Any], snapshot: dt.date) -> Row:
        video_id = str(require_field(self.name, video, "id", "a videos.list item"))
        snippet = video.get("snippet") if isinstance(video.get("snippet"), Mapping) else {}
        published = parse_time(require_field(self.name, snippet, "publishedAt", f"snippet of video {video_id}"))
        if published is None:
            raise InputDataError(f"{self.name}: video {video_id} has an unreadable snippet.publishedAt")
        statistics = video.get("statistics")
        if not isinstance(statistics, Mapping):
            self.warn("videos.list returned a video without 'statistics'; its counts are stored as NULL")
            statistics = {}
        title, description = snippet.get("title"), snippet.get("description")
        return post_row(
            brand,
            channel_id,
            video_id,
            published,
            snapshot,
            content_type=self.yt.content_type(video),
            caption=title,
            tags=hashtags(title, description),
            reactions=to_count(statistics.get("likeCount")),
            comments=to_count(statistics.get("commentCount")),
            shares=None,
            views=to_count(statistics.get("viewCount")),
        )


class YouTubeMentions(_YouTubeSource):
    name: ClassVar[str] = "youtube_mentions"
    group: ClassVar[str] = "mentions"
    title: ClassVar[str] = "YouTube: daily search result counts per brand (100 quota units per brand-day) and videos"
    tables = (tables.mention_counts("youtube"), tables.mentions("youtube"))
    max_units_per_run: ClassVar[int] = 8_000  # of the 10,000 daily units, leaving room for the channel reads

    def mention_units(self) -> int:
        """The quota units one run may spend on searches: at most `max_units_per_run`, and never what the night's
        channel reads need (`UNITS_RESERVED_PER_CHANNEL` per configured YouTube channel)."""
        channels = len(self.brands.accounts_on("youtube"))
        return max(0, min(self.max_units_per_run, DAILY_UNITS - UNITS_RESERVED_PER_CHANNEL * channels))

    def read(self, start: dt.date, end: dt.date) -> dict[str, list[Row]]:
        window = days_between(start, end)
        searching = [b for b in self.brands.brands if youtube_query(b)]
        budget = self.mention_units()
        searches = budget // SEARCH_UNITS
        reading = list(self.brands.brands)
        if searching and not searches:
            self.warn(
                f"the channel reads of {len(self.brands.accounts_on('youtube'))} YouTube channel(s) leave no quota "
                f"for mention searches (a project has {DAILY_UNITS:,} units a day); no YouTube mentions counted. "
                "Ask Google for more quota (YouTube API Services audit)."
            )
            return {self.tables[0].name: [], self.tables[1].name: []}
        if len(searching) > searches:
            # Not even one day of every brand fits the project's daily quota (an agency's hundreds of brands): the
            # last day of the client brands first, then their competitors, as many as fit (the same brands every
            # night, so their series stay whole); the others have no YouTube mention count for the day.
            fitting = sorted(searching, key=lambda b: not b.own)[:searches]
            left = [b.name for b in searching if b not in fitting]
            named = ", ".join(left[:5]) + (", ..." if len(left) > 5 else "")
            reading = [b for b in self.brands.brands if b in fitting or not youtube_query(b)]
            self.warn(
                f"{len(searching)} brand(s) would cost {len(searching) * SEARCH_UNITS:,} quota units a day "
                f"(search.list costs {SEARCH_UNITS} units a call; a project has {DAILY_UNITS:,} a day, {budget:,} of "
                f"them left for mentions after the channel reads): searched {len(fitting)} (client brands first) "
                f"for {window[-1]}; {len(left)} not searched ({named}). "
                "Ask Google for more quota (YouTube API Services audit) to count every brand."
            )
            window = window[-1:]
        affordable_days = searches // max(1, min(len(searching), searches))
        if len(window) > affordable_days:
            # A long backfill would exhaust the project's daily quota: read the most recent days that fit and
            # leave the older partitions as they are (the loader replaces only the days returned).
            skipped = window[: len(window) - affordable_days]
            window = window[len(window) - affordable_days :]
            self.warn(
                f"{len(skipped) + len(window)} day(s) x {len(searching)} brand(s) would cost "
                f"{(len(skipped) + len(window)) * len(searching) * SEARCH_UNITS:,} quota units (search.list costs "
                f"{SEARCH_UNITS} units a call; a project has 10,000 a day): read the last {len(window)} day(s) "
                f"({window[0]}..{window[-1]}); {skipped[0]}..{skipped[-1]} not read. Backfill older days in windows "
                f"of at most {affordable_days} day(s), one a day, or ask Google for more quota."
            )
        matcher = MentionMatcher(self.brands)

        def read_brand(brand: Brand) -> tuple[list[Row], dict[str, Row]]:
            query = youtube_query(brand)
            counts: list[Row] = []
            items: dict[str, Row] = {}
            if not query:
                self.warn(f"{brand.name} has no keywords or hashtags; no YouTube mentions counted")
                return counts, items
            for day in window:
                since, until = self.local_day_bounds(day, day)
                body = self.yt.data_get(
                    "search",
                    {
                        "part": "snippet",
                        "q": query,
                        "type": "video",
                        "order": "date",
                        "maxResults": 50,
                        "publishedAfter": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "publishedBefore": until.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    },
                    "search.list",
                    page=True,
                )
                page_info = body.get("pageInfo") if isinstance(body.get("pageInfo"), Mapping) else {}
                total = to_count(page_info.get("totalResults"))
                if total is None:
                    self.warn("search.list answered without pageInfo.totalResults; the day's count is left out")
                else:
                    counts.append({"brand": brand.name, "metric_date": day, "mention_count": total, "query": query})
                for item in body.get("items") or []:
                    row = self._mention(brand, item, matcher)
                    if row is not None and row["metric_date"] == day:
                        items.setdefault(row["mention_id"], row)
            return counts, items

        # brands searched side by side within YouTube's limit (MarketSource.each), results in the brands' order
        found = self.each(reading, read_brand, describe=lambda b: b.name)
        counts = [row for brand_counts, _ in found for row in brand_counts]
        mentions = [row for _, brand_items in found for row in brand_items.values()]
        return {self.tables[0].name: counts, self.tables[1].name: mentions}

    def _mention(self, brand: Brand, item: Any, matcher: MentionMatcher) -> Row | None:
        if not isinstance(item, Mapping):
            return None
        self.note_fields("search.list items", item, {"kind", "etag", "id", "snippet"})
        ident = item.get("id") if isinstance(item.get("id"), Mapping) else {}
        video_id = ident.get("videoId")
        snippet = item.get("snippet") if isinstance(item.get("snippet"), Mapping) else {}
        published = parse_time(snippet.get("publishedAt"))
        if not video_id or published is None:
            self.warn("search.list returned an item without id.videoId or snippet.publishedAt; left out")
            return None
        title, description = snippet.get("title"), snippet.get("description")
        return mention_row(
            brand.name,
            str(video_id),
            published,
            metric_date=self.local_date_of(published),
            text="\n".join(t for t in (title, description) if t) or None,
            author=snippet.get("channelTitle"),
            url=f"https://www.youtube.com/watch?v={video_id}",
            engagements=None,  # search results carry no statistics
            matched_terms=matched_terms(matcher, brand.name, title, description),
        )
