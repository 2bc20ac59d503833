"""Screenshots of the home, search and practice pages at phone and desktop widths, for reviewers."""

import json
import os
from pathlib import Path
from urllib.request import urlopen

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
PAGES = {
    "home-en": "/en/",
    "home-ja": "/ja/",
    "search-en": "/en/search/?q=cyberbullying",
    "search-distress-en": "/en/search/?q=someone+is+blackmailing+my+son+with+photos",
    "search-ja": "/ja/search/?q=ネットいじめ",
    "parents-en": "/en/for/parents/",
}


class Command(BaseCommand):
    help = (
        "Regenerate docs/screenshots/*.png (the first screen of home, search, a route and a practice page, "
        "390 and 1280 px wide) from a running site with the demo content, e.g. `make run` in another shell."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="the running site")
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "docs" / "screenshots"))
        parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))

    def handle(self, url, out, chromium, **options):
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as missing:
            raise CommandError("Playwright is needed: install the project's test extras") from missing
        url = url.rstrip("/")
        pages = dict(PAGES)
        try:
            with urlopen(f"{url}/api/search/?page_size=1&lang=en&language=en&language=ja", timeout=10) as answer:
                first = json.load(answer)["results"]
        except OSError as problem:
            raise CommandError(f"No site answers at {url}: {problem}") from problem
        if first:
            pages["practice-en"] = first[0]["url"]
            pages["practice-ja"] = first[0]["url"].replace("/en/", "/ja/", 1)
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
            for width_name, viewport in WIDTHS.items():
                context = browser.new_context(viewport=viewport)
                page = context.new_page()
                for name, path in pages.items():
                    page.goto(url + path)
                    target = folder / f"{name}-{width_name}.png"
                    page.screenshot(path=str(target))
                    self.stdout.write(
                        str(target.relative_to(folder.parent.parent) if folder.is_relative_to(settings.BASE_DIR) else target)
                    )
                context.close()
            browser.close()
