"""The one way features turn an HTML template into PDF (WeasyPrint).

WeasyPrint is imported and its fonts configured once per process, not per request. Documents may
load only the app's own static files (and ``data:`` URIs, used for QR codes): the URL fetcher
refuses ``file:``, ``http(s):`` and everything else, so text typed by users cannot make the
server read local files or call out to the network.
"""

import logging
from functools import cache
from pathlib import Path

from flask import current_app, render_template

log = logging.getLogger(__name__)

BASE_URL = "app://conference/"
STYLESHEET = Path(__file__).parent / "styles" / "document.css"


class RefusedURL(ValueError):
    pass


@cache
def _weasyprint():
    import weasyprint  # about a second to import: paid once per process
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return weasyprint, fonts, weasyprint.CSS(filename=str(STYLESHEET), font_config=fonts)


def fetch(url: str) -> dict:
    """Serve ``app://conference/static/…`` from the static folder and ``data:`` URIs; refuse the rest."""
    weasyprint, _fonts, _css = _weasyprint()
    if url.startswith("data:"):
        return weasyprint.default_url_fetcher(url)
    prefix = BASE_URL + "static/"
    if url.startswith(prefix):
        static = Path(current_app.static_folder).resolve()
        path = (static / url[len(prefix):].split("?")[0]).resolve()
        if path.is_relative_to(static) and path.is_file():
            return {"string": path.read_bytes(), "filename": path.name}
    log.warning("document refused to load %s", url[:200])
    raise RefusedURL(url[:200])


def render_pdf(template: str, **context) -> bytes:
    weasyprint, fonts, stylesheet = _weasyprint()
    html = render_template(template, **context)
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetch)
    return document.write_pdf(stylesheets=[stylesheet], font_config=fonts, pdf_tags=True)
