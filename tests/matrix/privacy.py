"""The privacy notice is public; the administrator edits it and its kinds of
personal data."""

from tests.directory.factories import PrivacyDataKindFactory, PrivacyNoticeFactory

from . import LOGIN, everyone, signed_in


def extend_world(world):
    return {"privacy_notice": PrivacyNoticeFactory(),
            "privacy_data_kind": PrivacyDataKindFactory()}


def administrator_only():
    return {**signed_in(403), "anonymous": LOGIN, "administrator": 200}


MATRIX = {
    "directory:privacy": [("", lambda w: [], everyone())],
    "directory:privacy_edit": [("", lambda w: [], administrator_only())],
    "directory:privacy_data_kind_create": [("", lambda w: [], administrator_only())],
    "directory:privacy_data_kind_update": [
        ("", lambda w: [w["privacy_data_kind"].pk], administrator_only())],
}

MATRIX["directory:person_export"] = [
    ("", lambda w: [w["users"]["member_a"].person_id], administrator_only())]

# The confirmation page of anonymising a person who left (the POST is tested in
# tests/directory/test_person_anonymise.py).
MATRIX["directory:person_anonymise"] = [
    ("", lambda w: [w["users"]["member_a"].person_id], administrator_only())]
