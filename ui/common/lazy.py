"""Pages load their data when first shown, not when the window is built (start-up stays fast)."""

from __future__ import annotations


class LazyLoad:
    """Mix into a page: call ``self.reload_later()`` where it would load; implement ``reload()``."""

    _stale = True

    def reload_later(self) -> None:
        if self.isVisible():  # type: ignore[attr-defined]
            self._stale = False
            self.reload()
        else:
            self._stale = True

    def reload(self) -> None:  # pragma: no cover - each page implements it
        raise NotImplementedError

    def showEvent(self, event) -> None:  # noqa: N802
        if self._stale:
            self._stale = False
            self.reload()
        super().showEvent(event)  # type: ignore[misc]
