from django.urls import path

from reporting import views, views_dashboard

app_name = "reporting"
urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("bestil/", views.run_request, name="run_request"),
    path("<int:pk>/", views.run_detail, name="run_detail"),
    path("<int:pk>/fremdrift/", views.run_progress, name="run_progress"),
    path("<int:pk>/annuller/", views.run_cancel, name="run_cancel"),
    path("<int:pk>/proev-igen/", views.run_retry, name="run_retry"),
    path("filer/<int:pk>/", views.file_download, name="file_download"),
    path("planer/", views.schedule_list, name="schedule_list"),
    path("planer/ny/", views.schedule_create, name="schedule_create"),
    path("planer/<int:pk>/stop/", views.schedule_deactivate, name="schedule_deactivate"),
]
urlpatterns += views_dashboard.urlpatterns
