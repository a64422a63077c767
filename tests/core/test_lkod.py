"""The local open-data catalogue (LKOD) for the national catalogue: the
catalogue and every dataset document parse to RDF with a real JSON-LD
processor (PyLD, the norm's context loaded from the vendored official text),
carry the properties DCAT-AP-CZ asks for, and every URL they give answers;
every CSV has CSV on the Web metadata whose columns are its header."""

import csv
import hashlib
import io
import json
import zipfile
from urllib.parse import urljoin

import pytest
from django.conf import settings
from django.urls import reverse
from pyld import jsonld

from core import lkod, opendata
from directory.models import City
from tests.directory.factories import CityFactory, OrganisationFactory, the_city

pytestmark = pytest.mark.django_db

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
TERMS = "https://data.gov.cz/slovník/podmínky-užití/"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
# The official context as published by the norm's maintainers: the file
# rozhraní-katalogů-otevřených-dat/2021-01-11/kontexty/rozhraní-katalogů-otevřených-dat.jsonld
# of github.com/datagov-cz/otevrene-formalni-normy (the source of ofn.gov.cz), last changed
# in commit 548a8fe694b327be9499f4d1bc2747302518a3fa (2022-11-09, xsd:decimal), unchanged
# at 16b5acfdb692a86ae163e3a761db1a28fbac3f7e. The vendored file is that text byte for byte.
OFFICIAL_CONTEXT_SHA256 = "d61da5e04da992b7c55c1a50ce02dc38d30aa3086187666f773a422c0bb2f3f2"
# The keys the norm's JSON schemas (schémata/katalog.json, schémata/datová-sada.json of
# the same version) require.
CATALOGUE_REQUIRED = {"@context", "typ", "iri", "název", "popis", "poskytovatel", "datová_sada"}
DATASET_REQUIRED = {"@context", "typ", "iri", "název", "popis", "poskytovatel", "téma",
                    "periodicita_aktualizace", "klíčové_slovo", "prvek_rúian"}
DISTRIBUTION_REQUIRED = {"typ", "iri", "podmínky_užití", "přístupové_url"}
TERMS_OF_USE_REQUIRED = {"typ", "autorské_dílo", "databáze_jako_autorské_dílo",
                         "databáze_chráněná_zvláštními_právy", "osobní_údaje"}


def load_document(url, options=None):
    """The JSON-LD document loader of the tests: the norm's context from the
    vendored file, nothing from the network."""
    if url != lkod.CONTEXT_URL:
        raise AssertionError(f"the documents may load only the norm's context, not {url}")
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": json.loads(lkod.CONTEXT_FILE.read_text(encoding="utf-8"))}


def official_context():
    return json.loads(lkod.CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]


def undefined_keys(node, context):
    """The keys of a document that the context does not define (a JSON-LD
    processor drops them silently, so they would never reach NKOD)."""
    if isinstance(node, list):
        return {key for item in node for key in undefined_keys(item, context)}
    if not isinstance(node, dict):
        return set()
    found = set()
    for key, value in node.items():
        if key.startswith("@"):
            continue
        definition = context.get(key)
        if definition is None:
            found.add(key)
        elif not (isinstance(definition, dict) and definition.get("@container") == "@language"):
            found |= undefined_keys(value, context)
    return found


def to_triples(document):
    """The document as RDF: a set of (subject, predicate, object, language)."""
    dataset = jsonld.to_rdf(document, {"documentLoader": load_document})
    triples = set()
    for quad in dataset["@default"]:
        obj = quad["object"]
        triples.add((quad["subject"]["value"], quad["predicate"]["value"], obj["value"],
                     obj.get("language")))
    return triples


def objects(triples, subject, predicate):
    return {o for s, p, o, _lang in triples if s == subject and p == predicate}


def literals(triples, subject, predicate):
    return {(o, lang) for s, p, o, lang in triples if s == subject and p == predicate}


def path(url):
    base = settings.PORTAL_BASE_URL.rstrip("/")
    assert url.startswith(base + "/"), url
    return url[len(base):]


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def get_document(client, url):
    response = client.get(path(url))
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/ld+json"
    return json.loads(body(response))


@pytest.fixture
def city():
    city = the_city()
    city.full_name, city.ico, city.ruian_code = "Statutární město Testov", "12345679", "500011"
    city.open_data_licence = CC_BY
    city.save()
    return city


def test_the_catalogue_lists_every_dataset_with_the_norms_properties(client, city):
    OrganisationFactory(name="Charita Testov")
    catalogue = get_document(client, reverse("core:lkod_catalogue").join(
        [settings.PORTAL_BASE_URL.rstrip("/"), ""]))
    assert catalogue["@context"] == lkod.CONTEXT_URL
    triples = to_triples(catalogue)
    iri = catalogue["iri"]
    assert path(iri) == reverse("core:lkod_catalogue")
    assert (iri, RDF_TYPE, DCAT + "Catalog", None) in triples
    assert set(catalogue) >= CATALOGUE_REQUIRED
    assert not undefined_keys(catalogue, official_context())
    assert {lang for _text, lang in literals(triples, iri, DCT + "description")} == {"cs", "en"}
    assert ("Otevřená data: Statutární město Testov", "cs") in literals(
        triples, iri, DCT + "title")
    assert objects(triples, iri, DCT + "publisher") == {
        "https://rpp-opendata.egon.gov.cz/odrpp/zdroj/orgán-veřejné-moci/12345679"}
    dataset_iris = objects(triples, iri, DCAT + "dataset")
    registered = opendata.datasets()
    assert len(registered) >= 7
    assert {path(i) for i in dataset_iris} == {
        reverse("core:lkod_dataset", args=[d.slug]) for d in registered}

    for dataset in registered:
        document = get_document(client, lkod.dataset_iri(dataset))
        triples = to_triples(document)
        ds = lkod.dataset_iri(dataset)
        assert ds in dataset_iris
        assert (ds, RDF_TYPE, DCAT + "Dataset", None) in triples
        assert set(document) >= DATASET_REQUIRED, dataset.slug
        assert not undefined_keys(document, official_context()), dataset.slug
        assert all(set(d) >= DISTRIBUTION_REQUIRED for d in document["distribuce"])
        assert all(set(d["podmínky_užití"]) >= TERMS_OF_USE_REQUIRED
                   for d in document["distribuce"])
        titles = dict((lang, text) for text, lang in literals(triples, ds, DCT + "title"))
        assert set(titles) == {"cs", "en"} and all(titles.values())
        descriptions = dict((lang, text) for text, lang in literals(
            triples, ds, DCT + "description"))
        assert set(descriptions) == {"cs", "en"} and all(descriptions.values())
        keywords = literals(triples, ds, DCAT + "keyword")
        assert {lang for _word, lang in keywords} == {"cs", "en"}
        assert {(str(k), "cs") for k in dataset.keywords} <= keywords
        assert objects(triples, ds, DCAT + "theme") and all(
            t.startswith("http://publications.europa.eu/resource/authority/data-theme/")
            for t in objects(triples, ds, DCAT + "theme"))
        assert objects(triples, ds, DCT + "accrualPeriodicity") == {
            "http://publications.europa.eu/resource/authority/frequency/" + dataset.frequency}
        assert objects(triples, ds, DCT + "spatial") == {
            "https://linked.cuzk.cz/resource/ruian/obec/500011"}
        assert objects(triples, ds, DCT + "publisher") == {
            "https://rpp-opendata.egon.gov.cz/odrpp/zdroj/orgán-veřejné-moci/12345679"}
        distributions = objects(triples, ds, DCAT + "distribution")
        formats = {}
        for dist in distributions:
            assert (dist, RDF_TYPE, DCAT + "Distribution", None) in triples
            (download,) = objects(triples, dist, DCAT + "downloadURL")
            assert objects(triples, dist, DCAT + "accessURL") == {download}
            (media_type,) = objects(triples, dist, DCAT + "mediaType")
            (file_type,) = objects(triples, dist, DCT + "format")
            formats[file_type.rsplit("/", 1)[1]] = (download, media_type, dist)
            response = client.get(path(download))
            assert response.status_code == 200, download
            assert response["Content-Type"].split(";")[0] == media_type.split(
                "media-types/", 1)[1]
            (terms,) = objects(triples, dist, TERMS + "specifikace")
            assert (terms, RDF_TYPE, TERMS + "Specifikace", None) in triples
            assert objects(triples, terms, TERMS + "autorské-dílo") == {CC_BY}
            assert objects(triples, terms, TERMS + "databáze-jako-autorské-dílo") == {CC_BY}
            assert objects(triples, terms, TERMS + "databáze-chráněná-zvláštními-právy") == {
                CC_BY}
            assert ("Statutární město Testov", "cs") in literals(triples, terms, TERMS + "autor")
            assert ("Statutární město Testov", "cs") in literals(
                triples, terms, TERMS + "autor-databáze")
            assert objects(triples, terms, TERMS + "osobní-údaje") == {
                "https://data.gov.cz/podmínky-užití/"
                + ("obsahuje-osobní-údaje/" if dataset.personal_data
                   else "neobsahuje-osobní-údaje/")}
        assert set(formats) == {"CSV", "JSON"}
        assert formats["CSV"][1] == "http://www.iana.org/assignments/media-types/text/csv"
        assert path(formats["CSV"][0]) == reverse("core:dataset_csv", args=[dataset.slug])
        assert path(formats["JSON"][0]) == reverse("core:dataset_json", args=[dataset.slug])
        (schema,) = objects(triples, formats["CSV"][2], DCT + "conformsTo")
        assert path(schema) == reverse("core:dataset_csvw", args=[dataset.slug])
        assert client.get(path(schema)).status_code == 200
        assert not objects(triples, formats["JSON"][2], DCT + "conformsTo")


def test_the_working_groups_say_they_name_persons():
    assert opendata.get("working-groups").personal_data
    assert not opendata.get("organisations").personal_data


@pytest.mark.parametrize("slug", [d.slug for d in opendata.datasets()])
def test_every_csv_has_csvw_metadata_whose_columns_are_its_header(client, slug):
    OrganisationFactory(name="Charita Testov")
    csv_path = reverse("core:dataset_csv", args=[slug])
    metadata_path = reverse("core:dataset_csvw", args=[slug])
    assert metadata_path == f"/data/{slug}.csv-metadata.json"
    response = client.get(metadata_path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/csvm+json"
    metadata = json.loads(body(response))
    assert urljoin(metadata_path, metadata["url"]) == csv_path
    header = next(csv.reader(io.StringIO(body(client.get(csv_path)).decode("utf-8"))))
    columns = metadata["tableSchema"]["columns"]
    assert [c["name"] for c in columns] == header
    assert [c["titles"] for c in columns] == header
    dataset = opendata.get(slug)
    for column, described in zip(dataset.columns, columns, strict=True):
        assert described["datatype"] == lkod.CSVW_DATATYPES[column.type]
        assert {d["@language"] for d in described["dc:description"]} == {"cs", "en"}
        assert ("separator" in described) == (column.type == "list")


def test_a_column_with_a_unit_says_it_and_booleans_read_as_written():
    described = lkod.csvw_column(opendata.Column("amount", "decimal", "Amount", unit="CZK"))
    assert described["schema:unitText"] == "CZK"
    assert "schema:unitText" not in lkod.csvw_column(opendata.Column("n", "integer", "N"))
    assert lkod.csvw_column(opendata.Column("b", "boolean", "B"))["datatype"] == {
        "base": "boolean", "format": "ano|ne"}


def test_the_zip_holds_the_csvw_metadata_beside_each_csv(client):
    archive = zipfile.ZipFile(io.BytesIO(body(client.get(reverse("core:dataset_zip")))))
    for dataset in opendata.datasets():
        metadata = json.loads(archive.read(f"{dataset.slug}.csv-metadata.json"))
        assert metadata["url"] == f"{dataset.slug}.csv" and f"{dataset.slug}.csv" in (
            archive.namelist())


def test_missing_city_fields_are_left_out_and_the_data_page_says_so(client):
    city = the_city()
    city.ico, city.ruian_code = "", ""
    city.save()
    dataset = opendata.get("organisations")
    triples = to_triples(get_document(client, lkod.dataset_iri(dataset)))
    iri = lkod.dataset_iri(dataset)
    assert not objects(triples, iri, DCT + "spatial")
    assert not objects(triples, iri, DCT + "publisher")
    assert objects(triples, iri, DCAT + "distribution")
    page = client.get(reverse("core:data_catalogue"), HTTP_ACCEPT_LANGUAGE="cs")
    text = page.content.decode()
    assert "Katalog zatím není úplný" in text
    assert "IČO města" in text and "kód RÚIAN území" in text
    assert f'href="{reverse("core:lkod_catalogue")}"' in text

    city.ico, city.ruian_code = "12345679", "500011"
    city.save()
    text = client.get(reverse("core:data_catalogue")).content.decode()
    assert "Katalog zatím není úplný" not in text
    assert f'href="{reverse("core:lkod_dataset", args=["organisations"])}"' in text
    assert f'href="{reverse("core:dataset_csvw", args=["organisations"])}"' in text


def test_no_city_no_catalogue(client, no_city):
    assert client.get(reverse("core:lkod_catalogue")).status_code == 404
    assert client.get(reverse("core:lkod_dataset", args=["organisations"])).status_code == 404
    assert "Katalog zatím není úplný" in client.get(reverse("core:data_catalogue")).content.decode()


def test_an_unknown_dataset_is_404(client):
    assert client.get(reverse("core:lkod_dataset", args=["nic"])).status_code == 404
    assert client.get(reverse("core:dataset_csvw", args=["nic"])).status_code == 404


def test_the_vendored_context_is_the_official_text_and_is_served(client):
    raw = lkod.CONTEXT_FILE.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == OFFICIAL_CONTEXT_SHA256
    response = client.get(reverse("core:lkod_context"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    assert response.content == raw


@pytest.mark.parametrize(("key", "value", "predicate", "expected"), [
    ("soubor_ke_stažení", "https://x.test/a.csv", DCAT + "downloadURL", "https://x.test/a.csv"),
    ("přístupové_url", "https://x.test/a.csv", DCAT + "accessURL", "https://x.test/a.csv"),
    ("typ_média", "http://www.iana.org/assignments/media-types/text/csv", DCAT + "mediaType",
     "http://www.iana.org/assignments/media-types/text/csv"),
    ("formát", "http://publications.europa.eu/resource/authority/file-type/CSV",
     DCT + "format", "http://publications.europa.eu/resource/authority/file-type/CSV"),
    ("schéma", "https://x.test/a.csv-metadata.json", DCT + "conformsTo",
     "https://x.test/a.csv-metadata.json"),
    ("prvek_rúian", ["https://linked.cuzk.cz/resource/ruian/obec/1"], DCT + "spatial",
     "https://linked.cuzk.cz/resource/ruian/obec/1"),
    ("osobní_údaje", "https://data.gov.cz/podmínky-užití/neobsahuje-osobní-údaje/",
     TERMS + "osobní-údaje", "https://data.gov.cz/podmínky-užití/neobsahuje-osobní-údaje/"),
])
def test_the_context_maps_the_norms_keys_to_iris(key, value, predicate, expected):
    triples = to_triples({"@context": lkod.CONTEXT_URL, "iri": "https://x.test/n", key: value})
    assert triples == {("https://x.test/n", predicate, expected, None)}


def test_a_plain_string_is_czech_in_the_norms_context():
    """The official context makes Czech the default language: text outside
    a language map would be Czech whatever it says, so the documents keep
    every text in a language map."""
    triples = to_triples({"@context": lkod.CONTEXT_URL, "iri": "https://x.test/n",
                          "název": {"en": "Title"}, "dcterms:subject": "plain"})
    assert ("https://x.test/n", DCT + "title", "Title", "en") in triples
    assert ("https://x.test/n", DCT + "subject", "plain", "cs") in triples


def test_a_key_outside_the_context_is_found():
    context = official_context()
    assert undefined_keys({"typ": "Datová sada", "název": {"cs": "x"}, "distribuce": [
        {"typ": "Distribuce", "licence": "x"}]}, context) == {"licence"}


def test_a_post_is_refused(client):
    assert client.post(reverse("core:lkod_catalogue")).status_code == 405


committed = pytest.mark.django_db(transaction=True)


@committed
def test_the_iris_stay_when_the_data_changes_and_the_documents_are_kept_per_version(
        client, django_assert_num_queries):
    CityFactory(ico="12345679", ruian_code="500011")
    first = client.get(reverse("core:lkod_catalogue"))
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, no-cache"
    etag = first["ETag"]
    document = body(first)
    with django_assert_num_queries(1):  # the data version; the city is cached
        assert client.get(reverse("core:lkod_catalogue"),
                          HTTP_IF_NONE_MATCH=etag).status_code == 304
    dataset_before = body(client.get(reverse("core:lkod_dataset", args=["organisations"])))
    OrganisationFactory(name="Nová organizace")
    # A new version of the data, the same document: the same ETag still answers 304.
    assert client.get(reverse("core:lkod_catalogue"),
                      HTTP_IF_NONE_MATCH=etag).status_code == 304
    again = client.get(reverse("core:lkod_catalogue"))
    assert body(again) == document and again["ETag"] == etag
    assert body(client.get(reverse("core:lkod_dataset", args=["organisations"]))) == (
        dataset_before)
    # A change of the city settings shows at once.
    city = City.objects.get()
    city.ico = "87654326"
    city.save()
    changed = json.loads(body(client.get(reverse("core:lkod_catalogue"))))
    assert changed["poskytovatel"].endswith("/87654326")


def test_an_officer_sets_the_provider_and_territory_in_the_city_settings(client, officer):
    city = the_city()
    city.ico, city.ruian_code = "", ""
    city.save()
    client.force_login(officer)
    response = client.post(reverse("directory:city_settings"), {
        "name": city.name, "full_name": "Statutární město Testov", "department": "",
        "address": "", "home_territory": "", "region": "", "document_language": "cs",
        "currency": "CZK", "currency_symbol": "", "ico": "12345679", "ruian_code": "500011",
        "open_data_licence": "", "version": city.version})
    assert response.status_code == 302
    client.logout()
    document = get_document(client, lkod.dataset_iri(opendata.get("measures")))
    assert document["poskytovatel"].endswith("/orgán-veřejné-moci/12345679")
    assert document["prvek_rúian"] == ["https://linked.cuzk.cz/resource/ruian/obec/500011"]
    # An empty licence is CC BY 4.0.
    assert document["distribuce"][0]["podmínky_užití"]["autorské_dílo"] == CC_BY
