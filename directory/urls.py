"""The directory: organisations, people, working groups and their memberships."""

from django.urls import path

from core.origin import same_origin_form
from core.pagecache import cache_public_list, cache_public_page

from . import views, views_accessibility, views_privacy

app_name = "directory"

# Public pages, cached for anonymous readers (core.pagecache).
public = cache_public_page()

urlpatterns = [
    path("organisations/", cache_public_list(views.OrganisationListView), name="organisation_list"),
    path("organisations/new/", views.OrganisationCreateView.as_view(), name="organisation_create"),
    path("organisations/<int:pk>/", public(views.OrganisationDetailView.as_view()),
         name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.OrganisationUpdateView.as_view(),
         name="organisation_update"),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/new/", views.PersonCreateView.as_view(), name="person_create"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("people/<int:pk>/edit/", views.PersonUpdateView.as_view(), name="person_update"),
    path("groups/", cache_public_list(views.WorkingGroupListView), name="group_list"),
    path("groups/new/", views.WorkingGroupCreateView.as_view(), name="group_create"),
    path("groups/<slug:code>/", public(views.WorkingGroupDetailView.as_view()),
         name="group_detail"),
    path("groups/<slug:code>/edit/", views.WorkingGroupUpdateView.as_view(), name="group_update"),
    path("groups/<slug:code>/members/new/", views.MembershipStartView.as_view(),
         name="membership_start"),
    path("groups/<slug:code>/members/<int:pk>/change/", views.MembershipChangeView.as_view(),
         name="membership_change"),
    path("groups/<slug:code>/members/<int:pk>/end/", views.MembershipEndView.as_view(),
         name="membership_end"),
    path("territories/", views.TerritoryListView.as_view(), name="territory_list"),
    path("territories/new/", views.TerritoryCreateView.as_view(), name="territory_create"),
    path("territories/<int:pk>/edit/", views.TerritoryUpdateView.as_view(),
         name="territory_update"),
    path("territories/<int:pk>/delete/", views.TerritoryDeleteView.as_view(),
         name="territory_delete"),
    path("city/settings/", views.CitySettingsView.as_view(), name="city_settings"),
    path("city/logo/", views.CityLogoView.as_view(), name="city_logo"),
    path("accessibility/", public(views_accessibility.AccessibilityStatementView.as_view()),
         name="accessibility"),
    # Linked from every page's footer: cached like the pages, so its form carries
    # no token (core.origin); `?page=` names the page the request is about.
    path("accessibility/request/",
         same_origin_form(cache_public_page(free_text=("page",))(
             views_accessibility.AccessibilityRequestView.as_view())),
         name="accessibility_request"),
    path("accessibility/edit/", views_accessibility.AccessibilityStatementEditView.as_view(),
         name="accessibility_edit"),
    path("accessibility/gaps/", views_accessibility.AccessibilityGapListView.as_view(),
         name="accessibility_gap_list"),
    path("accessibility/gaps/new/", views_accessibility.AccessibilityGapCreateView.as_view(),
         name="accessibility_gap_create"),
    path("accessibility/gaps/<int:pk>/edit/",
         views_accessibility.AccessibilityGapUpdateView.as_view(),
         name="accessibility_gap_update"),
    path("accessibility/requests/", views_accessibility.AccessibilityRequestListView.as_view(),
         name="accessibility_request_list"),
    path("accessibility/requests/<int:pk>/",
         views_accessibility.AccessibilityRequestAnswerView.as_view(),
         name="accessibility_request_answer"),
    path("people/<int:pk>/export/", views_privacy.PersonExportView.as_view(),
         name="person_export"),
    path("people/<int:pk>/anonymise/", views_privacy.PersonAnonymiseView.as_view(),
         name="person_anonymise"),
    path("privacy/", public(views_privacy.PrivacyNoticeView.as_view()), name="privacy"),
    path("privacy/edit/", views_privacy.PrivacyNoticeEditView.as_view(), name="privacy_edit"),
    path("privacy/data/new/", views_privacy.PrivacyDataKindCreateView.as_view(),
         name="privacy_data_kind_create"),
    path("privacy/data/<int:pk>/edit/", views_privacy.PrivacyDataKindUpdateView.as_view(),
         name="privacy_data_kind_update"),
]
