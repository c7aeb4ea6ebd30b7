from django.urls import path

from . import io_views

app_name = "training_io"
urlpatterns = [
    path("templat/", io_views.template_download, name="template"),
    path("<int:program_id>/impor/", io_views.import_view, name="import"),
    path("<int:program_id>/impor/galat/<str:token>/", io_views.error_file_download, name="error_file"),
    path("<int:program_id>/ekspor/", io_views.export_view, name="export"),
]
