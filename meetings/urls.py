from django.urls import path

from core.pagecache import cache_public_list, cache_public_page

from . import views, views_participation

app_name = "meetings"

# Public pages, cached for anonymous readers (core.pagecache).
public = cache_public_page()

urlpatterns = [
    path("", cache_public_list(views.MinutesListView), name="list"),
    path("my/", views.DashboardView.as_view(), name="dashboard"),
    path("calendar.ics", views.calendar_feed, name="calendar"),
    path("participation/", views_participation.ParticipationIndexView.as_view(),
         name="participation_index"),
    path("participation/<slug:code>/", views_participation.ParticipationView.as_view(),
         name="participation"),
    path("participation/<slug:code>/<int:year>/",
         views_participation.ParticipationYearView.as_view(), name="participation_year"),
    path("participation/<slug:code>/<int:year>.xlsx",
         views_participation.ParticipationYearXlsxView.as_view(),
         name="participation_year_xlsx"),
    path("calendar/<slug:code>.ics", views.group_calendar_feed, name="group_calendar"),
    path("new/", views.MeetingCreateView.as_view(), name="create"),
    path("events/", cache_public_list(views.EventListView, "year"), name="events"),
    path("events/new/", views.EventCreateView.as_view(), name="event_create"),
    path("events/<int:pk>/edit/", views.EventUpdateView.as_view(), name="event_update"),
    path("events/<int:pk>/delete/", views.EventDeleteView.as_view(), name="event_delete"),
    path("<int:pk>/", public(views.MeetingDetailView.as_view()), name="detail"),
    path("<int:pk>/edit/", views.MeetingUpdateView.as_view(), name="update"),
    path("<int:pk>/meeting.ics", views.MeetingIcsView.as_view(), name="ics"),
    path("<int:pk>/minutes.pdf", views.MinutesPdfView.as_view(), name="pdf"),
    path("<int:pk>/attendance-sheet/", views.AttendanceSheetView.as_view(),
         name="attendance_sheet"),
    path("<int:pk>/attendance-sheet/scan/", views.AttendanceScanView.as_view(), name="scan"),
    path("<int:pk>/membership-changes/new/", views.MembershipChangeCreateView.as_view(),
         name="membership_change"),
    path("<int:pk>/next/", views.NextMeetingView.as_view(), name="next"),
    path("<int:pk>/tasks/<int:task_pk>/status/", views.TaskStatusView.as_view(),
         name="task_status"),
    path("<int:pk>/submit/", views.SubmitView.as_view(), name="submit"),
    path("<int:pk>/review/", views.ReviewView.as_view(), name="review"),
    path("<int:pk>/amend/", views.AmendView.as_view(), name="amend"),
    path("<int:pk>/versions/<int:number>/", views.VersionView.as_view(), name="version"),
    path("<int:pk>/<slug:part>/new/", views.PartCreateView.as_view(), name="part_create"),
    path("<int:pk>/<slug:part>/<int:part_pk>/edit/", views.PartUpdateView.as_view(),
         name="part_update"),
    path("<int:pk>/<slug:part>/<int:part_pk>/delete/", views.PartDeleteView.as_view(),
         name="part_delete"),
]
