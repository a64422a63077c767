"""The reference data of the network: the kinds of social services of Act
No. 108/2006 Sb. (§ 37–70), the target groups as the national register of
social services lists them, and the usual capacity units. Administrators
keep them afterwards; this migration adds only the rows that are missing."""

from django.db import migrations

COUNSELLING, CARE, PREVENTION = "counselling", "care", "prevention"

KINDS = [
    ("37", "odborné sociální poradenství", COUNSELLING),
    ("39", "osobní asistence", CARE),
    ("40", "pečovatelská služba", CARE),
    ("41", "tísňová péče", CARE),
    ("42", "průvodcovské a předčitatelské služby", CARE),
    ("43", "podpora samostatného bydlení", CARE),
    ("44", "odlehčovací služby", CARE),
    ("45", "centra denních služeb", CARE),
    ("46", "denní stacionáře", CARE),
    ("47", "týdenní stacionáře", CARE),
    ("48", "domovy pro osoby se zdravotním postižením", CARE),
    ("49", "domovy pro seniory", CARE),
    ("50", "domovy se zvláštním režimem", CARE),
    ("51", "chráněné bydlení", CARE),
    ("52", "sociální služby poskytované ve zdravotnických zařízeních lůžkové péče", CARE),
    ("54", "raná péče", PREVENTION),
    ("55", "telefonická krizová pomoc", PREVENTION),
    ("56", "tlumočnické služby", PREVENTION),
    ("57", "azylové domy", PREVENTION),
    ("58", "domy na půl cesty", PREVENTION),
    ("59", "kontaktní centra", PREVENTION),
    ("60", "krizová pomoc", PREVENTION),
    ("60a", "intervenční centra", PREVENTION),
    ("61", "nízkoprahová denní centra", PREVENTION),
    ("62", "nízkoprahová zařízení pro děti a mládež", PREVENTION),
    ("63", "noclehárny", PREVENTION),
    ("64", "služby následné péče", PREVENTION),
    ("65", "sociálně aktivizační služby pro rodiny s dětmi", PREVENTION),
    ("66", "sociálně aktivizační služby pro seniory a osoby se zdravotním postižením",
     PREVENTION),
    ("67", "sociálně terapeutické dílny", PREVENTION),
    ("68", "terapeutické komunity", PREVENTION),
    ("69", "terénní programy", PREVENTION),
    ("70", "sociální rehabilitace", PREVENTION),
]

TARGET_GROUPS = [
    "děti a mládež ve věku od 6 do 26 let ohrožené společensky nežádoucími jevy",
    "etnické menšiny",
    "imigranti a azylanti",
    "oběti domácího násilí",
    "oběti obchodu s lidmi",
    "oběti trestné činnosti",
    "osoby bez přístřeší",
    "osoby do 26 let věku opouštějící školská zařízení pro výkon ústavní péče",
    "osoby komerčně zneužívané",
    "osoby s chronickým duševním onemocněním",
    "osoby s chronickým onemocněním",
    "osoby s jiným zdravotním postižením",
    "osoby s kombinovaným postižením",
    "osoby s mentálním postižením",
    "osoby s tělesným postižením",
    "osoby se sluchovým postižením",
    "osoby se zdravotním postižením",
    "osoby se zrakovým postižením",
    "osoby v krizi",
    "osoby žijící v sociálně vyloučených komunitách",
    "osoby, které vedou rizikový způsob života nebo jsou tímto způsobem života ohroženy",
    "osoby ohrožené závislostí nebo závislé na návykových látkách",
    "pachatelé trestné činnosti",
    "pečující osoby",
    "rodiny s dítětem/dětmi",
    "senioři",
]

CAPACITY_UNITS = [
    ("uvazky", "úvazky"),
    ("luzka", "lůžka"),
    ("hodiny", "hodiny"),
    ("klienti", "klienti (okamžitá kapacita)"),
    ("mista", "místa"),
]


def load(apps, schema_editor):
    db = schema_editor.connection.alias
    ServiceKind = apps.get_model("network", "ServiceKind")
    TargetGroup = apps.get_model("network", "TargetGroup")
    CapacityUnit = apps.get_model("network", "CapacityUnit")
    for position, (paragraph, name, group) in enumerate(KINDS, start=1):
        ServiceKind.objects.using(db).get_or_create(
            paragraph=paragraph, defaults={"name": name, "group": group, "position": position})
    for position, name in enumerate(TARGET_GROUPS, start=1):
        TargetGroup.objects.using(db).get_or_create(name=name, defaults={"position": position})
    for position, (code, name) in enumerate(CAPACITY_UNITS, start=1):
        CapacityUnit.objects.using(db).get_or_create(
            code=code, defaults={"name": name, "position": position})


class Migration(migrations.Migration):

    dependencies = [("network", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
