"""`editorial_plan.csv`: the planned posts of each client brand (own: true), one a line, validated at load.

Columns (header required; order free; empty cells allowed where optional):
  brand           a client brand (own: true) of brands.yaml; empty = the only one (required with several)
  platform        facebook, instagram, x, linkedin, youtube, tiktok
  content_type    image, video, carousel, reel, short, text, link
  theme           what the post is about (free text: menu, promo, behind the scenes...)
  campaign        optional: the campaign (the utm_campaign of its links, if any)
  date            a planned day (YYYY-MM-DD), or empty for a weekly slot
  weekday         a weekly slot: monday ... sunday (instead of date)
  from, until     optional bounds of a weekly slot (YYYY-MM-DD); without them it runs over all the data
  tolerance_days  optional, 0-7 (default 1): how many days early or late a post still matches the slot

A line that breaks a rule is a ConfigError naming the file, the line, the column, the value and the fix. Days are
partition days (settings.yaml timezone), like the posts' publish days they are compared with.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pipelines.config.choices import one_of
from pipelines.config.models import BrandsConfig
from pipelines.contracts.platforms import PLATFORMS
from pipelines.contracts.streams import CONTENT_TYPES
from pipelines.errors import ConfigError
from pipelines.settings import config_dir

FILE_NAME = "editorial_plan.csv"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
COLUMNS = (
    "brand",
    "platform",
    "content_type",
    "theme",
    "campaign",
    "date",
    "weekday",
    "from",
    "until",
    "tolerance_days",
)
REQUIRED_COLUMNS = ("platform", "content_type", "theme")
DEFAULT_TOLERANCE_DAYS = 1


class PlannedPost(BaseModel):
    """One line of the plan: a post on a day, or a weekly slot."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    line: int
    brand: str
    platform: str
    content_type: str
    theme: str = Field(min_length=1)
    campaign: str | None = None
    date: dt.date | None = None
    weekday: str | None = None
    starts: dt.date | None = Field(default=None, alias="from")
    ends: dt.date | None = Field(default=None, alias="until")
    tolerance_days: int = Field(default=DEFAULT_TOLERANCE_DAYS, ge=0, le=7)

    @field_validator("platform")
    @classmethod
    def _platform(cls, value: str) -> str:
        return one_of(value, PLATFORMS, "platform")

    @field_validator("content_type")
    @classmethod
    def _content_type(cls, value: str) -> str:
        return one_of(value, CONTENT_TYPES, "content type")

    @field_validator("weekday")
    @classmethod
    def _weekday(cls, value: str | None) -> str | None:
        return value if value is None else one_of(value, WEEKDAYS, "weekday")

    @model_validator(mode="after")
    def _one_day_rule(self) -> PlannedPost:
        if (self.date is None) == (self.weekday is None):
            raise ValueError("give either date (one post) or weekday (a weekly slot), not both or neither")
        if self.date is not None and (self.starts or self.ends):
            raise ValueError("from and until bound a weekly slot; a dated post has no from/until")
        if self.starts and self.ends and self.ends < self.starts:
            raise ValueError(f"until {self.ends} is before from {self.starts}")
        return self

    @property
    def is_recurring(self) -> bool:
        return self.weekday is not None

    @property
    def iso_weekday(self) -> int | None:
        return WEEKDAYS.index(self.weekday) + 1 if self.weekday else None


@dataclass(frozen=True)
class EditorialPlan:
    path: str
    posts: tuple[PlannedPost, ...]


_FIELD_FOR_LOC = {"starts": "from", "ends": "until"}
_FIXES = {
    "date": "a date like 2026-11-30",
    "from": "a date like 2026-11-30",
    "until": "a date like 2026-11-30",
    "tolerance_days": "a whole number of days from 0 to 7",
    "platform": "one of " + ", ".join(PLATFORMS),
    "content_type": "one of " + ", ".join(CONTENT_TYPES),
    "weekday": "one of " + ", ".join(WEEKDAYS),
    "theme": "a few words saying what the post is about",
}


def default_plan_path() -> Path:
    return config_dir() / FILE_NAME


def parse_plan(text: str, brands: BrandsConfig, *, source: str = FILE_NAME) -> EditorialPlan:
    """Validate the CSV text; the first problem is raised as a ConfigError naming line, column and value."""
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [h for h in header if h and h not in COLUMNS]
    if missing or unknown:
        raise ConfigError(
            source,
            "line 1 (header)",
            f"missing column(s) {missing}" if missing else f"unknown column(s) {unknown}",
            expected="a header with the columns " + ", ".join(COLUMNS) + " (platform, content_type, theme required)",
        )
    own = {b.name for b in brands.brands if b.own}
    posts = []
    for number, row in enumerate(reader, start=2):
        cells = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
        if not any(cells.values()):
            continue
        if None in row:
            raise ConfigError(source, f"line {number}", "more cells than header columns", expected="one cell a column")
        brand = cells.get("brand") or (None if brands.is_multi_client else brands.own_brand.name)
        if brand is None:
            raise ConfigError(
                source,
                f"line {number}, column brand",
                f"empty, but brands.yaml has {len(own)} client brands: a planned post belongs to one of them",
                fix="name the client brand the post is planned for: one of " + ", ".join(sorted(own)),
            )
        if brand not in own:
            raise ConfigError(
                source,
                f"line {number}, column brand",
                "not a client brand (own: true) of brands.yaml",
                value=brand,
                fix=("write " if brands.is_multi_client else "leave it empty (the client brand) or write ")
                + "one of "
                + ", ".join(sorted(own)),
            )
        values = {k: v for k, v in cells.items() if v != "" and k != "brand"}
        for key in ("platform", "content_type", "weekday"):
            if key in values:
                values[key] = values[key].lower()
        try:
            posts.append(PlannedPost(line=number, brand=brand, **values))
        except ValidationError as exc:
            first = exc.errors()[0]
            column = _FIELD_FOR_LOC.get(str(first["loc"][0]), str(first["loc"][0])) if first["loc"] else ""
            where = f"line {number}, column {column}" if column else f"line {number}"
            value = cells.get(column) if column else None
            message = first["msg"].removeprefix("Value error, ")
            raise ConfigError(source, where, message, value=value or None, expected=_FIXES.get(column, "")) from None
    return EditorialPlan(path=source, posts=tuple(posts))


def load_editorial_plan(brands: BrandsConfig, path: Path | None = None) -> EditorialPlan:
    """editorial_plan.csv of the configuration folder (optional: no file = no plan)."""
    path = path or default_plan_path()
    if not path.exists():
        return EditorialPlan(path=str(path), posts=())
    return parse_plan(path.read_text(encoding="utf-8-sig"), brands, source=str(path))
