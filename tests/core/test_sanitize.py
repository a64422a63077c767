import pytest

from core.sanitize import sanitize_html


@pytest.mark.parametrize("dirty", [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">odkaz</a>',
    '<p style="background:url(javascript:alert(1))">text</p>',
    '<iframe src="https://evil.example"></iframe>',
    '<svg onload="alert(1)"></svg>',
])
def test_scripts_and_styles_never_survive(dirty):
    clean = sanitize_html(dirty)
    for bad in ("<script", "onerror", "javascript:", "style=", "<iframe", "onload", "<svg"):
        assert bad not in clean.lower()


def test_safe_formatting_and_links_survive():
    text = ('<p>Zabydleno <strong>39</strong> domácností, viz '
            '<a href="https://socialniveci.ostrava.cz/">web</a>.</p><ul><li><em>bod</em></li></ul>')
    clean = sanitize_html(text)
    assert "<strong>39</strong>" in clean
    assert '<a href="https://socialniveci.ostrava.cz/" rel="noopener noreferrer nofollow">' in clean
    assert "<ul><li><em>bod</em></li></ul>" in clean
