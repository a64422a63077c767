"""HTML to PDF with WeasyPrint, fetching nothing but the portal's own static
files (fonts, styles, images) and inline data: URIs.

Reports contain text that officers and the public wrote. Were WeasyPrint
allowed to follow any URL, such text could make the server read local files
(file:///etc/passwd) or call internal services (http://127.0.0.1:6379,
cloud metadata endpoints) while rendering. Every other URL is refused here;
WeasyPrint then leaves the resource out and logs a warning.
"""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger("portal.reports")

# Relative URLs in report templates ("/static/css/report.css") resolve against
# this base; the host never exists on any network, the fetcher serves it from disk.
PORTAL_BASE_URL = "https://portal.invalid/"
_PORTAL_HOST = urlsplit(PORTAL_BASE_URL).netloc


class RefusedURL(ValueError):
    pass


def _static_file(path: str) -> Path | None:
    """The file behind /static/<path>, only if it is one of the portal's own."""
    relative = unquote(path[len(settings.STATIC_URL):])
    if not relative or relative.startswith("/") or ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    if found:
        return Path(found)
    collected = Path(settings.STATIC_ROOT) / relative
    return collected if collected.is_file() else None


class PortalURLFetcher(URLFetcher):
    def __init__(self):
        super().__init__(allowed_protocols=("https", "data"), allow_redirects=False)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        if (parts.scheme == "https" and parts.netloc == _PORTAL_HOST
                and parts.path.startswith(settings.STATIC_URL)):
            path = _static_file(parts.path)
            if path is not None:
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(),
                                          {"Content-Type": content_type})
        logger.warning("report rendering refused to fetch %s", url[:200])
        raise RefusedURL(f"refused: {url[:200]}")


# Every PDF the portal serves is tagged PDF/UA-1: a structure tree (headings,
# paragraphs, lists, tables) that screen readers follow, the document's language
# from <html lang>, its title from <title> shown in the viewer's title bar, and
# bookmarks from the headings. The variant implies WeasyPrint's `pdf_tags`.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}


def html_to_pdf(html: str) -> bytes:
    """Render the portal's report HTML to PDF bytes."""
    return render_pdf(html)[0]


def render_pdf(html: str) -> tuple[bytes, int]:
    """The PDF bytes and the number of pages, from one layout pass."""
    document = HTML(string=html, base_url=PORTAL_BASE_URL,
                    url_fetcher=PortalURLFetcher()).render(**PDF_OPTIONS)
    return document.write_pdf(**PDF_OPTIONS), len(document.pages)
