from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("saya/", views.mine, name="mine"),
    path("saya/rekening/", views.account, name="account"),
    path("lembaga/<int:institution_id>/rekening/", views.institution_account, name="institution_account"),
    path("", views.desk, name="desk"),
    path("hitung/", views.accrue, name="accrue"),
    path("aturan/", views.rule_set, name="rule_set"),
    path("batch/baru/", views.batch_build, name="batch_build"),
    path("batch/<int:batch_id>/", views.batch, name="batch"),
    path("batch/<int:batch_id>/setujui/", views.batch_approve, name="batch_approve"),
    path("batch/<int:batch_id>/batalkan/", views.batch_cancel, name="batch_cancel"),
    path("batch/<int:batch_id>/berkas-bank/", views.batch_export, name="batch_export"),
    path("batch/<int:batch_id>/hasil-bank/", views.batch_result, name="batch_result"),
    path("batch/<int:batch_id>/pengembalian/", views.batch_return, name="batch_return"),
    path("kewajiban/", views.payable_list, name="payables"),
    path("kewajiban/<int:payable_id>/batalkan/", views.payable_cancel, name="payable_cancel"),
    path("batch/<int:batch_id>/laporan.xlsx", views.batch_report, name="batch_report"),
    path("pemeriksaan-rekening/", views.review_queue, name="review_queue"),
    path("pemeriksaan-rekening/<int:account_id>/", views.review_decide, name="review_decide"),
    path("rekonsiliasi/", views.reconciliation, name="reconciliation"),
]
