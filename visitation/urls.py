from visitation.views import committee, referrals, waiting

app_name = "visitation"
urlpatterns = [*referrals.urlpatterns, *committee.urlpatterns, *waiting.urlpatterns]
