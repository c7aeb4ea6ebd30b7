from django.urls import path

from . import api_integration, views, views_figures

app_name = "prakerja"
urlpatterns = [
    path("", views.home, name="home"),
    path("daftar/<int:wave_id>/", views.apply, name="apply"),
    path("posko/daftar/<int:wave_id>/", views.assist, name="assist"),
    path("verifikasi/<str:token>/", views.confirm, name="confirm"),
    path("saya/", views.mine, name="mine"),
    path("hasil/<int:wave_id>/", views.results, name="results"),
    path("hasil/<int:wave_id>/undian.json", views.draw_data, name="draw_data"),
    path("pmo/", views.pmo, name="pmo"),
    path("pmo/gelombang/<int:wave_id>/", views.wave, name="wave"),
    path("pmo/gelombang/<int:wave_id>/kuota/", views.quotas, name="quotas"),
    path("pmo/gelombang/<int:wave_id>/buka/", views.wave_open, name="wave_open"),
    path("pmo/gelombang/<int:wave_id>/tutup/", views.wave_close, name="wave_close"),
    path("pmo/gelombang/<int:wave_id>/undi/", views.wave_draw, name="wave_draw"),
    path("pmo/kartu/kedaluwarsa/", views.cards_expire, name="cards_expire"),
    path("pmo/tinjauan/", views.reviews, name="reviews"),
    path("pmo/tinjauan/<int:application_id>/", views.review_decide, name="review_decide"),
    path("pmo/pengecualian/", views.exclusions, name="exclusions"),
    path("pmo/pengecualian/<int:import_id>/", views.exclusion_report, name="exclusion_report"),
    path("kurasi/<int:stage>/", views.curation, name="curation"),
    path("kurasi/<int:stage>/<int:entry_id>/", views.curation_decide, name="curation_decide"),
    path("saya/beli/<int:program_id>/", views.buy, name="buy"),
    path("saya/pembelian/<int:purchase_id>/batal/", views.purchase_cancel, name="purchase_cancel"),
    path("saya/pembelian/<int:purchase_id>/setujui/", views.purchase_consent, name="purchase_consent"),
    path("lembaga/<int:institution_id>/", views.institution, name="institution"),
    # Inclusion figures: PMO officers (the nation) and regional officers (their area's residents).
    path("angka/", views_figures.figures, name="figures"),
    path("angka/unduh.xlsx", views_figures.figures_export, {"fmt": "xlsx"}, name="figures_xlsx"),
    path("angka/unduh.csv", views_figures.figures_export, {"fmt": "csv"}, name="figures_csv"),
    path("angka/warga/", views_figures.residents, name="residents"),
]

# The signed partner API (integration.auth.partner_signed), mounted by the root URLconf under /api/v1/integration/.
partner_api = [
    path("payment/redeem-code/status", api_integration.redeem_status, name="redeem_status"),
    path("payment/redeem-code/commit", api_integration.redeem_commit, name="redeem_commit"),
    path("payment/redeem-code/attendance", api_integration.attendance, name="attendance"),
    path("payment/redeem-code/completion", api_integration.completion, name="completion"),
    path("payment/voucher", api_integration.voucher, name="voucher"),
    path("catalogue", api_integration.catalogue, name="catalogue"),
    path("purchase", api_integration.purchase, name="purchase"),
    path("purchase/status", api_integration.purchase_status, name="purchase_status"),
    path("purchase/consent", api_integration.purchase_consent, name="purchase_consent"),
    path("purchase/consent/resend", api_integration.purchase_consent_resend, name="purchase_consent_resend"),
    path("purchase/cancel", api_integration.purchase_cancel, name="purchase_cancel"),
    path("purchases", api_integration.purchase_list, name="purchase_list"),
]
