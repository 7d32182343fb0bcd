"""Rule-based sentiment of one short text (a mention, a comment), Indonesian and English, offline.

The method, in the spirit of VADER (Hutto & Gilbert, 2014) and extended for Indonesian:
1. Normalise: lower case, apostrophes dropped ("don't" -> "dont"), letters repeated three times or more cut
   ("enaaak" -> "enak", "sooo" -> "so"), slang rewritten (lexicon.tsv `normalize`: "bgt" -> "banget",
   "gak"/"ga"/"nggak" -> "tidak"), Indonesian affixes tried when a word is unknown ("enaknya" -> "enak",
   "terenak" -> "enak" boosted, "seenak" -> "enak", "kepahitan" -> too bitter), reduplication ("lagi-lagi").
2. Terms: phrases first (longest match: "gak ada obat", "not worth", "tastes like"), then words and emoji.
3. Rules on each term: boosters before ("sangat", "so") or after ("banget", "parah") multiply it, dampeners
   ("agak", "kinda") damp it, excess words ("terlalu", "too") turn a positive taste negative, a negator within
   the three words before flips it (x -0.74: "gak enak", "not bad"), "kurang" flips only positive terms; a
   positive term inside a question counts a quarter ("worth it gak?", "is it any good?"); after a contrast word
   ("tapi", "but") terms weigh x1.5 and before it x0.5; exclamation marks add emphasis; a rating "n/10" counts.
4. Score: the sum s normalised to [-1, 1] as s / sqrt(s^2 + 15) (VADER's compound); positive when the score is
   at least THRESHOLD, negative at most -THRESHOLD, else neutral. Text without any term is neutral with score
   0 (also text in a language the lexicon does not cover).

Known limits (the evaluation sample marks them as hard cases): sarcasm ("Mantap, pesanan saya dikasih ke orang
lain"), rhetorical questions, sentiment carried by world knowledge rather than words.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pipelines.sentiment.lexicon import Lexicon, Term, lexicon, plain

LABELS = ("positive", "neutral", "negative")
THRESHOLD = 0.2
ALPHA = 15.0
NEGATION_SCALAR = -0.74
NEGATION_WINDOW = 3
QUESTION_POSITIVE_FACTOR = 0.25
CONTRAST_BEFORE, CONTRAST_AFTER = 0.5, 1.5
EXCLAMATION_EMPHASIS, MAX_EXCLAMATIONS = 0.292, 4
SUPERLATIVE_BOOST = 0.3  # Indonesian ter- ("terenak": the tastiest)
EXCESS_BOOST = 0.3

_RATING = re.compile(r"(?<![\d/])(\d{1,2}(?:[.,]\d)?)\s*/\s*10\b")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*|[.!?]+")
_TOKEN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+|\S", re.UNICODE)
_REPEATS = re.compile(r"(.)\1{2,}")
_SUFFIXES = ("nya", "lah", "kah", "pun")
_SKIP = {"\ufe0f", "\u200d"}


@dataclass(frozen=True)
class Sentiment:
    label: str  # positive | neutral | negative
    score: float  # -1 .. 1
    terms: int  # how many lexicon terms counted (0 = nothing the lexicon knows)


@dataclass
class _Token:
    text: str  # normalised word
    sentence: int
    clause: int  # commas, semicolons and colons end the scope of a negator or booster
    is_question: bool


def _is_emoji(char: str) -> bool:
    return len(char) == 1 and (unicodedata.category(char) == "So" or 0x1F300 <= ord(char) <= 0x1FAFF)


def _candidates(word: str) -> list[tuple[str, float]]:
    """Forms to look a word up under, with the intensity an affix adds (or -1 for the excess ke-...-an)."""
    forms = [(word, 0.0)]
    squeezed = _REPEATS.sub(r"\1\1", word)
    if squeezed != word:
        forms += [(squeezed, 0.0), (_REPEATS.sub(r"\1", word), 0.0)]
    base = word
    if "-" in base:
        head, _, tail = base.partition("-")
        forms.append((tail if head in ("ke", "di", "se") else head, 0.0))  # "lagi-lagi", "vibes-nya"
        base = head
    for suffix in _SUFFIXES:
        if base.endswith(suffix) and len(base) > len(suffix) + 2:
            forms.append((base[: -len(suffix)], 0.0))
    if base.startswith("ter") and len(base) > 5:
        forms.append((base[3:], SUPERLATIVE_BOOST))
    if base.startswith("se") and len(base) > 4:
        forms.append((base[2:], 0.0))
    if base.startswith("ke") and base.endswith("an") and len(base) > 6:
        forms.append((base[2:-2], -1.0))
    return forms


class _Scorer:
    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex

    def tokens(self, text: str) -> tuple[list[_Token], list[float]]:
        """Normalised tokens and the ratings ("8/10") found in the text."""
        ratings = [float(m.group(1).replace(",", ".")) for m in _RATING.finditer(text)]
        text = _RATING.sub(" ", text)
        out: list[_Token] = []
        clause = 0
        for index, match in enumerate(_SENTENCE.finditer(text)):
            sentence = match.group(0)
            question = sentence.rstrip().endswith("?")
            clause += 1
            for raw in _TOKEN.findall(sentence):
                if raw in ",;:":
                    clause += 1
                if raw in _SKIP or (len(raw) == 1 and not raw.isalnum() and not _is_emoji(raw)):
                    continue
                word = plain(raw) if not _is_emoji(raw) else raw
                for part in self.lex.normalize.get(word, (word,)):
                    out.append(_Token(part, index, clause, question))
        return out, ratings

    def base(self, word: str) -> str:
        """The form a word takes in phrases: the first of its lookup forms the lexicon knows."""
        for form, boost in _candidates(word):
            form = " ".join(self.lex.normalize.get(form, (form,)))
            term = self.lex.term(form)
            own = term is not None and (term.source == "own" or form == word)
            if not boost and (own or form in self.lex.phrase_words):
                return form
        return word

    def resolve(self, word: str) -> tuple[Term | None, float]:
        """The term of a word: the word itself (any lexicon), else a form without repeated letters, else an
        Indonesian base form, which only our own lexicon may answer ("setelah" is not "sete" + "-lah")."""
        for index, (form, boost) in enumerate(_candidates(word)):
            if form in self.lex.normalize:
                form = " ".join(self.lex.normalize[form])
            term = self.lex.term(form)
            if term is not None and (index == 0 or term.source == "own" or _REPEATS.search(word)):
                return term, boost
        return None, 0.0

    def score(self, text: str) -> Sentiment:
        tokens, ratings = self.tokens(text or "")
        words = [self.base(t.text) for t in tokens]
        resolved = [self.resolve(t.text) for t in tokens]
        # phrases, longest first; a phrase replaces its words
        items: list[tuple[int, int, float]] = []  # (first token, length, valence)
        i = 0
        while i < len(words):
            found = None
            for length in range(min(self.lex.longest_phrase, len(words) - i), 1, -1):
                key = tuple(words[i : i + length])
                if key in self.lex.phrases:
                    found = (i, length, self.lex.phrases[key])
                    break
            if found is not None:
                items.append(found)
                i += found[1]
                continue
            term, boost = resolved[i]
            if term is not None and term.valence is not None:
                valence = term.valence
                if boost < 0:  # ke-...-an: too much of something
                    valence = -abs(valence) * (1 + EXCESS_BOOST) if valence > 0 else valence * (1 + EXCESS_BOOST)
                elif boost:
                    valence *= 1 + boost
                items.append((i, 1, valence))
            i += 1
        phrase_tokens = {p for start, length, _ in items if length > 1 for p in range(start, start + length)}

        def role(position: int) -> Term | None:
            if position < 0 or position >= len(words) or position in phrase_tokens:
                return None
            return resolved[position][0]

        # a word that is both a booster and a term ("parah") boosts a neighbouring term instead of counting
        dual = {
            start
            for start, length, valence in items
            if length == 1 and valence and (resolved[start][0].booster_pre or resolved[start][0].booster_post)
        }
        anchors = {p for start, length, valence in items if valence for p in range(start, start + length)} - dual
        boosting = {
            p
            for p in dual
            if (resolved[p][0].booster_post and p - 1 in anchors) or (resolved[p][0].booster_pre and p + 1 in anchors)
        }
        contrast = max((p for p in range(len(words)) if (role(p) or Term()).contrast), default=None)
        total, counted = 0.0, 0
        for start, length, valence in items:
            if not valence or start in boosting:
                continue
            end = start + length
            clause = tokens[start].clause
            for before in (start - 1, start - 2):
                term = role(before)
                if term is None or tokens[before].clause != clause:
                    continue
                if term.booster_pre:
                    valence *= 1 + term.booster_pre
                if term.dampener is not None:
                    valence *= term.dampener
                if term.excess:
                    valence = -abs(valence) if valence > 0 else valence * (1 + EXCESS_BOOST)
            for after in (end, end + 1):
                term = role(after)
                if term is not None and tokens[after].clause == clause and term.booster_post:
                    valence *= 1 + term.booster_post
            for before in range(start - 1, max(-1, start - 1 - NEGATION_WINDOW), -1):
                term = role(before)
                if tokens[before].clause != clause or (term is not None and term.contrast):
                    break
                if term is not None and (term.negator or (term.negator_pos and valence > 0)):
                    valence *= NEGATION_SCALAR
                    break
            if tokens[start].is_question and valence > 0:
                valence *= QUESTION_POSITIVE_FACTOR
            if contrast is not None:
                valence *= CONTRAST_AFTER if start > contrast else CONTRAST_BEFORE
            total += valence
            counted += 1
        for rating in ratings:
            total += (min(rating, 10.0) - 5.0) * 0.6
            counted += 1
        if total:
            emphasis = min(text.count("!"), MAX_EXCLAMATIONS) * EXCLAMATION_EMPHASIS
            total += math.copysign(emphasis, total)
        score = total / math.sqrt(total * total + ALPHA) if total else 0.0
        label = "positive" if score >= THRESHOLD else "negative" if score <= -THRESHOLD else "neutral"
        return Sentiment(label=label, score=round(score, 4), terms=counted)


@lru_cache(maxsize=1)
def _default_scorer() -> _Scorer:
    return _Scorer(lexicon())


@lru_cache(maxsize=65536)
def score_text(text: str | None) -> Sentiment:
    """The sentiment of one text (cached: mentions often repeat)."""
    return _default_scorer().score(text or "")
