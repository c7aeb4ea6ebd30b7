from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("<slug:code>/program/<int:program_id>/", views.summary, name="summary"),
    path("<slug:code>/<int:enrollment_id>/", views.fill, name="fill"),
    path("<slug:code>/<int:enrollment_id>/terima-kasih/", views.thanks, name="thanks"),
]
