"""Find brand mentions in free text: keywords, #hashtags and @handles from brands.yaml, minus exclusions.

Text and terms go through the same normalisation (casefold, compatibility decomposition so full-width and
ligature forms match, Latin/Greek/Cyrillic accents removed, zero-width characters dropped), so "KOPI NUSANTÁRA",
"ｋｏｐｉ nusantara" and "kopi nusantara" are the same mention. Word boundaries: a term must not be glued to a
letter or digit of a space-separated script ("Arabikaid" does not contain "Arabika"); scripts written without
spaces (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) have no word boundaries, so a term in or next to them
matches as a substring. An exclusion ("kopi arabika") removes every match that overlaps one of its occurrences,
so a brand named like a common word only counts where it is not part of the excluded phrase.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pipelines.config.models import Brand, BrandsConfig

MatchKind = Literal["keyword", "hashtag", "handle"]

# Combining accents of Latin/Greek/Cyrillic only; the marks of other scripts (Devanagari vowel signs, Thai tone
# marks, kana voicing) carry meaning and are kept.
_ACCENTS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
# Scripts written without spaces between words.
_NO_SPACE = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    "\uff66-\uff9f"  # half-width Katakana
)
# A character that glues to a word: letter, digit or underscore of a space-separated script.
_WORD = f"[^\\W{_NO_SPACE}]"
_NO_SPACE_CHAR = re.compile(f"[{_NO_SPACE}]")
_SEPARATOR = r"[\s\-]+"
# Handles may contain dots (Instagram) and hyphens (LinkedIn vanity names): "@brand.id" is another account.
_HANDLE_TAIL = r"(?![\w\-]|\.\w)"


def normalize(text: str) -> str:
    """Casefold, decompose, strip accents and invisible characters, recompose."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = _INVISIBLE.sub("", _ACCENTS.sub("", text))
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class Match:
    brand: str
    term: str  # as configured: "Kopi Nusantara", "#kopinusantara", "@kopinusantara"
    kind: MatchKind
    start: int  # span in the normalized text
    end: int


def _edge_guard(term: str, *, before: bool) -> str:
    """Boundary lookaround on one side, or none when the term's edge is in a script without spaces."""
    edge = term[0] if before else term[-1]
    if _NO_SPACE_CHAR.match(edge):
        return ""
    return f"(?<!{_WORD})" if before else f"(?!{_WORD})"


def term_pattern(term: str) -> tuple[str, MatchKind] | None:
    """Regex source and kind of one configured term (keyword, `#hashtag` or `@handle`); None if empty."""
    norm = normalize(term).strip()
    if norm.startswith("#"):
        tag = norm.lstrip("#").strip()
        if not tag:
            return None
        return f"(?<![\\w&])#{re.escape(tag)}{_edge_guard(tag, before=False)}", "hashtag"
    if norm.startswith("@"):
        handle = norm.lstrip("@").strip()
        if not handle:
            return None
        return f"(?<![\\w.@])@{re.escape(handle)}{_HANDLE_TAIL}", "handle"
    tokens = norm.split()
    if not tokens:
        return None
    body = _SEPARATOR.join(re.escape(t) for t in tokens)
    # A keyword right after "@" is somebody's handle, not a mention of the brand by name.
    return f"(?<!@){_edge_guard(tokens[0], before=True)}{body}{_edge_guard(tokens[-1], before=False)}", "keyword"


def brand_terms(brand: Brand) -> list[str]:
    """Every term that counts as a mention of the brand: keywords, #hashtags, @handles of its accounts."""
    terms = list(brand.keywords)
    terms += [f"#{tag}" for tag in brand.hashtags]
    handles = {account.handle.lstrip("@") for account in brand.accounts.values()}
    terms += [f"@{h}" for h in sorted(handles)]
    seen: set[str] = set()
    unique = []
    for term in terms:
        key = normalize(term)
        if key and key not in seen:
            seen.add(key)
            unique.append(term)
    return unique


@dataclass(frozen=True)
class _CompiledBrand:
    name: str
    terms: tuple[tuple[str, MatchKind, re.Pattern[str]], ...]
    exclusions: tuple[re.Pattern[str], ...]


def _compile(terms: Iterable[str]) -> list[tuple[str, MatchKind, re.Pattern[str]]]:
    out = []
    for term in terms:
        built = term_pattern(term)
        if built is not None:
            out.append((term, built[1], re.compile(built[0])))
    return out


class MentionMatcher:
    """Matches the brands of a BrandsConfig in text. Build once per run; `match` is pure."""

    def __init__(self, brands: BrandsConfig | Iterable[Brand]) -> None:
        items = brands.brands if isinstance(brands, BrandsConfig) else list(brands)
        self._brands = [
            _CompiledBrand(
                name=b.name,
                terms=tuple(_compile(brand_terms(b))),
                exclusions=tuple(p for _, _, p in _compile(b.exclude)),
            )
            for b in items
        ]
        self._by_name = {}
        for compiled in self._brands:
            self._by_name.setdefault(compiled.name, compiled)

    @property
    def brand_names(self) -> list[str]:
        return [b.name for b in self._brands]

    def match(self, text: str | None) -> list[Match]:
        """Every brand term found in `text`, in order of position; overlapping keyword/hashtag hits collapse."""
        if not text:
            return []
        norm = normalize(text)
        found: list[Match] = []
        for brand in self._brands:
            found.extend(_hits(brand, norm))
        found.sort(key=lambda m: (m.start, m.brand))
        return found

    def terms_of(self, brand: str, text: str | None) -> list[str]:
        """The distinct configured terms of `brand` found in `text`, in order of position: `brands_in(text)[brand]`,
        matching that one brand only (a source that searched for one brand need not try hundreds)."""
        compiled = self._by_name.get(brand)
        if not text or compiled is None:
            return []
        terms: list[str] = []
        for hit in sorted(_hits(compiled, normalize(text)), key=lambda m: m.start):
            if hit.term not in terms:
                terms.append(hit.term)
        return terms

    def brands_in(self, text: str | None) -> dict[str, list[str]]:
        """brand -> the distinct configured terms that matched (the `matched_terms` column)."""
        result: dict[str, list[str]] = {}
        for m in self.match(text):
            terms = result.setdefault(m.brand, [])
            if m.term not in terms:
                terms.append(m.term)
        return result


def _hits(brand: _CompiledBrand, norm: str) -> list[Match]:
    """One brand's terms found in the normalized text, outside its exclusions, overlapping hits collapsed."""
    excluded = [m.span() for p in brand.exclusions for m in p.finditer(norm)]
    hits: list[Match] = []
    for term, kind, pattern in brand.terms:
        for m in pattern.finditer(norm):
            if any(m.start() < e_end and e_start < m.end() for e_start, e_end in excluded):
                continue
            hits.append(Match(brand.name, term, kind, m.start(), m.end()))
    return _collapse(hits)


def _collapse(hits: list[Match]) -> list[Match]:
    """Keep one match per overlapping region of a brand: a hashtag/handle wins over the keyword inside it."""
    rank = {"handle": 0, "hashtag": 1, "keyword": 2}
    hits.sort(key=lambda m: (rank[m.kind], -(m.end - m.start), m.start))
    kept: list[Match] = []
    for hit in hits:
        if not any(hit.start < k.end and k.start < hit.end for k in kept):
            kept.append(hit)
    return kept
