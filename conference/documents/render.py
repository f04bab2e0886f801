"""The one way features turn an HTML template into PDF (WeasyPrint).

WeasyPrint is imported and its fonts configured once per process, not per request. Documents may
load only the app's own static files (and ``data:`` URIs, used for QR codes): the URL fetcher
refuses ``file:``, ``http(s):`` and everything else, so text typed by users cannot make the
server read local files or call out to the network.
"""

import logging
import mimetypes
from functools import cache
from pathlib import Path

from flask import current_app, render_template

log = logging.getLogger(__name__)

BASE_URL = "app://conference/"
STYLESHEET = Path(__file__).parent / "styles" / "document.css"


@cache
def _weasyprint():
    import weasyprint  # about a second to import: paid once per process
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves ``app://conference/static/…`` from the static folder and ``data:`` URIs; refuses the rest."""

        def __init__(self, static_folder: str):
            super().__init__(allowed_protocols={"data", "app"})
            self.static_folder = Path(static_folder).resolve()

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            prefix = BASE_URL + "static/"
            if url.startswith(prefix):
                path = (self.static_folder / url[len(prefix):].split("?")[0]).resolve()
                if path.is_relative_to(self.static_folder) and path.is_file():
                    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
            log.warning("document refused to load %s", url[:200])
            raise ValueError(f"refused: {url[:200]}")

    fonts = FontConfiguration()
    return weasyprint, StaticOnlyFetcher, fonts, weasyprint.CSS(filename=str(STYLESHEET), font_config=fonts)


def render_pdf(template: str, **context) -> bytes:
    weasyprint, fetcher, fonts, stylesheet = _weasyprint()
    html = render_template(template, **context)
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher(current_app.static_folder))
    return document.write_pdf(stylesheets=[stylesheet], font_config=fonts, pdf_tags=True)
