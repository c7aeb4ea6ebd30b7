from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says (and feeds, bookmarks, the API docs page).
    path("favicon.ico", views.favicon, name="favicon"),
]
