from django.urls import path

from staffing import views, views_roster

app_name = "staffing"
urlpatterns = [
    path("log-ind/", views.login_view, name="login"),
    path("log-ud/", views.logout_view, name="logout"),
    path("engangskode/opsaet/", views.otp_setup, name="otp_setup"),
    path("engangskode/", views.otp_verify, name="otp_verify"),
    path("adgangskode/", views.password_change, name="password_change"),
]
urlpatterns += views_roster.urlpatterns
