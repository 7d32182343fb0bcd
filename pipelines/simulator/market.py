"""Market data of the simulated world: brand mentions (X, YouTube, TikTok), trending searches, search interest
and news/blog feed entries. Ground truth (`is_mention`, `sentiment`) is decided when an item is generated, so tests
can check that clients count exactly the true mentions (including the tricky non-mentions such as "kopi arabika").

Every true mention has a tone (positive, neutral or negative, drawn with TONE_WEIGHTS from its own random stream,
so counts, ids and authors stay what they were) and a text written in that tone. One crisis is planted
(`planted_crisis()`): on CRISIS_DAYS UTC days, CRISIS_OFFSET_DAYS before the simulator's first today
(`World.drop_anchor`, so it stays put when the clock moves), the own brand gets CRISIS_FACTOR times its usual
mentions on top, all negative (complaints about a contaminated drink), on every source.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipelines.simulator import randomness as rnd

if TYPE_CHECKING:
    from pipelines.simulator.world import World

UTC = dt.UTC
MENTION_SOURCES = ("x", "youtube", "tiktok")
MENTION_RATE = {"x": 9.0, "youtube": 0.35, "tiktok": 2.2}  # per day for a brand with 10k followers in total
MENTION_WEEKLY = {
    "x": (1.05, 1.05, 1.0, 1.0, 1.0, 0.95, 0.95),
    "youtube": (0.9, 0.9, 0.95, 1.0, 1.05, 1.1, 1.1),
    "tiktok": (0.95, 0.95, 1.0, 1.0, 1.05, 1.1, 1.1),
}
MENTION_TEMPLATES = (
    "Ngopi sore di {term} enak banget",
    "Just tried {term} and honestly loved it!",
    "Antrian {term} hari ini panjang sekali",
    "{term} new seasonal menu is fire",
    "Review jujur: {term} worth it gak?",
    "Café crème à la {term}, très bon",
    "今日は {term} でコーヒーを飲んだ",
    "Meeting di {term} lagi, wifinya kencang",
)
TONES = ("positive", "neutral", "negative")
TONE_WEIGHTS = (0.45, 0.40, 0.15)
TONE_TEMPLATES = {
    "positive": (
        "Ngopi sore di {term} enak banget",
        "Just tried {term} and honestly loved it!",
        "{term} new seasonal menu is fire",
        "Meeting di {term} lagi, wifinya kencang dan tempatnya nyaman",
        "Latte aren di {term} mantap, bakal balik lagi",
        "Staff {term} ramah banget hari ini 😊",
        "Best iced coffee in town is at {term}",
        "Gak nyesel nyobain menu baru {term} 😍",
    ),
    "neutral": (
        "Review jujur: {term} worth it gak?",
        "今日は {term} でコーヒーを飲んだ",
        "Antrian {term} hari ini panjang sekali",
        "Ada yang tau {term} buka jam berapa?",
        "Lagi nunggu pesanan di {term}",
        "Heading to {term} after work",
        "{term} opens a new store next month",
        "Promo {term} minggu ini, ada yang mau titip?",
    ),
    "negative": (
        "Kecewa sama {term}, pesanan salah lagi",
        "{term} makin mahal tapi rasanya makin hambar",
        "Waited 40 minutes at {term}, terrible service",
        "Pelayanan {term} lambat banget hari ini 😡",
        "Never again {term}, the coffee was burnt",
        "Es kopi susu dari {term} kemanisan, gak enak",
    ),
}
CRISIS_TEMPLATES = (
    "Boikot {term}! Ada kecoa di minuman saya 🤮",
    "{term} penipu, voucher gak bisa dipakai dan CS gak bales",
    "Disgusting, found a cockroach in my {term} drink",
    "Parah {term}, keracunan setelah minum es kopinya",
    "{term} please explain, so many people got sick 😡",
    "Jangan beli di {term} dulu, banyak yang sakit perut",
)
CRISIS_OFFSET_DAYS = 4
CRISIS_DAYS = 2
CRISIS_FACTOR = 2.5
NOISE_TEMPLATES = (
    "Harga {term} naik lagi bulan ini",
    "Info: {term} terbaru, cek di sini",
    "Best recipe ever: {term}",
)
FANS = (
    "kopilovers",
    "rina_ngopi",
    "budi.s",
    "coffee_hunter_id",
    "dimas92",
    "sari.coffee",
    "jktfoodie",
    "latte.art.id",
    "andi_pratama",
    "mbak_kopi",
    "beanbrain",
    "ngopi.terus",
    "yuki_tokyo",
    "hafiz.my",
)
REGIONS = ("ID", "ID", "ID", "ID", "MY", "SG", "US", "JP")


@dataclass(frozen=True)
class MentionCategory:
    """A way a brand is (or seems to be) mentioned: one keyword, hashtag, handle or excluded phrase."""

    brand: str
    kind: str  # keyword | hashtag | handle | noise
    term: str  # as written in texts: "Kopi Nusantara", "#kopinusantara", "@kopinusantara", "kopi arabika"
    tone: str | None = None  # every mention of the group has this tone (the planted crisis: negative)

    @property
    def is_mention(self) -> bool:
        return self.kind != "noise"


@dataclass(frozen=True)
class Mention:
    """A post by someone else that mentions (or, when `is_mention` is false, only seems to mention) a brand."""

    source: str
    brand: str
    mention_id: str
    created_at: dt.datetime
    text: str
    author: str
    author_id: str
    url: str
    term: str
    is_mention: bool
    region_code: str
    views: int
    likes: int
    comments: int
    shares: int
    quotes: int = 0
    sentiment: str = "neutral"  # ground truth: positive | neutral | negative (look-alikes: neutral)


@dataclass(frozen=True)
class NewsItem:
    title: str
    snippet: str
    url: str
    picture: str
    source: str


@dataclass(frozen=True)
class TrendItem:
    rank: int
    title: str
    approx_traffic: str
    traffic: int
    published_at: dt.datetime
    picture: str
    picture_source: str
    news: tuple[NewsItem, ...]


@dataclass(frozen=True)
class FeedEntry:
    feed: str
    entry_id: str
    title: str
    link: str
    published_at: dt.datetime
    summary: str
    author: str
    tags: tuple[str, ...]
    mentioned_brands: tuple[str, ...] = field(default=())


# ---------------------------------------------------------------------- query matching
def term_pattern(term: str) -> re.Pattern[str]:
    """Case-insensitive whole-word match of a keyword, #hashtag or @handle."""
    return re.compile(r"(?<![\w#@])" + re.escape(term) + r"(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Query:
    """A search query reduced to OR-groups of AND-ed terms plus excluded terms.

    Handles the usual forms `("Kopi Nusantara" OR #kopinusantara OR @kopinusantara) -"kopi arabika" -is:retweet`
    (X), `kopi nusantara|#kopinusantara` (YouTube). Operators with a colon (lang:, is:, conversation_id:) take no
    part in text matching; `operators` keeps them, one tuple per OR-group in the query's order (a negated one with
    its `-`), for the routes that serve an operator themselves (X's `conversation_id:`).
    """

    groups: tuple[tuple[str, ...], ...]
    excluded: tuple[str, ...]
    operators: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def parse(cls, text: str) -> Query:
        tokens = re.findall(r'-?"[^"]*"|\||[()]|[^\s()|]+', text or "")
        groups: list[list[str]] = [[]]
        operators: list[list[str]] = [[]]
        excluded: list[str] = []
        for tok in tokens:
            if tok in ("(", ")"):
                continue
            if tok in ("OR", "|"):
                groups.append([])
                operators.append([])
                continue
            if tok == "AND":
                continue
            negative = tok.startswith("-") and len(tok) > 1
            term = tok[1:] if negative else tok
            quoted = term.startswith('"')
            term = term.strip('"')
            if not term:
                continue
            if ":" in term and not term.startswith(("#", "@")):
                if not quoted:
                    operators[-1].append(tok)
                continue
            (excluded if negative else groups[-1]).append(term)
        return cls(tuple(tuple(g) for g in groups if g), tuple(excluded), tuple(tuple(o) for o in operators))

    def matches(self, text: str) -> bool:
        return _query_matches(self, text)

    def _matches(self, text: str) -> bool:
        if not any(all(term_pattern(t).search(text) for t in g) for g in self.groups):
            return False
        return not any(term_pattern(t).search(text) for t in self.excluded)


@functools.lru_cache(maxsize=65536)
def _query_matches(query: Query, text: str) -> bool:
    return query._matches(text)


# ---------------------------------------------------------------------- mentions
class Market:
    """Mentions, trends, interest and feeds for one `World`."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._counts: dict[tuple[str, str, dt.date], list[tuple[MentionCategory, int]]] = {}
        self._items: dict[tuple[str, str, dt.date], list[Mention]] = {}
        self._feeds: dict[str, list[FeedEntry]] = {}
        self._brand_by_term: dict[str, str] | None = None

    @property
    def seed(self) -> int:
        return self.world.seed

    def categories(self, brand: str, source: str) -> list[tuple[MentionCategory, float]]:
        """(category, weight) pairs; noise categories have weight relative to the true mention rate."""
        b = self.world.brand(brand)
        cats: list[tuple[MentionCategory, float]] = []
        for kw in b.keywords or [b.name]:
            cats.append((MentionCategory(brand, "keyword", kw), 0.5 / max(1, len(b.keywords))))
        for tag in b.hashtags:
            cats.append((MentionCategory(brand, "hashtag", "#" + tag), 0.3 / len(b.hashtags)))
        account = b.accounts.get(source) or next(iter(b.accounts.values()), None)
        if account is not None:
            cats.append((MentionCategory(brand, "handle", "@" + account.handle.lstrip("@")), 0.2))
        for phrase in b.exclude:
            cats.append((MentionCategory(brand, "noise", phrase), 0.25 / len(b.exclude)))
        return cats

    def brand_size(self, brand: str) -> float:
        b = self.world.brand(brand)
        from pipelines.simulator.world import ANCHOR

        if not b.accounts:
            return 50_000 * self.world.brand_scale(brand)
        return sum(self.world.reference_followers(brand, p, ANCHOR) for p in b.accounts)

    def expected_mentions(self, brand: str, source: str, day: dt.date) -> float:
        from pipelines.simulator.world import ANCHOR

        t = (day - ANCHOR).days
        growth = 0.0025 if brand == self.world.gaining_competitor_name else 0.0003
        viral = self.world.viral_days(brand)
        spike = 4.0 if day in viral else 2.0 if day - dt.timedelta(days=1) in viral else 1.0
        base = MENTION_RATE[source] * (self.brand_size(brand) / 10_000) ** 0.8
        return base * math.exp(growth * t) * MENTION_WEEKLY[source][day.weekday()] * spike

    def planted_crisis(self) -> tuple[str, dt.date, dt.date]:
        """(brand, first day, last day; UTC days): a burst of negative mentions of the own brand."""
        start = self.world.drop_anchor - dt.timedelta(days=CRISIS_OFFSET_DAYS)
        return self.world.own_brand.name, start, start + dt.timedelta(days=CRISIS_DAYS - 1)

    def mention_groups(self, brand: str, source: str, day: dt.date) -> list[tuple[MentionCategory, int]]:
        key = (brand, source, day)
        found = self._counts.get(key)
        if found is None:
            r = rnd.rng(self.seed, "mentions", brand, source, day)
            lam = self.expected_mentions(brand, source, day) * rnd.lognormal(r, 0.2)
            cats = self.categories(brand, source)
            true = [(c, w) for c, w in cats if c.is_mention]
            noise = [(c, w) for c, w in cats if not c.is_mention]
            counts = rnd.split(r, rnd.poisson(r, lam), [w for _, w in true])
            found = [(c, n) for (c, _), n in zip(true, counts, strict=True)]
            for c, w in noise:
                found.append((c, rnd.poisson(r, lam * w)))
            crisis_brand, first, last = self.planted_crisis()
            if brand == crisis_brand and first <= day <= last and true:
                burst = rnd.rng(self.seed, "crisis", brand, source, day)
                term = true[0][0].term
                found.append(
                    (MentionCategory(brand, "keyword", term, tone="negative"), rnd.poisson(burst, lam * CRISIS_FACTOR))
                )
            self._counts[key] = found
        return found

    def mention_count(self, brand: str, source: str, day: dt.date) -> int:
        """Ground truth: true mentions of `brand` on `source` on `day` (noise excluded)."""
        return sum(n for c, n in self.mention_groups(brand, source, day) if c.is_mention)

    def mention_items(self, brand: str, source: str, day: dt.date) -> list[Mention]:
        """Every item of the day that contains one of the brand's terms (true mentions and look-alikes)."""
        key = (brand, source, day)
        found = self._items.get(key)
        if found is not None:
            return found
        r = rnd.rng(self.seed, "mention-items", brand, source, day)
        tones = rnd.rng(self.seed, "mention-tone", brand, source, day)  # its own stream: r's draws stay as they were
        start = dt.datetime.combine(day, dt.time(0), UTC)
        items: list[Mention] = []
        for cat, n in self.mention_groups(brand, source, day):
            for j in range(n):
                created = start + dt.timedelta(seconds=r.randrange(86_400))
                templates = MENTION_TEMPLATES if cat.is_mention else NOISE_TEMPLATES
                text = r.choice(templates).format(term=cat.term)
                sentiment = "neutral"
                if cat.is_mention:
                    sentiment = cat.tone or rnd.weighted(tones, TONES, TONE_WEIGHTS)
                    pool = CRISIS_TEMPLATES if cat.tone else TONE_TEMPLATES[sentiment]
                    text = tones.choice(pool).format(term=cat.term)
                author = r.choice(FANS)
                views = int(200 * rnd.lognormal(r, 1.2))
                likes = int(views * 0.04 * rnd.lognormal(r, 0.5))
                parts = (self.seed, "mention", brand, source, day, cat.term, j) + (("crisis",) if cat.tone else ())
                items.append(
                    Mention(
                        source=source,
                        brand=brand,
                        mention_id=self._mention_id(source, created, parts),
                        created_at=created,
                        text=text,
                        author=author,
                        author_id=rnd.digits(author, length=12),
                        url="",
                        term=cat.term,
                        is_mention=cat.is_mention,
                        region_code=r.choice(REGIONS),
                        views=views,
                        likes=likes,
                        comments=int(likes * 0.1 * r.random()),
                        shares=int(likes * 0.08 * r.random()),
                        quotes=int(likes * 0.02 * r.random()),
                        sentiment=sentiment,
                    )
                )
        items = [self._with_url(m) for m in items]
        items.sort(key=lambda m: (m.created_at, m.mention_id))
        self._items[key] = items
        return items

    @staticmethod
    def _mention_id(source: str, created: dt.datetime, parts: tuple) -> str:
        if source == "x":
            ms = int(created.timestamp() * 1000)
            return str(((ms - 1288834974657) << 22) | (rnd.integer(*parts) % (1 << 22)))
        if source == "youtube":
            return rnd.token(*parts, length=11)
        return "7" + rnd.digits(*parts, length=18)

    @staticmethod
    def _with_url(m: Mention) -> Mention:
        url = {
            "x": f"https://x.com/{m.author}/status/{m.mention_id}",
            "youtube": f"https://www.youtube.com/watch?v={m.mention_id}",
            "tiktok": f"https://www.tiktok.com/@{m.author}/video/{m.mention_id}",
        }[m.source]
        return Mention(**{**m.__dict__, "url": url})

    def mentions(self, brand: str, source: str, start: dt.date, end: dt.date) -> list[Mention]:
        """Ground truth: true mentions in [start, end] (UTC days)."""
        out = []
        day = start
        while day <= end:
            out.extend(m for m in self.mention_items(brand, source, day) if m.is_mention)
            day += dt.timedelta(days=1)
        return out

    def query_count(self, query: Query, source: str, day: dt.date) -> int:
        """Items of one full day that a search for `query` returns (all brands)."""
        total = 0
        for b in self.world.brands.brands:
            for cat, n in self.mention_groups(b.name, source, day):
                if n and query.matches(cat.term):
                    total += n
        return total

    def query_items(self, query: Query, source: str, start: dt.datetime, end: dt.datetime) -> list[Mention]:
        """Items created in [start, end) that `query` matches, newest first."""
        out: list[Mention] = []
        day = start.date()
        while day <= (end - dt.timedelta(microseconds=1)).date():
            for b in self.world.brands.brands:
                cats = {c.term for c, n in self.mention_groups(b.name, source, day) if n and query.matches(c.term)}
                if cats:
                    out.extend(
                        m
                        for m in self.mention_items(b.name, source, day)
                        if m.term in cats and start <= m.created_at < end
                    )
            day += dt.timedelta(days=1)
        out.sort(key=lambda m: (m.created_at, m.mention_id), reverse=True)
        return out

    def query_count_between(self, query: Query, source: str, start: dt.datetime, end: dt.datetime) -> int:
        if start.time() == dt.time(0) and end.time() == dt.time(0) and end - start == dt.timedelta(days=1):
            return self.query_count(query, source, start.date())
        return len(self.query_items(query, source, start, end))

    # ------------------------------------------------------------------ search interest
    def brand_for_keyword(self, keyword: str) -> str | None:
        """The first brand whose name, keyword or hashtag `keyword` is (indexed once: the brands never change)."""
        if self._brand_by_term is None:
            index: dict[str, str] = {}
            for b in self.world.brands.brands:
                for term in {b.name.lower(), *(x.lower() for x in b.keywords), *b.hashtags}:
                    index.setdefault(term, b.name)
            self._brand_by_term = index
        return self._brand_by_term.get(keyword.strip().lstrip("#").lower())

    def search_interest_raw(self, keyword: str, geo: str, day: dt.date) -> float:
        """Unnormalised search volume for a keyword (brands follow their mention volume)."""
        brand = self.brand_for_keyword(keyword)
        r = rnd.rng(self.seed, "interest", keyword.lower(), geo, day)
        geo_factor = 1.0 if geo.upper() in ("ID", "") else 0.15
        if brand is not None:
            return (self.expected_mentions(brand, "x", day) + 5) * geo_factor * rnd.lognormal(r, 0.12)
        level = 20 + 60 * rnd.unit("interest-level", keyword.lower())
        return level * (1 + 0.15 * math.sin(day.toordinal() * 2 * math.pi / 7)) * rnd.lognormal(r, 0.15)

    # ------------------------------------------------------------------ trending searches
    def trending(self, geo: str, day: dt.date | None = None) -> list[TrendItem]:
        """About 20 trending searches for `geo` on `day` (default: today); every client brand is one of them."""
        day = day or self.world.today
        r = rnd.rng(self.seed, "trending", geo.upper(), day)
        pool = list(TREND_TOPICS.get(geo.upper(), TREND_TOPICS["US"]))
        topics = r.sample(pool, k=min(19, len(pool)))
        for own in self.world.brands.own_brands:  # every client brand trends once
            own_title = (own.keywords[0] if own.keywords else own.name).lower()
            topics.insert(r.randrange(2, 12), own_title)
        traffic_levels = (
            2_000_000,
            1_000_000,
            500_000,
            200_000,
            100_000,
            50_000,
            20_000,
            10_000,
            5_000,
            2_000,
            1_000,
            500,
            200,
            100,
        )
        items = []
        level = r.randrange(0, 3)
        for rank, title in enumerate(topics, start=1):
            traffic = traffic_levels[min(level, len(traffic_levels) - 1)]
            if r.random() < 0.6:
                level += 1
            approx = _traffic_label(traffic)
            published = dt.datetime.combine(day, dt.time(0), UTC) - dt.timedelta(minutes=r.randrange(60, 24 * 60))
            news = tuple(
                NewsItem(
                    title=f"{title.title()}: {r.choice(NEWS_ANGLES)}",
                    snippet=f"Berita terbaru tentang {title} — {r.choice(NEWS_ANGLES).lower()}.",
                    url=f"https://{r.choice(NEWS_SITES)}/{rnd.token('news', geo, day, title, k, length=10)}",
                    picture=f"https://encrypted-tbn0.gstatic.com/images?q=tbn:{rnd.token('pic', title, k)}",
                    source=r.choice(NEWS_SOURCES),
                )
                for k in range(1 + r.randrange(3))
            )
            items.append(
                TrendItem(
                    rank=rank,
                    title=title,
                    approx_traffic=approx,
                    traffic=traffic,
                    published_at=published,
                    picture=news[0].picture,
                    picture_source=news[0].source,
                    news=news,
                )
            )
        return items

    # ------------------------------------------------------------------ feeds
    def feed_entries(self, feed_name: str) -> list[FeedEntry]:
        """Every entry of a configured feed over the whole history, newest first."""
        if feed_name in self._feeds:
            return self._feeds[feed_name]
        names = [f.name for f in self.world.settings.feeds]
        if feed_name not in names:
            raise KeyError(feed_name)
        feed = next(f for f in self.world.settings.feeds if f.name == feed_name)
        rate = 1.2 if names.index(feed_name) == 0 else 0.7
        base_link = feed.url.split("://", 1)[1].split("/", 1)[0]
        out: list[FeedEntry] = []
        brands = self.world.brands.brands
        for day in self.world.dates():
            r = rnd.rng(self.seed, "feed", feed_name, day)
            for i in range(rnd.poisson(r, rate)):
                published = dt.datetime.combine(day, dt.time(0), UTC) + dt.timedelta(seconds=r.randrange(86_400))
                title, summary, mentioned = self._feed_text(r, brands)
                slug = rnd.token("entry", self.seed, feed_name, day, i, length=10)
                out.append(
                    FeedEntry(
                        feed=feed_name,
                        entry_id=f"tag:{base_link},{day.isoformat()}:{slug}",
                        title=title,
                        link=f"https://{base_link}/{day.year}/{day.month:02d}/{slug}",
                        published_at=published,
                        summary=summary,
                        author=r.choice(AUTHORS),
                        tags=tuple(r.sample(FEED_TAGS, k=2)),
                        mentioned_brands=tuple(sorted(mentioned)),
                    )
                )
        out.sort(key=lambda e: e.published_at, reverse=True)
        self._feeds[feed_name] = out
        return out

    def _feed_text(self, r, brands) -> tuple[str, str, set[str]]:
        roll = r.random()
        if roll < 0.3:
            b = r.choice(brands)
            kind = rnd.weighted(r, ("keyword", "hashtag", "handle"), (0.6, 0.2, 0.2))
            if kind == "hashtag" and b.hashtags:
                term = "#" + r.choice(b.hashtags)
            elif kind == "handle" and b.accounts:
                term = "@" + next(iter(b.accounts.values())).handle.lstrip("@")
            else:
                term = r.choice(b.keywords or [b.name])
            title = r.choice(FEED_MENTION_TITLES).format(term=term)
            return title, r.choice(FEED_SUMMARIES).format(term=term), {b.name}
        if roll < 0.42:
            phrase = r.choice(TRICKY_PHRASES)
            return r.choice(NOISE_TEMPLATES).format(term=phrase), f"Catatan pasar: {phrase}.", set()
        if roll < 0.5:
            return r.choice(NON_LATIN_TITLES), "インドネシア産のコーヒー豆が人気です。 قهوة إندونيسية", set()
        title = r.choice(GENERIC_TITLES)
        return title, f"{title}. Laporan lengkap di dalam artikel.", set()


def _traffic_label(traffic: int) -> str:
    if traffic >= 1_000_000:
        return f"{traffic // 1_000_000}M+"
    if traffic >= 1_000:
        return f"{traffic // 1_000}K+"
    return f"{traffic}+"


TREND_TOPICS = {
    "ID": (
        "timnas indonesia",
        "harga emas hari ini",
        "cuaca jakarta",
        "gempa hari ini",
        "libur nasional 2026",
        "persib vs persija",
        "bmkg",
        "harga bbm",
        "kereta cepat whoosh",
        "resep rendang",
        "konser jakarta",
        "hari kopi nasional",
        "liga 1",
        "samsung galaxy",
        "saham bbca",
        "jadwal krl",
        "kopi susu gula aren",
        "promo gajian",
        "piala asia",
        "banjir jakarta",
        "tiket mudik",
        "ump 2027",
        "drakor terbaru",
        "es teh viral",
        "harga cabai",
    ),
    "US": (
        "nfl scores",
        "powerball",
        "weather tomorrow",
        "taylor swift",
        "stock market today",
        "nba trade",
        "thanksgiving recipes",
        "iphone 18",
        "coffee prices",
        "black friday deals",
        "world series",
        "college football",
        "snow storm",
        "mortgage rates",
        "netflix new releases",
        "super bowl odds",
        "costco hours",
        "bitcoin price",
        "pumpkin spice latte",
        "daylight saving time",
        "nasa launch",
        "grammy nominations",
    ),
}
NEWS_ANGLES = (
    "what we know so far",
    "live updates",
    "why it matters",
    "angka terbaru",
    "reaksi warganet",
    "analysis",
    "timeline",
)
NEWS_SITES = (
    "news.example.com/coffee",
    "kompas.example.id/read",
    "detik.example.id/berita",
    "apnews.example.com/article",
)
NEWS_SOURCES = ("Kompas", "Detik", "CNN Indonesia", "AP News", "Tempo", "News Site")
AUTHORS = ("Dewi Lestari", "Rizky Ramadhan", "Anna Müller", "José Núñez", "Siti Nurhaliza", "Tomás Ibáñez")
FEED_TAGS = ("kopi", "coffee", "bisnis", "retail", "f&b", "gaya hidup", "café", "ekspor")
FEED_MENTION_TITLES = (
    "{term} buka gerai baru di Bandung",
    "Interview: the team behind {term}",
    "Crème de la crème: {term} raih penghargaan barista",
    "Ulasan: menu musim hujan dari {term}",
    "{term} expands to Kuala Lumpur",
    "Mengapa {term} ramai dibicarakan minggu ini",
)
FEED_SUMMARIES = (
    "Jaringan kedai kopi {term} mengumumkan ekspansi. Café-café baru akan dibuka tahun depan.",
    "We spoke with the founders of {term} about sourcing beans from Aceh Gayo and Flores.",
    "Pelanggan menyambut menu baru {term} dengan antusias — crème brûlée latte jadi favorit.",
)
TRICKY_PHRASES = (
    "kopi arabika",
    "biji arabika",
    "arabika beans",
    "java roast beef",
    "Kenangan Brewery",
    "#senjacoffeeshop",
    "senja di pantai",
)
NON_LATIN_TITLES = (
    "インドネシアのコーヒー市場が拡大",
    "قهوة إندونيسيا تغزو الأسواق",
    "Кофе из Индонезии набирает популярность",
    "印尼咖啡出口创新高",
)
GENERIC_TITLES = (
    "Harga kopi dunia naik 12% kuartal ini",
    "Tren minuman dingin di kalangan Gen Z",
    "Panduan menyeduh V60 untuk pemula",
    "Ekspor kopi Indonesia capai rekor",
    "Café culture in Jakarta: a 2026 guide",
    "Petani kopi Toraja beralih ke proses natural",
    "Why oat milk is everywhere",
    "Menikmati senja di pantai sambil ngopi",
)
