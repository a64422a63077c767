"""components/table.html prints each row's cells with the `table_cells` tag
(core.templatetags.portal): the same bytes as django_tables2's per-cell loop
it replaced, for every kind of column - plain, with attributes, with
attributes computed per cell, localized or not, rendered HTML, escaped text."""

from datetime import date
from decimal import Decimal

import django_tables2 as tables
from django.template import Context, Template
from django.test import RequestFactory
from django.utils.html import format_html

# The row block of components/table.html before the tag.
REFERENCE_ROW = """{% load l10n %}<tr {{ row.attrs.as_html }}>
  {% for column, cell in row.items %}
  {# data-label: on a phone the row stacks and each cell is preceded by its column's name (portal.css). #}
  <td {{ column.attrs.td.as_html }} data-label="{{ column.header }}">{% if column.localize == None %}{{ cell }}{% else %}{% if column.localize %}{{ cell|localize }}{% else %}{{ cell|unlocalize }}{% endif %}{% endif %}</td>
  {% endfor %}
</tr>"""  # noqa: E501 - the template as it was

ROW = "{% load portal %}<tr {{ row.attrs.as_html }}>\n  {% table_cells row %}\n</tr>"


class Sample(tables.Table):
    name = tables.Column(verbose_name="Název <a&b>")
    amount = tables.Column(verbose_name="Částka", attrs={"td": {"class": "num"}})
    big = tables.Column(localize=True)
    raw = tables.Column(localize=False)
    when = tables.Column(verbose_name="Kdy")
    marked = tables.Column(attrs={"td": {"data-odd": lambda record: record["big"] % 2}})
    link = tables.Column(empty_values=())

    def render_link(self, record):
        return format_html('<a href="/x/{}/">{}</a>', record["big"], record["name"])


DATA = [
    {"name": "Alfa <script>", "amount": Decimal("1234.50"), "big": 1234567, "raw": 7654321,
     "when": date(2024, 3, 1), "marked": "a"},
    {"name": "Beta & spol.", "amount": None, "big": 2, "raw": 1.5, "when": None, "marked": ""},
]


def _rows(template_text, table):
    request = RequestFactory().get("/")
    template = Template(template_text)
    return [template.render(Context({"row": row, "request": request}))
            for row in table.rows]


def test_the_cells_print_as_the_template_loop_did(db):
    reference = _rows(REFERENCE_ROW, Sample(DATA))
    printed = _rows(ROW, Sample(DATA))
    assert printed == reference
    assert 'data-odd="1"' in printed[0] and 'data-odd="0"' in printed[1]  # per cell
    assert "Alfa &lt;script&gt;" in printed[0] and '<a href="/x/2/">' in printed[1]
    assert "1\xa0234\xa0567" in printed[0] and "7654321" in printed[0]  # localize on / off
    assert 'data-label="Název &lt;a&amp;b&gt;"' in printed[0]


def test_a_render_methods_signature_is_asked_once(monkeypatch):
    """django_tables2 asks which arguments a render method takes for every
    cell; core.tables.cache_render_signatures keeps the answer per function,
    for every table instance, and each method still gets what it names."""
    import inspect

    asked = []
    original = inspect.signature

    def counting(fn, **kwargs):
        asked.append(getattr(fn, "__func__", fn))
        return original(fn, **kwargs)

    monkeypatch.setattr(inspect, "signature", counting)

    class Fresh(tables.Table):
        name = tables.Column()
        big = tables.Column()

        def render_name(self, value, record):
            return f"{value}/{record['big']}"

        def render_big(self, bound_column, **kwargs):
            return f"{bound_column.name}:{sorted(kwargs)}"

    first = [list(row) for row in Fresh(DATA).rows]
    second = [list(row) for row in Fresh(DATA).rows]
    assert first == second
    assert first[0][0] == "Alfa <script>/1234567"
    assert first[1][1] == "big:['bound_row', 'column', 'record', 'table', 'value']"
    assert asked.count(Fresh.render_name) == 1 and asked.count(Fresh.render_big) == 1
