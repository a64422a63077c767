"""A list page printed two ways: by its table's `fast_cells`
(core.tables.FastCellsMixin) and by django_tables2's own cell rendering."""

import re

from tests.caches import clear_cache


def page_text(response):
    """The page without its CSRF token (masked anew for every response)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def both_ways(client, monkeypatch, table, path, query):
    """(answer with fast_cells, answer without, records fast_cells printed)."""
    printed = []
    fast_cells = table.fast_cells

    def counted(self, record):
        printed.append(record)
        return fast_cells(self, record)

    answers = []
    for cells in (counted, None):
        clear_cache()
        with monkeypatch.context() as patched:
            patched.setattr(table, "fast_cells", cells)
            answers.append(client.get(path, query))
    return (*answers, printed)
