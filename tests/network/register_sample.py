"""A small file in the format of the national register's open dataset
(Registr poskytovatelů sociálních služeb, MPSV), for the reader's tests.

Source of the format: https://data.mpsv.cz/web/data/rpss (the dataset),
https://data.mpsv.cz/od/soubory/rpss/rpss.json (the data) and
https://data.mpsv.cz/od/soubory/rpss/rpss.schema.json (its schema), with the
fields as the dataset's users document them from the real file:
https://github.com/zdenekpesicka/AutomatizaceKatalogu (CLAUDE.md § 2.1,
import/mpsv.py). The providers, identifiers and numbers here are made up."""

import json

PROVIDER_ICO = "26593548"  # the directory's organisation of the tests
OTHER_ICO = "00000001"  # a provider of another city


def _form(code, *capacities):
    return {"forma": {"id": f"FormaSocialniSluzby/{code}"}, "nepretrzitePoskytovani": False,
            "casoveRozsahy": None,
            "kapacity": [{"pocet": count, "popis": f"Maximální kapacita {count}.",
                          "typ": {"id": f"TypKapacitySocialniSluzby/{unit}"}}
                         for unit, count in capacities]}


def item(identifier, *, kind=28, ico=PROVIDER_ICO, forms=None, groups=(26,),
         started="2015-01-01", ended=None, facility="SAS Rodina v pohybu"):
    return {
        "portalId": int(identifier) % 100000, "id": f"SocialniSluzba/{identifier}",
        "identifikator": identifier,
        "datumPoskytovaniOd": started, "datumPoskytovaniDo": ended,
        "kontaktniAdresy": [],
        "druhSocialniSluzby": {"id": f"DruhSocialniSluzby/{kind}"},
        "zarizeni": [{"nazev": facility, "poskytujeOd": started, "poskytujeDo": None,
                      "adresa": {"psc": "70200", "obec": {"id": "Obec/554821"},
                                 "ulice": {"nazev": "Nádražní"}}}],
        "poskytovatel": {"ico": ico, "nazev": "Spolu pro rodinu, z.s.", "emaily": [],
                         "telefony": [], "weby": []},
        "emaily": [], "telefony": [], "faxy": [], "weby": [],
        "ciloveSkupiny": [{"cilovaSkupina": {"id": f"CilovaSkupinaOsoby/{g}"}}
                          for g in groups],
        "vekoveSkupiny": [], "doplnujiciInformaceVekoveSkupiny": None,
        "formy": forms if forms is not None else [_form("amb"), _form("ter", ("klient", 5))],
        "rozsirenePusobnostiVKraji": [], "doplnkoveUdaje": None,
    }


def sample(existing_id):
    """A new service of the provider (one target group not in the reference
    data), the provider's service already in the network (`existing_id`),
    another city's service and a registration that ended long ago."""
    return [
        item("5551234", groups=(26, 27)),
        item(existing_id, forms=[_form("amb", ("klient", 3))], facility="Stávající"),
        item("5559999", ico=OTHER_ICO),
        item("5558888", ended="2019-12-31"),
    ]


def as_bytes(items):
    return json.dumps({"polozky": items}, ensure_ascii=False).encode("utf-8")
