from django.urls import path

from . import views

app_name = "placement"
urlpatterns = [
    path("ak1/saya/", views.ak1_mine, name="ak1_mine"),
    path("ak1/daftar/", views.ak1_apply, name="ak1_apply"),
    path("ak1/antrean/", views.ak1_queue, name="ak1_queue"),
    path("ak1/<int:card_id>/", views.ak1_card, name="ak1_card"),
    path("ak1/<int:card_id>/terbitkan/", views.ak1_issue, name="ak1_issue"),
    path("ak1/<int:card_id>/tolak/", views.ak1_refuse, name="ak1_refuse"),
    path("ak1/<int:card_id>/lapor/", views.ak1_report, name="ak1_report"),
    path("ak1/<int:card_id>/ubah/", views.ak1_update, name="ak1_update"),
    path("ak1/<int:card_id>/pdf/", views.ak1_pdf, name="ak1_pdf"),
    path("ak1/v/<str:verification_id>/", views.ak1_verify, name="ak1_verify"),
]
