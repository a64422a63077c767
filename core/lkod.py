"""The local open-data catalogue (LKOD) in the Czech Open Formal Norm
"Rozhraní katalogů otevřených dat" (DCAT-AP-CZ, JSON-LD with the norm's
context), from which the national catalogue (NKOD, data.gov.cz) harvests the
datasets of /data/, and the CSV on the Web metadata of each CSV file.

The documents are built from the dataset registry (`core.opendata`) and from
the provider's facts (`Provider`, which the directory builds from the city
settings: core knows no app). Their IRIs are made of `PORTAL_BASE_URL` and the
datasets' slugs, so they stay the same when the data changes; they are served
like the data files, once per data version (`opendata.serve_generated`).

The context is the norm's URL (`CONTEXT_URL`); its official text is vendored
unchanged in `core/vendor/` (source and attribution in docs/opendata.md) and
served at /data/lkod/context.jsonld. That context makes Czech the default
language, so every text goes in a language map ({"cs": …, "en": …})."""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from . import opendata
from .exports import CSV_DELIMITER, CSV_QUOTE, FALSE_TEXT, TRUE_TEXT
from .opendata import Dataset

CONTEXT_URL = ("https://ofn.gov.cz/rozhraní-katalogů-otevřených-dat/2021-01-11/kontexty/"
               "rozhraní-katalogů-otevřených-dat.jsonld")
CONTEXT_FILE = (Path(__file__).resolve().parent / "vendor"
                / "rozhrani-katalogu-otevrenych-dat-2021-01-11.jsonld")
CSVW_CONTEXT = "http://www.w3.org/ns/csvw"
LD_TYPE = "application/ld+json"
CSVW_TYPE = "application/csvm+json"

OVM = "https://rpp-opendata.egon.gov.cz/odrpp/zdroj/orgán-veřejné-moci/"
RUIAN_OBEC = "https://linked.cuzk.cz/resource/ruian/obec/"
THEME = "http://publications.europa.eu/resource/authority/data-theme/"
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
MEDIA_TYPE = "http://www.iana.org/assignments/media-types/"
TERMS = "https://data.gov.cz/podmínky-užití/"
PERSONAL_DATA = TERMS + "obsahuje-osobní-údaje/"
NO_PERSONAL_DATA = TERMS + "neobsahuje-osobní-údaje/"

# One distribution per format: (format key, EU file type, IANA media type).
DISTRIBUTIONS = (("csv", "CSV", "text/csv"), ("json", "JSON", "application/json"))
LANGUAGES = ("cs", "en")

# CSV on the Web datatypes of the column types of `opendata.Column`.
CSVW_DATATYPES = {
    "string": "string",
    "integer": "integer",
    "decimal": "decimal",
    "date": "date",
    "boolean": {"base": "boolean", "format": f"{TRUE_TEXT}|{FALSE_TEXT}"},
    "url": "anyURI",
    "list": "string",
}
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Provider:
    """Who publishes the data, as the city settings say."""

    name: str
    ico: str = ""
    ruian_code: str = ""
    licence: str = "https://creativecommons.org/licenses/by/4.0/"

    @property
    def iri(self):
        return OVM + self.ico if self.ico else None

    @property
    def territory_iri(self):
        return RUIAN_OBEC + self.ruian_code if self.ruian_code else None


_PROVIDER_SOURCE: list[Callable[..., "Provider | None"]] = []


def set_provider_source(source):
    """`source(request=None)` answers the Provider of the portal, or None
    while the city is not set (the directory registers it when ready)."""
    _PROVIDER_SOURCE[:] = [source]
    return source


def provider(request=None) -> "Provider | None":
    return _PROVIDER_SOURCE[0](request=request) if _PROVIDER_SOURCE else None


def absolute(path):
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def catalogue_iri():
    return absolute(reverse("core:lkod_catalogue"))


def dataset_iri(dataset: Dataset):
    return absolute(reverse("core:lkod_dataset", args=[dataset.slug]))


def schema_url(dataset: Dataset):
    return absolute(reverse("core:dataset_csvw", args=[dataset.slug]))


def _languages(make):
    """{"cs": make(), "en": make()}, each made with its language active."""
    texts = {}
    for language in LANGUAGES:
        with translation.override(language):
            texts[language] = make()
    return texts


def _text(value):
    return _languages(lambda: str(value))


def terms_of_use(dataset: Dataset, provider: Provider):
    """`podmínky_užití`: the city's licence for the data as a work, as a
    database and for the maker's special right, the city as author, and
    whether rows name persons."""
    author = {language: provider.name for language in LANGUAGES}
    return {
        "typ": "Specifikace podmínek užití",
        "autorské_dílo": provider.licence,
        "autor": author,
        "databáze_jako_autorské_dílo": provider.licence,
        "autor_databáze": author,
        "databáze_chráněná_zvláštními_právy": provider.licence,
        "osobní_údaje": PERSONAL_DATA if dataset.personal_data else NO_PERSONAL_DATA,
    }


def distributions(dataset: Dataset, provider: Provider):
    iri = dataset_iri(dataset)
    items = []
    for fmt, file_type, media_type in DISTRIBUTIONS:
        url = absolute(reverse(f"core:dataset_{fmt}", args=[dataset.slug]))
        item = {
            "typ": "Distribuce",
            "iri": f"{iri}#{fmt}",
            "název": _languages(lambda f=fmt: _("%(title)s as %(format)s") % {
                "title": dataset.title, "format": f.upper()}),
            "podmínky_užití": terms_of_use(dataset, provider),
            "soubor_ke_stažení": url,
            "přístupové_url": url,
            "typ_média": MEDIA_TYPE + media_type,
            "formát": FILE_TYPE + file_type,
        }
        if fmt == "csv":
            item["schéma"] = schema_url(dataset)
        items.append(item)
    return items


def _dataset_node(dataset: Dataset, provider: Provider):
    node = {
        "typ": "Datová sada",
        "iri": dataset_iri(dataset),
        "název": _text(dataset.title),
        "popis": _text(dataset.description),
        "klíčové_slovo": _languages(lambda: [str(k) for k in dataset.keywords]),
        "téma": [THEME + theme for theme in dataset.themes],
        "periodicita_aktualizace": FREQUENCY + dataset.frequency,
        "dokumentace": absolute(reverse("core:data_catalogue")) + f"#{dataset.slug}",
        "distribuce": distributions(dataset, provider),
    }
    if provider.iri:
        node["poskytovatel"] = provider.iri
    if provider.territory_iri:
        node["prvek_rúian"] = [provider.territory_iri]
    return node


def dataset_document(dataset: Dataset, provider: Provider) -> dict:
    return {"@context": CONTEXT_URL, **_dataset_node(dataset, provider)}


def catalogue_document(provider: Provider) -> dict:
    document = {
        "@context": CONTEXT_URL,
        "typ": "Katalog",
        "iri": catalogue_iri(),
        "název": _languages(lambda: _("Open data of %(city)s") % {"city": provider.name}),
        "popis": _languages(lambda: _(
            "The local catalogue of the open data of the community planning portal of "
            "%(city)s: its working groups, plans, indicators, projects and meetings.")
            % {"city": provider.name}),
        "domovská_stránka": absolute(reverse("core:data_catalogue")),
        "datová_sada": [dataset_iri(d) for d in opendata.datasets()],
    }
    if provider.iri:
        document["poskytovatel"] = provider.iri
    return document


def missing(provider: Provider | None) -> list[str]:
    """What the city settings lack for a complete catalogue (names of the
    fields, in the active language)."""
    if provider is None:
        return [_("the city (its name, IČO and RÚIAN code)")]
    gaps = []
    if not provider.ico:
        gaps.append(_("the IČO of the city (the provider of the data)"))
    if not provider.ruian_code:
        gaps.append(_("the RÚIAN code of the territory"))
    return gaps


# --- CSV on the Web ------------------------------------------------------------------------


def csvw_column(column: opendata.Column) -> dict:
    described = {
        "name": column.name,
        "titles": column.name,
        "datatype": CSVW_DATATYPES[column.type],
        "dc:description": [{"@value": text, "@language": language}
                           for language, text in _text(column.description).items()],
    }
    if column.type == "list":
        described["separator"] = LIST_SEPARATOR
    if column.unit:
        described["schema:unitText"] = column.unit
    return described


def csvw_metadata(dataset: Dataset) -> dict:
    """The CSV on the Web metadata of /data/<slug>.csv: its URL relative to
    this document (so it holds in the zip too), the dialect the portal writes
    and one column per CSV header column, in order."""
    return {
        "@context": [CSVW_CONTEXT, {"@language": "cs"}],
        "url": f"{dataset.slug}.csv",
        "dc:title": [{"@value": text, "@language": language}
                     for language, text in _text(dataset.title).items()],
        "dialect": {"encoding": "utf-8", "delimiter": CSV_DELIMITER, "quoteChar": CSV_QUOTE,
                    "header": True, "headerRowCount": 1},
        "tableSchema": {"columns": [csvw_column(c) for c in dataset.columns]},
    }


def dumps(document) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def csvw_name(dataset: Dataset):
    return f"{dataset.slug}.csv-metadata.json"


@opendata.add_zip_extra
def _csvw_in_zip() -> Iterator[tuple[str, bytes]]:
    for dataset in opendata.datasets():
        yield csvw_name(dataset), dumps(csvw_metadata(dataset))


def _csvw_served(dataset: Dataset):
    name = csvw_name(dataset)
    return opendata.Served(name, name, CSVW_TYPE)


CATALOGUE_SERVED = opendata.Served("lkod-catalogue.jsonld", "catalogue.jsonld", LD_TYPE)


def _dataset_served(dataset: Dataset):
    return opendata.Served(f"lkod-{dataset.slug}.jsonld", f"{dataset.slug}.jsonld", LD_TYPE)


@opendata.add_served_paths
def _served_paths():
    yield reverse("core:lkod_catalogue"), CATALOGUE_SERVED
    for dataset in opendata.datasets():
        yield reverse("core:dataset_csvw", args=[dataset.slug]), _csvw_served(dataset)
        yield reverse("core:lkod_dataset", args=[dataset.slug]), _dataset_served(dataset)


def _serve(request, served, make_document):
    return opendata.serve_generated(
        request, served.name, lambda: [dumps(make_document())], filename=served.filename,
        content_type=served.content_type)


def serve_csvw(request, dataset: Dataset):
    return _serve(request, _csvw_served(dataset), lambda: csvw_metadata(dataset))


def serve_catalogue(request, provider: Provider):
    return _serve(request, CATALOGUE_SERVED, lambda: catalogue_document(provider))


def serve_dataset(request, dataset: Dataset, provider: Provider):
    return _serve(request, _dataset_served(dataset), lambda: dataset_document(dataset, provider))
