from django.urls import path

from cases import (
    views,
    views_closure,
    views_course,
    views_fit_alerts,
    views_measurements,
    views_meetings,
    views_network,
    views_outcomes_other,
    views_plan,
    views_safety,
    views_safety_plan,
    views_visits,
)

app_name = "cases"
urlpatterns = [
    path("", views.family_list, name="family_list"),
    path("ny/", views.family_create, name="family_create"),
    path("<int:pk>/", views.family_detail, name="family_detail"),
    path("<int:pk>/ret/", views.family_edit, name="family_edit"),
    path("<int:pk>/medlem/<int:member_pk>/cpr/", views.member_cpr_reveal, name="member_cpr_reveal"),
]
urlpatterns += views_plan.urlpatterns
urlpatterns += views_safety.urlpatterns
urlpatterns += views_safety_plan.urlpatterns
urlpatterns += views_network.urlpatterns
urlpatterns += views_meetings.urlpatterns
urlpatterns += views_visits.urlpatterns
urlpatterns += views_course.urlpatterns
urlpatterns += views_fit_alerts.urlpatterns
urlpatterns += views_measurements.urlpatterns
urlpatterns += views_outcomes_other.urlpatterns
urlpatterns += views_closure.urlpatterns
