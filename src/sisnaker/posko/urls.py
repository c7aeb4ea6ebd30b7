from django.urls import path

from . import views

app_name = "posko"
urlpatterns = [
    path("", views.posko_list, name="list"),
    path("baru/", views.posko_create, name="create"),
    path("<int:posko_id>/", views.posko_detail, name="detail"),
    path("<int:posko_id>/status/", views.posko_status, name="status"),
    path("<int:posko_id>/catat-warga/", views.register, name="register"),
    path("<int:posko_id>/warga/<int:assistance_id>/", views.assisted, name="assisted"),
    path("<int:posko_id>/warga/<int:assistance_id>/pelatihan/", views.apply_training, name="apply_training"),
    path("<int:posko_id>/prakerja/<int:wave_id>/", views.apply_prakerja, name="apply_prakerja"),
]
