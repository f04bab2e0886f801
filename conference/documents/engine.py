"""WeasyPrint, loaded once per process: the fonts, the stylesheet and a fetcher that reads only our files.

The app process and the processes of the rendering pool (``pool.py``) both render through
``html_to_pdf``. Importing this module imports WeasyPrint (about a second), so the app imports
it only when it renders; the pool's server process imports it once and forks workers from it.

Documents may load only files under the folders they are given (the uploaded logos, as
``app://conference/logos/<name>``) and ``data:`` URIs (QR codes): ``file:``, ``http(s):`` and everything else are
refused, so text typed by users cannot make the server read local files or call out. An SVG is drawn only if
it passes the logo checks (``organisations.logos.svg_problem``), also one stored before they existed.
"""

import logging
import mimetypes
from functools import cache
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from conference.organisations.logos import svg_problem

log = logging.getLogger(__name__)

BASE_URL = "app://conference/"
STYLESHEET = Path(__file__).parent / "styles" / "document.css"


class OwnFilesOnlyFetcher(URLFetcher):
    """Serves ``app://conference/<prefix>/…`` from the folder mapped to ``prefix``, and ``data:`` URIs."""

    def __init__(self, folders: dict[str, str]):
        super().__init__(allowed_protocols={"data", "app"})
        self.folders = {prefix: Path(folder).resolve() for prefix, folder in folders.items()}

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        for prefix, folder in self.folders.items():
            start = f"{BASE_URL}{prefix}/"
            if url.startswith(start):
                path = (folder / url[len(start) :].split("?")[0]).resolve()
                if path.is_relative_to(folder) and path.is_file():
                    content, content_type = (
                        path.read_bytes(),
                        mimetypes.guess_type(path.name)[0] or "application/octet-stream",
                    )
                    if content_type == "image/svg+xml" and (problem := svg_problem(content)):
                        log.warning("document refused to draw %s: %s", url[:200], problem)
                        raise ValueError(f"refused: {url[:200]}")
                    return URLFetcherResponse(url, content, {"Content-Type": content_type})
        log.warning("document refused to load %s", url[:200])
        raise ValueError(f"refused: {url[:200]}")


@cache
def _fonts_and_stylesheet() -> tuple[FontConfiguration, weasyprint.CSS]:
    # One FontConfiguration per process, passed to every call: a new one per document leaks memory.
    fonts = FontConfiguration()
    return fonts, weasyprint.CSS(filename=str(STYLESHEET), font_config=fonts)


def html_to_pdf(html: str, folders: dict[str, str], tagged: bool = True) -> bytes:
    """The PDF of ``html``; ``tagged`` adds the structure tree that screen readers follow."""
    fonts, stylesheet = _fonts_and_stylesheet()
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=OwnFilesOnlyFetcher(folders))
    return document.write_pdf(stylesheets=[stylesheet], font_config=fonts, pdf_tags=tagged)


def warm_up() -> None:
    """Pay the first render's cost (font loading) now rather than in the first request."""
    html_to_pdf("<p>warm</p>", {})
