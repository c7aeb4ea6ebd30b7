from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("daftar/", views.signup, name="signup"),
    path("daftar/verifikasi/<str:token>/", views.signup_verify, name="signup_verify"),
    path("nik/", views.nik_register, name="nik_register"),
    path("nik/verifikasi/<str:token>/", views.nik_verify, name="nik_verify"),
    path("bahasa/", views.language, name="language"),
    path("sengketa/", views.disputes, name="disputes"),
    path("sengketa/<int:dispute_id>/", views.dispute_detail, name="dispute"),
    path("masuk/", views.login_view, name="login"),
    path("masuk/kode/", views.otp_verify, name="otp_verify"),
    path("lupa-sandi/", views.password_reset, name="password_reset"),
    path("lupa-sandi/kode/<str:token>/", views.password_reset_code, name="password_reset_code"),
    path("lupa-sandi/email/", views.password_reset_email, name="password_reset_email"),
    path("lupa-sandi/email/terkirim/", views.password_reset_email_sent, name="password_reset_email_sent"),
    path("lupa-sandi/email/<uidb64>/<token>/", views.password_reset_link, name="password_reset_confirm"),
    path("lupa-sandi/selesai/", views.password_reset_complete, name="password_reset_complete"),
    path("keluar/", views.logout_view, name="logout"),
    path("saya/", views.profile, name="profile"),
    path("saya/unduh/", views.data_download, name="data_download"),
    path("keamanan/2fa/", views.otp_setup, name="otp_setup"),
    path("keamanan/2fa/hapus/", views.otp_remove, name="otp_remove"),
    path("audit/", views.audit_trail, name="audit"),
    path("orang/", views.people, name="people"),
    path("orang/<int:person_id>/", views.person_detail, name="person"),
    path("orang/<int:person_id>/perbaiki/", views.person_correct, name="person_correct"),
]
