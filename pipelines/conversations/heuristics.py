"""Does a comment ask something, and does it need the brand's reply? Heuristics for Indonesian and English
comments on a brand's posts, offline and explainable (documented in README "Comments and replies").

is_question: a question mark; or a question word leading a clause (Indonesian apa, apakah, berapa, kapan,
  dimana / di mana, kemana, gimana / bagaimana, kenapa / mengapa, siapa, mana, bisakah, bolehkah; English what,
  when, where, how, why, who, which, is there, are there, do / does / did you, can / could / will / would I or
  you); or an Indonesian yes-no question closed by "gak / ga / nggak / tidak / ya / kah" after "ada", "bisa",
  "boleh", "masih", "udah / sudah" ("masih ada promonya gak" asks without a question mark).
needs_reply: an audience comment that asks something, complains (negative sentiment, pipelines.sentiment), or
  requests ("tolong", "mohon", "minta", "please", "help", "dm", "info", "cek", "check"). Praise, tags of friends
  ("@rina ayo kesini") and remarks need none: a reply is welcome there, not owed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.sentiment import score_text

_WORD = re.compile(r"[\w']+", re.UNICODE)
QUESTION_WORDS_ID = frozenset(
    [
        "apa",
        "apakah",
        "berapa",
        "kapan",
        "dimana",
        "kemana",
        "darimana",
        "gimana",
        "bagaimana",
        "kenapa",
        "mengapa",
        "siapa",
        "mana",
        "bisakah",
        "bolehkah",
        "adakah",
        "kah",
    ]
)
QUESTION_WORDS_EN = frozenset(["what", "when", "where", "how", "why", "who", "which", "whats"])
EN_AUXILIARIES = frozenset(["is", "are", "do", "does", "did", "can", "could", "will", "would", "should", "may"])
EN_SUBJECTS = frozenset(["there", "you", "i", "we", "it", "this", "they"])
ID_YES_NO_OPENERS = frozenset(["ada", "bisa", "boleh", "masih", "udah", "sudah", "apakah", "buka"])
ID_YES_NO_CLOSERS = frozenset(["gak", "ga", "nggak", "enggak", "ngga", "tidak", "gk", "ngak", "kah", "belum"])
REQUEST_WORDS = frozenset(["tolong", "mohon", "minta", "please", "pls", "help", "dm", "info", "cek", "check", "refund"])


@dataclass(frozen=True)
class CommentClass:
    is_question: bool
    is_request: bool
    sentiment: str  # positive, neutral, negative (pipelines.sentiment)
    needs_reply: bool


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text) if not w.startswith("_")]


def is_question(text: str | None) -> bool:
    """A question in Indonesian or English (see the module docstring for the rules)."""
    if not text:
        return False
    if "?" in text or "？" in text:
        return True
    for clause in re.split(r"[.!,;\n]+", text):
        words = [w for w in _words(clause) if not w.startswith("@")]
        words = [w for w in words if w not in ("kak", "min", "gan", "sis", "admin", "halo", "hi", "hello", "hai")]
        if not words:
            continue
        if words[0] in QUESTION_WORDS_EN or words[0] in QUESTION_WORDS_ID:
            return True
        if any(w in QUESTION_WORDS_ID - {"mana", "apa"} for w in words):
            return True  # Indonesian question words stand anywhere: "promonya sampai kapan"
        if len(words) > 1 and words[0] in EN_AUXILIARIES and words[1] in EN_SUBJECTS:
            return True
        if words[0] in ID_YES_NO_OPENERS and words[-1] in ID_YES_NO_CLOSERS:
            return True
        if any(w in ID_YES_NO_OPENERS for w in words) and words[-1] in ID_YES_NO_CLOSERS and len(words) <= 8:
            return True
    return False


def classify_comment(text: str | None, *, is_brand_author: bool | None) -> CommentClass:
    """The classes of one comment; a brand's own comment never needs a reply."""
    question = is_question(text)
    words = set(_words(text or ""))
    request = bool(words & REQUEST_WORDS)
    sentiment = score_text(text).label if text else "neutral"
    needs = not is_brand_author and (question or request or sentiment == "negative")
    return CommentClass(is_question=question, is_request=request, sentiment=sentiment, needs_reply=needs)
