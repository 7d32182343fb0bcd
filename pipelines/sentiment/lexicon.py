"""The lexicon the scorer reads: socialpulse's own entries (lexicon.tsv: Indonesian, slang, domain English,
emoji, negators, boosters) over VADER's English lexicon (the vaderSentiment package ships it as data; nothing is
downloaded). One `Term` per normalised word or phrase; `lexicon()` is loaded once per process."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pipelines.errors import ConfigError

OWN_LEXICON = Path(__file__).with_name("lexicon.tsv")
KINDS = (
    "word",
    "phrase",
    "emoji",
    "normalize",
    "negator",
    "negator_pos",
    "booster",
    "booster_pre",
    "booster_post",
    "dampener",
    "excess",
    "contrast",
)
_APOSTROPHES = re.compile(r"['’`]")


@dataclass(frozen=True)
class Term:
    """What a normalised word (or phrase) does: its valence and the rules it triggers."""

    valence: float | None = None
    negator: bool = False
    negator_pos: bool = False  # flips only positive terms
    booster_pre: float = 0.0  # intensifies the term after it
    booster_post: float = 0.0  # intensifies the term before it
    dampener: float | None = None
    excess: bool = False
    contrast: bool = False
    source: str = "own"  # own | vader


@dataclass(frozen=True)
class Lexicon:
    terms: dict[str, Term]
    phrases: dict[tuple[str, ...], float]
    normalize: dict[str, tuple[str, ...]]
    longest_phrase: int = field(default=1)
    phrase_words: frozenset[str] = field(default=frozenset())

    def term(self, token: str) -> Term | None:
        return self.terms.get(token)


def plain(token: str) -> str:
    """A token without apostrophes, the form every entry and text is compared in ("don't" -> "dont")."""
    return _APOSTROPHES.sub("", token.lower())


def _vader_valences() -> dict[str, float]:
    text = resources.files("vaderSentiment").joinpath("vader_lexicon.txt").read_text(encoding="utf-8")
    valences: dict[str, float] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0] and not parts[0][0].isdigit():
            try:
                valences.setdefault(plain(parts[0]), float(parts[1]))
            except ValueError:
                continue
    return valences


def parse_own_lexicon(text: str, *, source: str = str(OWN_LEXICON)) -> list[tuple[str, str, str]]:
    """(entry, kind, value) rows of a lexicon file; a bad line is a ConfigError naming its line."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 3:
            raise ConfigError(
                source, f"line {number}", "needs entry, kind and value separated by tabs", value=line.strip()
            )
        entry, kind, value = parts[0].strip(), parts[1].strip(), parts[2].strip()
        if kind not in KINDS:
            raise ConfigError(source, f"line {number}", "unknown kind", value=kind, expected=", ".join(KINDS))
        if kind != "normalize":
            try:
                float(value)
            except ValueError:
                raise ConfigError(source, f"line {number}", "value must be a number", value=value) from None
        rows.append((entry, kind, value))
    return rows


def build_lexicon(rows: list[tuple[str, str, str]], english: dict[str, float]) -> Lexicon:
    terms: dict[str, Term] = {word: Term(valence=valence, source="vader") for word, valence in english.items()}
    normalize: dict[str, tuple[str, ...]] = {}
    for entry, kind, value in rows:
        if kind == "normalize":
            normalize[plain(entry)] = tuple(plain(value).split())
    phrases: dict[tuple[str, ...], float] = {}
    own: dict[str, Term] = {}
    for entry, kind, value in rows:
        if kind == "normalize":
            continue
        words = tuple(w for token in plain(entry).split() for w in normalize.get(token, (token,)))
        number = float(value)
        if kind == "phrase" and len(words) > 1:
            phrases[words] = number
            continue
        key = " ".join(words)
        current = own.get(key, Term())
        if kind in ("word", "emoji", "phrase"):
            current = replace(current, valence=number)
        elif kind == "negator":
            current = replace(current, negator=True)
        elif kind == "negator_pos":
            current = replace(current, negator_pos=True)
        elif kind == "booster":
            current = replace(current, booster_pre=number, booster_post=number)
        elif kind == "booster_pre":
            current = replace(current, booster_pre=number)
        elif kind == "booster_post":
            current = replace(current, booster_post=number)
        elif kind == "dampener":
            current = replace(current, dampener=number)
        elif kind == "excess":
            current = replace(current, excess=True)
        elif kind == "contrast":
            current = replace(current, contrast=True)
        own[key] = current
    # an own entry replaces VADER's whole, so a function word ("no", "pretty") loses VADER's valence
    terms.update(own)
    longest = max((len(p) for p in phrases), default=1)
    words = frozenset(word for phrase in phrases for word in phrase)
    return Lexicon(terms=terms, phrases=phrases, normalize=normalize, longest_phrase=longest, phrase_words=words)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    rows = parse_own_lexicon(OWN_LEXICON.read_text(encoding="utf-8"))
    return build_lexicon(rows, _vader_valences())
