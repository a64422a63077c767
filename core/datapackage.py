"""The Frictionless Data Package of /data/: one `datapackage.json` naming every
CSV of the registry (`core.opendata`) with its Table Schema, so that a
validator such as `frictionless validate <portal>/data/datapackage.json`
checks every cell against the type its column declares instead of guessing
types from the first rows (a period "1. pol. 2021" after rows of "2021" is
text, not a broken integer).

It says of each CSV what the CSV on the Web metadata says (`core.lkod`):
the dialect the portal writes, one field per column of the header in its
order, the type of each and what it means. Paths are relative to the
descriptor, so it holds in the zip too. Texts are in the portal's default
language: a Table Schema has one text per field, not a language map."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from . import lkod, opendata
from .exports import CSV_DELIMITER, CSV_QUOTE, FALSE_TEXT, TRUE_TEXT
from .lkod import LIST_SEPARATOR, Provider, absolute, dumps
from .opendata import Column, Dataset

NAME = "datapackage.json"
TYPE = "application/json"
SERVED = opendata.Served(NAME, NAME, TYPE)

# Table Schema types of the column types of `opendata.Column`. Web addresses
# are strings: a city's web site is kept as published (often without a
# scheme) and the portal's own pages are paths.
FIELD_TYPES = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "date": {"type": "date"},
    "boolean": {"type": "boolean", "trueValues": [TRUE_TEXT], "falseValues": [FALSE_TEXT]},
    "url": {"type": "string"},
    "list": {"type": "string"},
}


def field(column: Column) -> dict:
    description = str(column.description)
    if column.unit:
        description = f"{description} ({column.unit})"
    if column.type == "list":
        description = _("%(description)s; several values separated by “%(separator)s”") % {
            "description": description, "separator": LIST_SEPARATOR}
    return {"name": column.name, **FIELD_TYPES[column.type], "description": description}


def resource(dataset: Dataset) -> dict:
    return {
        "name": dataset.slug,
        "path": f"{dataset.slug}.csv",
        "profile": "tabular-data-resource",
        "title": str(dataset.title),
        "description": str(dataset.description),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": CSV_DELIMITER, "quoteChar": CSV_QUOTE, "header": True},
        "schema": {"fields": [field(c) for c in dataset.columns], "missingValues": [""]},
    }


def package(provider: Provider | None) -> dict:
    """The descriptor; the licence and publisher come from the city settings
    and are left out while the city is not set."""
    with translation.override(settings.LANGUAGE_CODE):
        described = {
            "profile": "tabular-data-package",
            "name": "open-data",
            "title": _("Open data") if provider is None else _(
                "Open data of %(provider)s") % {"provider": provider.name},
            "homepage": absolute(reverse("core:data_catalogue")),
            "resources": [resource(d) for d in opendata.datasets()],
        }
        if provider is not None:
            described["licenses"] = [{"path": provider.licence, "title": provider.licence}]
            described["contributors"] = [{"title": provider.name, "role": "publisher"}]
    return described


@opendata.add_zip_extra
def _in_zip():
    yield NAME, dumps(package(lkod.provider()))


@opendata.add_served_paths
def _served_paths():
    yield reverse("core:datapackage"), SERVED


def serve(request, provider: Provider | None):
    return opendata.serve_generated(request, NAME, lambda: [dumps(package(provider))],
                                    filename=NAME, content_type=TYPE)
