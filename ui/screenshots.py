"""Screenshots of every screen on the demo database, one PNG each, for the docs and for review.

    python -m ui.screenshots --out DIR [--lang fr|ar|zgh|en] [--size 1366x768]

Every area of the navigation is opened; a page may offer ``screenshot_states()`` -> [(name, prepare)]
to show a representative record (each ``prepare()`` puts the page in that state). The demo database
is built in a temporary folder, so nothing of the user's data or settings is touched.

Every PNG is exactly the size asked for (1366×768 by default, the smallest office screen the app
must fit): a page whose minimum size is larger stops the command with an error naming it, rather
than saving a picture of a window that no longer fits the screen.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


class DoesNotFit(RuntimeError):
    """A screen needs a larger window than the size asked for."""


def _grab(app, window, size: tuple[int, int], name: str):
    need = window.minimumSizeHint().expandedTo(window.minimumSize())
    if need.width() > size[0] or need.height() > size[1]:
        raise DoesNotFit(f"{name}: the window needs at least {need.width()}×{need.height()} px, "
                         f"more than {size[0]}×{size[1]}")
    if window.size().toTuple() != size:
        window.resize(*size)
        app.processEvents()
    image = window.grab().toImage()
    got = (image.width(), image.height())
    if got != size:
        raise DoesNotFit(f"{name}: the picture is {got[0]}×{got[1]} px, not {size[0]}×{size[1]}")
    return image


def take(out: Path, lang: str = "fr", size: tuple[int, int] = (1366, 768)) -> list[Path]:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from coopdesk.demo import build_demo
    from coopdesk.services import open_services
    from ui import fonts
    from ui.language import apply_language

    app = QApplication.instance() or QApplication(["coopdesk-screenshots"])
    fonts.load_app_fonts()
    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="coopdesk-shots-") as tmp:
        svc = open_services(Path(tmp) / "demo.db")
        build_demo(svc)
        apply_language(app, lang)
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        from ui.main_window import AREAS, MainWindow

        window = MainWindow(svc, settings=settings)
        window.resize(*size)
        window.show()
        app.processEvents()
        for row, (key, _title) in enumerate(AREAS):
            window.nav.setCurrentRow(row)
            page = window.pages[key]
            states = page.screenshot_states() if hasattr(page, "screenshot_states") else [(key, lambda: None)]
            for name, prepare in states:
                prepare()
                _settle(app)
                path = out / f"{row + 1:02d}-{name}.png"
                _grab(app, window, size, f"{lang}/{path.name}").save(str(path), "PNG")
                _shrink(path)
                saved.append(path)
        window.close()
        svc.close()
    return saved


def _settle(app, rounds: int = 5) -> None:
    """Let the layouts finish: a page that shows other buttons makes its splitter give it more width
    one round of events later (one round left the committee's minutes buttons cut in the picture)."""
    for _round in range(rounds):
        app.processEvents()


def _shrink(path: Path) -> None:
    """256 colours are plenty for a screen of text; the files stay small enough for the docs."""
    try:
        from PIL import Image
    except ImportError:  # Pillow comes with ReportLab; without it the PNG stays as Qt wrote it
        return
    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=256)
    small.save(path, optimize=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m ui.screenshots")
    p.add_argument("--out", required=True, help="folder for the PNG files")
    p.add_argument("--lang", default="fr", choices=["fr", "ar", "zgh", "en"])
    p.add_argument("--size", default="1366x768", help="window size, WIDTHxHEIGHT")
    args = p.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    w, h = (int(x) for x in args.size.lower().split("x"))
    try:
        for path in take(Path(args.out), args.lang, (w, h)):
            print(path)
    except DoesNotFit as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
