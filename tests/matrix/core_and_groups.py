from . import LOGIN, everyone, officers_and_manager_of_a, officers_only, signed_in  # noqa: F401

MATRIX = {
    "core:home": [("", lambda w: [], everyone())],
    "core:data_catalogue": [("", lambda w: [], everyone())],
    "core:dataset_csv": [("organisations", lambda w: ["organisations"], everyone())],
    "core:dataset_json": [("working-groups", lambda w: ["working-groups"], everyone())],
    "core:dataset_zip": [("", lambda w: [], everyone())],
    # The Data Package: every CSV with its Table Schema.
    "core:datapackage": [("", lambda w: [], everyone())],
    # The local open-data catalogue (LKOD) and the CSV on the Web metadata.
    "core:dataset_csvw": [("measures", lambda w: ["measures"], everyone())],
    "core:lkod_catalogue": [("", lambda w: [], everyone())],
    "core:lkod_dataset": [("projects", lambda w: ["projects"], everyone())],
    "core:lkod_context": [("", lambda w: [], everyone())],
    "core:healthz": [("", lambda w: [], everyone())],
    # The audit trail (who changed what and when): officers only (issue 15).
    "core:audit_trail": [("", lambda w: [], officers_only())],
    # The autocomplete: public sets for everyone, people's names for those who
    # name people in forms (officers, managers, contact persons).
    "core:autocomplete": [
        ("organisations", lambda w: ["organisations"], everyone()),
        ("groups", lambda w: ["groups"], everyone()),
        ("implementers", lambda w: ["implementers"], everyone()),
        ("projects", lambda w: ["projects"], everyone()),
        ("indicators", lambda w: ["indicators"], everyone()),
        ("specific-goals", lambda w: ["specific-goals"], everyone()),
        ("measures", lambda w: ["measures"], everyone()),
        ("people", lambda w: ["people"], {**officers_and_manager_of_a(), "contact_a": 200}),
    ],
    "directory:organisation_list": [("", lambda w: [], everyone())],
    "directory:organisation_detail": [("X", lambda w: [w["org_x"].pk], everyone())],
    "directory:organisation_create": [("", lambda w: [], officers_only())],
    "directory:organisation_update": [("X", lambda w: [w["org_x"].pk], officers_only())],
    "directory:person_list": [("", lambda w: [], officers_only())],
    "directory:person_create": [("", lambda w: [], officers_only())],
    "directory:person_detail": [("", lambda w: [w["group_a"].manager.pk], officers_only())],
    "directory:person_update": [("", lambda w: [w["group_a"].manager.pk], officers_only())],
    "directory:group_list": [("", lambda w: [], everyone())],
    "directory:group_detail": [
        ("A", lambda w: [w["group_a"].code], everyone()),
        ("B", lambda w: [w["group_b"].code], everyone()),
    ],
    "directory:group_create": [("", lambda w: [], officers_only())],
    "directory:group_update": [
        ("A", lambda w: [w["group_a"].code], officers_and_manager_of_a()),
        ("B", lambda w: [w["group_b"].code], officers_only()),
    ],
    "directory:membership_start": [
        ("A", lambda w: [w["group_a"].code], officers_and_manager_of_a()),
        ("B", lambda w: [w["group_b"].code], officers_only()),
    ],
    "directory:membership_change": [
        ("A", lambda w: [w["group_a"].code, w["seat_a"].pk], officers_and_manager_of_a()),
        ("B", lambda w: [w["group_b"].code, w["seat_b"].pk], officers_only()),
    ],
    "directory:membership_end": [
        ("A", lambda w: [w["group_a"].code, w["seat_a"].pk], officers_and_manager_of_a()),
        ("B", lambda w: [w["group_b"].code, w["seat_b"].pk], officers_only()),
    ],
    # Signed-in users are sent on from the login page.
    "accounts:login": [("", lambda w: [], {**signed_in(302), "anonymous": 200})],
    # Logging out is a POST (CSRF-protected); a GET is refused for everyone.
    "accounts:logout": [("", lambda w: [], everyone(405))],
    "accounts:profile": [("", lambda w: [], signed_in())],
    "accounts:password_change": [("", lambda w: [], signed_in())],
    "accounts:password_change_done": [("", lambda w: [], signed_in())],
    "accounts:password_reset": [("", lambda w: [], everyone())],
    "accounts:password_reset_done": [("", lambda w: [], everyone())],
    "accounts:password_reset_confirm": [("bad token", lambda w: ["MQ", "bad-token"], everyone())],
    "accounts:password_reset_complete": [("", lambda w: [], everyone())],
    # A GET does not change the language; it only redirects back.
    "set_language": [("", lambda w: [], everyone(302))],
    # The language switch of every page: sets the language cookie, goes back.
    "core:switch_language": [("", lambda w: [], everyone(302))],
}

