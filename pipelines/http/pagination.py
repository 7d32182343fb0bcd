"""Guards shared by every paginated read."""

from __future__ import annotations

from pipelines.http.errors import RepeatedCursorError


class CursorGuard:
    """Remembers the cursors of one listing and stops a platform that hands back one already followed."""

    def __init__(self, platform: str, listing: str, max_pages: int = 10_000) -> None:
        self.platform, self.listing, self.max_pages = platform, listing, max_pages
        self._seen: set[str] = set()
        self.pages = 0

    def next(self, cursor: object) -> str | None:
        """Return the cursor to follow, None at the end; raise on a repeat or a runaway listing."""
        self.pages += 1
        if cursor in (None, "", 0, "0", False):
            return None
        key = str(cursor)
        if key in self._seen or self.pages >= self.max_pages:
            raise RepeatedCursorError(
                self.platform,
                f"pagination of {self.listing} returned cursor {key[:12]}... a second time after "
                f"{self.pages} page(s); stopped to avoid an endless loop. The rows of this window were not "
                "committed; re-run the partition later or report it to the platform.",
            )
        self._seen.add(key)
        return key
