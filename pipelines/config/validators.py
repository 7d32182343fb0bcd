"""Cross-checks of the configuration that the validation of one field cannot see.

Each validator takes already-parsed configuration and returns `ConfigProblem`s (key, problem, value, fix); the
loaders turn the first one into a `ConfigError` naming the file, so a mistake stops the code location from
loading (and `socialpulse run` before it launches anything) instead of surfacing as failing dbt tests, a dead
alert rule or a competitor's followers counted as the own brand's.

The validators are plain functions over the models so they carry over when brands.yaml grows into several
workspaces: call them once per workspace.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from pipelines.config.models import BrandsConfig, GoalsConfig, Settings
from pipelines.errors import ConfigError

# What each platform accepts as a public handle (its sign-up rules), so a handle cannot smuggle quotes, spaces or
# operators into a search query or a URL. The leading '@' is optional everywhere.
HANDLE_RULES: dict[str, tuple[re.Pattern[str], str]] = {
    "x": (re.compile(r"^@?[A-Za-z0-9_]{1,15}$"), "1-15 letters, digits or underscores (X's username rule)"),
    "instagram": (re.compile(r"^@?[A-Za-z0-9._]{1,30}$"), "1-30 letters, digits, periods or underscores"),
    "tiktok": (re.compile(r"^@?[A-Za-z0-9._]{2,24}$"), "2-24 letters, digits, periods or underscores"),
    "youtube": (re.compile(r"^@?[A-Za-z0-9._-]{3,30}$"), "a YouTube handle: 3-30 letters, digits, . _ or -"),
    "facebook": (re.compile(r"^@?[A-Za-z0-9.-]{1,50}$"), "a Page username: letters, digits, periods or hyphens"),
    "linkedin": (re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"), "a page vanity name: letters, digits, - _ ."),
}
# Account ids go into API paths: never spaces, quotes, slashes or query characters.
ACCOUNT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class ConfigProblem:
    """One mistake in a configuration file: where (key), what, the offending value and how to fix it."""

    key: str
    problem: str
    value: object = None
    fix: str = ""

    def to_error(self, file: str, *, more: int = 0) -> ConfigError:
        problem = self.problem + (f" ({more} more problem(s) in this file)" if more else "")
        return ConfigError(file, self.key, problem, value=self.value, fix=self.fix)


def raise_first(file: str, problems: Sequence[ConfigProblem]) -> None:
    """Raise the first problem as one ConfigError (with how many more there are), or return."""
    if problems:
        raise problems[0].to_error(file, more=len(problems) - 1)


def brand_key(index: int, name: str) -> str:
    return f"brands[{index}] ({name.strip() or 'blank'})"


def _comparable(name: str) -> str:
    """How brand names are compared: case and surrounding or repeated spaces do not make another brand."""
    return " ".join(name.split()).casefold()


def brand_problems(brands: BrandsConfig) -> list[ConfigProblem]:
    """Blank names, names that differ only by case, one account (id or handle) under two brands (two clients
    cannot share an account: its numbers would count for both), handles and ids a platform would not accept, and
    the competitive sets (`competitive_set_problems`)."""
    problems: list[ConfigProblem] = []
    seen_names: dict[str, int] = {}
    seen_ids: dict[tuple[str, str], int] = {}
    seen_handles: dict[tuple[str, str], int] = {}
    seen_properties: dict[str, int] = {}
    for index, brand in enumerate(brands.brands):
        key = brand_key(index, brand.name)
        problems.extend(_ga4_property_problems(brands, index, key, seen_properties))
        if not brand.name.strip():
            problems.append(
                ConfigProblem(
                    f"brands[{index}].name",
                    "the brand name is blank",
                    brand.name,
                    "give the brand the name reports should show, e.g. name: Kopi Nusantara",
                )
            )
        else:
            comparable = _comparable(brand.name)
            if comparable in seen_names:
                first = seen_names[comparable]
                problems.append(
                    ConfigProblem(
                        f"{key}.name",
                        f"the same brand as brands[{first}] ({brands.brands[first].name}): names differ only by "
                        "case or spaces",
                        brand.name,
                        "keep one entry per brand (merge their accounts and keywords), or name them apart",
                    )
                )
            else:
                seen_names[comparable] = index
        for platform, account in brand.accounts.items():
            where = f"{key}.accounts.{platform}"
            if not ACCOUNT_ID.match(account.id):
                problems.append(
                    ConfigProblem(
                        f"{where}.id",
                        f"not a {platform} account id",
                        account.id,
                        "the platform's id: letters, digits, - or _ only (no spaces, quotes or slashes)",
                    )
                )
            other = seen_ids.setdefault((platform, account.id), index)
            if other != index:
                problems.append(
                    ConfigProblem(
                        f"{where}.id",
                        f"the same {platform} account is also listed under brands[{other}] "
                        f"({brands.brands[other].name}); its numbers would count for both brands",
                        account.id,
                        "each account belongs to one brand: correct the id or remove the duplicate",
                    )
                )
            rule = HANDLE_RULES.get(platform)
            if rule is not None and not rule[0].match(account.handle):
                problems.append(
                    ConfigProblem(
                        f"{where}.handle",
                        f"not a valid {platform} handle",
                        account.handle,
                        f"{rule[1]}, without quotes or spaces",
                    )
                )
            handle = account.handle.lstrip("@").casefold()
            other = seen_handles.setdefault((platform, handle), index)
            if other != index:
                problems.append(
                    ConfigProblem(
                        f"{where}.handle",
                        f"the same {platform} handle is also listed under brands[{other}] "
                        f"({brands.brands[other].name})",
                        account.handle,
                        "each account belongs to one brand: correct the handle or remove the duplicate",
                    )
                )
    return problems + competitive_set_problems(brands)


def _ga4_property_problems(brands: BrandsConfig, index: int, key: str, seen: dict[str, int]) -> list[ConfigProblem]:
    """A GA4 property is a client brand's own website (its traffic becomes that client's fct_social_traffic):
    never on a competitor, never under two clients."""
    brand = brands.brands[index]
    if brand.ga4_property_id is None:
        return []
    if not brand.own:
        return [
            ConfigProblem(
                f"{key}.ga4_property_id",
                "a competitor has no Google Analytics property socialpulse can read: only a client brand's own "
                "website is measured",
                brand.ga4_property_id,
                "move ga4_property_id to the client brand (own: true) whose website it is, or remove it",
            )
        ]
    other = seen.setdefault(brand.ga4_property_id, index)
    if other == index:
        return []
    return [
        ConfigProblem(
            f"{key}.ga4_property_id",
            f"the same GA4 property is also the website of brands[{other}] ({brands.brands[other].name}); its "
            "sessions would count for both clients",
            brand.ga4_property_id,
            "give each client brand its own property id (Admin > Property details), or remove the duplicate",
        )
    ]


def competitive_set_problems(brands: BrandsConfig) -> list[ConfigProblem]:
    """The client brands' competitive sets. With one client brand `competitors` may be left out (every other brand
    is its competitor: the files of a single-brand deployment keep working). With several, each client lists its
    competitors, every listed name is a competitor of brands.yaml, and every competitor is listed under some
    client (otherwise its data would be read and never shown)."""
    problems: list[ConfigProblem] = []
    own = {brand.name for brand in brands.brands if brand.own}
    competitor_names = [brand.name for brand in brands.brands if not brand.own]
    listed: set[str] = set()
    for index, brand in enumerate(brands.brands):
        key = brand_key(index, brand.name)
        if not brand.own:
            if brand.competitors is not None:
                problems.append(
                    ConfigProblem(
                        f"{key}.competitors",
                        "only a client brand (own: true) has a competitive set",
                        brand.competitors,
                        "list this brand under its client's competitors instead, or mark it own: true",
                    )
                )
            if brand.alert_channels is not None:
                problems.append(
                    ConfigProblem(
                        f"{key}.alert_channels",
                        "only a client brand (own: true) has alert channels",
                        brand.alert_channels,
                        "move alert_channels to the client brand whose alerts should go there",
                    )
                )
            continue
        if brand.competitors is None:
            if len(own) > 1:
                problems.append(
                    ConfigProblem(
                        f"{key}.competitors",
                        f"missing: brands.yaml has {len(own)} client brands, so each names its competitive set",
                        None,
                        "add competitors: [<competitor names>] (e.g. competitors: ["
                        + ", ".join(repr(n) for n in competitor_names[:2])
                        + "]), or competitors: [] for none",
                    )
                )
            else:
                listed.update(competitor_names)
            continue
        seen: set[str] = set()
        for position, name in enumerate(brand.competitors):
            where = f"{key}.competitors[{position}]"
            if name in seen:
                problems.append(ConfigProblem(where, "listed twice", name, "list each competitor once"))
                continue
            seen.add(name)
            if name in own:
                problems.append(
                    ConfigProblem(
                        where,
                        "is a client brand (own: true), not a competitor",
                        name,
                        "a competitor is a brand with own: false; add it as one (another entry) if this client "
                        "should be benchmarked against it",
                    )
                )
            elif name not in competitor_names:
                close = [n for n in competitor_names if _comparable(n) == _comparable(name)]
                close = close or difflib.get_close_matches(name, competitor_names, n=1)
                problems.append(
                    ConfigProblem(
                        where,
                        "unknown competitor: no brand of brands.yaml has this name",
                        name,
                        (f"did you mean {close[0]!r}? " if close else "")
                        + "add the competitor as a brand with own: false, or use a name exactly as written there",
                    )
                )
            else:
                listed.add(name)
    if len(own) > 1:
        for index, brand in enumerate(brands.brands):
            if not brand.own and brand.name not in listed:
                problems.append(
                    ConfigProblem(
                        brand_key(index, brand.name),
                        "a competitor listed under no client brand: it would be read every night and shown nowhere",
                        brand.name,
                        "add it to the competitors of the client(s) it competes with, or remove it",
                    )
                )
    return problems


def goal_problems(goals: GoalsConfig) -> list[ConfigProblem]:
    """Problems inside goals.yaml alone: a goal id used twice (progress rows are keyed by it)."""
    problems: list[ConfigProblem] = []
    seen: dict[str, int] = {}
    for index, goal in enumerate(goals.goals):
        first = seen.setdefault(goal.id, index)
        if first != index:
            problems.append(
                ConfigProblem(
                    f"goals[{index}].id",
                    f"duplicate goal id (also goals[{first}])",
                    goal.id,
                    "give every goal its own id (marts.fct_goal_progress is keyed by it)",
                )
            )
    return problems


def goal_brand_problems(goals: GoalsConfig, brands: BrandsConfig) -> list[ConfigProblem]:
    """A goal naming a brand brands.yaml does not have (no brand = its client brand), a `client` that is not a
    client brand, a goal whose client cannot be told (several clients, none named), and a goal on a competitor
    outside its client's competitive set."""
    references = [(f"goals[{i}] ({goal.id}).brand", goal.brand) for i, goal in enumerate(goals.goals) if goal.brand]
    references += [(f"goals[{i}] ({goal.id}).client", goal.client) for i, goal in enumerate(goals.goals) if goal.client]
    problems = brand_reference_problems(references, brands)
    if problems:
        return problems
    clients = [brand.name for brand in brands.brands if brand.own]
    for index, goal in enumerate(goals.goals):
        key = f"goals[{index}] ({goal.id})"
        if goal.client and goal.client not in clients:
            problems.append(
                ConfigProblem(
                    f"{key}.client",
                    "not a client brand (own: true)",
                    goal.client,
                    "the client the goal belongs to: one of " + ", ".join(clients),
                )
            )
            continue
        client = goal.client or (goal.brand if goal.brand in clients else None)
        if client is None and len(clients) > 1:
            problems.append(
                ConfigProblem(
                    f"{key}.client",
                    f"missing: brands.yaml has {len(clients)} client brands and this goal names none",
                    None,
                    "add client: <client brand> (one of " + ", ".join(clients) + ")",
                )
            )
            continue
        client = client or clients[0]
        if goal.brand and goal.brand != client:
            in_set = {b.name for b in brands.competitive_set(brands.brand(client))}
            if goal.brand not in in_set:
                problems.append(
                    ConfigProblem(
                        f"{key}.brand",
                        f"not in the competitive set of {client}",
                        goal.brand,
                        f"add it to {client}'s competitors in brands.yaml, or set the goal's client",
                    )
                )
    return problems


def brand_reference_problems(references: Iterable[tuple[str, str]], brands: BrandsConfig) -> list[ConfigProblem]:
    """(key, brand name) pairs from another file (goals, alert rules) that must name a brand of brands.yaml
    exactly as written there."""
    names = [brand.name for brand in brands.brands]
    problems: list[ConfigProblem] = []
    for key, name in references:
        if name in names:
            continue
        by_case = [n for n in names if _comparable(n) == _comparable(name)]
        close = by_case or difflib.get_close_matches(name, names, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        problems.append(
            ConfigProblem(
                key,
                "unknown brand: not a brand name in brands.yaml",
                name,
                f"{hint}use a name exactly as in brands.yaml: {', '.join(names)}",
            )
        )
    return problems


def settings_problems(settings: Settings, *, today: dt.date | None = None) -> list[ConfigProblem]:
    """The partitions cannot start after today (in the partition timezone): there would be nothing to load."""
    local_today = today or dt.datetime.now(ZoneInfo(settings.timezone)).date()
    if settings.partitions_start_date > local_today:
        return [
            ConfigProblem(
                "partitions_start_date",
                f"is in the future (today is {local_today} in {settings.timezone})",
                settings.partitions_start_date.isoformat(),
                "the first day to load, on or before today, e.g. partitions_start_date: "
                f'"{local_today.replace(month=1, day=1)}"',
            )
        ]
    return []
