from django.urls import path

from . import views

app_name = "accountability"
urlpatterns = [
    path("program/<int:program_id>/", views.lpj, name="lpj"),
    path("program/<int:program_id>/pdf/", views.lpj_pdf, name="lpj_pdf"),
    path("program/<int:program_id>/xlsx/", views.lpj_xlsx, name="lpj_xlsx"),
    # a piece of training's program page ({% fragment %})
    path("program/<int:program_id>/tautan/", views.program_links, name="fragment_program_links"),
]
