"""WeasyPrint fetches only the portal's own assets, whatever a report's text
says (issue 9: files in and out)."""

import http.server
import threading

import pytest

from core.pdf import PortalURLFetcher, RefusedURL, html_to_pdf


@pytest.fixture
def internal_server():
    """A local HTTP server standing in for an internal service; it records
    every request that reaches it."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()


def test_a_report_naming_foreign_urls_fetches_none_of_them(internal_server, tmp_path):
    base, hits = internal_server
    secret = tmp_path / "secret.txt"
    secret.write_text("DATABASE_PASSWORD=hunter2")
    html = f"""
      <html><head>
        <link rel="stylesheet" href="{base}/evil.css">
        <link rel="stylesheet" href="file://{secret}">
      </head><body>
        <p>Text that an officer wrote:</p>
        <img src="{base}/tracker.png">
        <img src="file:///etc/passwd">
        <img src="http://169.254.169.254/latest/meta-data/">
        <iframe src="{base}/frame"></iframe>
        <object data="file://{secret}"></object>
        <p style="background: url({base}/bg.png)">styled</p>
      </body></html>
    """
    pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert hits == []
    assert b"hunter2" not in pdf


def test_the_portal_s_own_static_files_are_fetched():
    fetcher = PortalURLFetcher()
    response = fetcher.fetch("https://portal.invalid/static/css/portal.css")
    assert response.content_type == "text/css"
    assert b":root" in response.read()


@pytest.mark.parametrize("url", [
    "https://portal.invalid/static/../config/settings/base.py",
    "https://portal.invalid/static/%2e%2e/config/settings/base.py",
    "https://portal.invalid/media/attendance/scan.pdf",
    "https://portal.invalid/admin/",
    "http://portal.invalid/static/css/portal.css",
    "file:///work/main/static/css/portal.css",
    "https://example.org/static/css/portal.css",
])
def test_everything_else_is_refused(url):
    with pytest.raises(RefusedURL):
        PortalURLFetcher().fetch(url)


def test_data_uris_are_allowed():
    response = PortalURLFetcher().fetch("data:text/plain;base64,YWhvag==")
    assert response.read() == b"ahoj"
