"""Readiness board and the manager's overview (names in the "certification" namespace, under /sertifikasi/)."""

from django.urls import path

from . import views_board

urlpatterns = [
    path("", views_board.overview, name="overview"),
    path("kesiapan/<int:program_id>/", views_board.board, name="board"),
    path("kesiapan/<int:program_id>/pengingat/", views_board.board_remind, name="board_remind"),
    path("kesiapan/<int:program_id>/terbitkan-semua/", views_board.board_issue_all, name="board_issue_all"),
    path("kesiapan/<int:program_id>/terbitkan-semua/<str:result_id>/", views_board.board_issue_progress,
         name="board_issue_progress"),
]
