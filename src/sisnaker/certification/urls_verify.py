"""Public certificate verification, mounted at /v/ (short, for the QR code): no log-in needed.

* ``/v/``                       — look a certificate up by its number and the holder's birth date (a
                                  posted form; ``?nomor=…`` only fills in the number); rate limited
* ``/v/kunci-publik/``          — the published Ed25519 public key (``?format=pem`` downloads it)
* ``/v/<verification id>/``     — the page the certificate's QR code opens
"""

from django.urls import path

from . import views_certificates as views

app_name = "verify"
urlpatterns = [
    path("", views.verify_lookup, name="lookup"),
    path("kunci-publik/", views.public_key, name="public_key"),
    path("<str:verification_id>/", views.verify_by_id, name="by_id"),
]
