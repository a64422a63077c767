"""The accessibility statement and its request form are public; the
administrator edits the statement and answers requests to fix; officers keep
the known gaps."""

from tests.directory.factories import (
    AccessibilityGapFactory,
    AccessibilityRequestFactory,
    AccessibilityStatementFactory,
)

from . import LOGIN, everyone, officers_only, signed_in


def extend_world(world):
    return {
        "accessibility_statement": AccessibilityStatementFactory(),
        "accessibility_gap": AccessibilityGapFactory(),
        "accessibility_request": AccessibilityRequestFactory(),
    }


def administrator_only():
    return {**signed_in(403), "anonymous": LOGIN, "administrator": 200}


MATRIX = {
    "directory:accessibility": [("", lambda w: [], everyone())],
    "directory:accessibility_request": [("", lambda w: [], everyone())],
    "directory:accessibility_edit": [("", lambda w: [], administrator_only())],
    "directory:accessibility_gap_list": [("", lambda w: [], officers_only())],
    "directory:accessibility_gap_create": [("", lambda w: [], officers_only())],
    "directory:accessibility_gap_update": [
        ("", lambda w: [w["accessibility_gap"].pk], officers_only())],
    "directory:accessibility_request_list": [("", lambda w: [], administrator_only())],
    "directory:accessibility_request_answer": [
        ("", lambda w: [w["accessibility_request"].pk], administrator_only())],
}
