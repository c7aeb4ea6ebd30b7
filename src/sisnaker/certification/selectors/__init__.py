"""Certification's reads, by sub-domain: ``readiness`` (where each participant stands: the one way it is
computed), ``assessment`` (the grid, reviews), ``board`` (the readiness board and the overview),
``certificates``, ``ratings``, ``trainings`` (the citizen's "Pelatihan saya")."""

from .assessment import (
    Grid,
    GridCell,
    GridPage,
    GridRow,
    GridTotals,
    assessment_grid,
    assessment_grid_page,
    assessment_sheet_rows,
    assessment_totals,
    cell_of,
    get_program,
    own_enrollment,
    program_instructors,
    review_of,
)
from .board import (
    CLOSING_SOON_DAYS,
    Board,
    BoardRow,
    CertificateWork,
    OverviewRow,
    assessment_gaps,
    board,
    certificate_work,
    closing_programs,
    eligible_count,
    issued_since,
    overview,
    overview_institution_ids,
    require_board_viewer,
)
from .certificates import (
    STAFF_ONLY,
    EnrollmentCertificate,
    certificate_for,
    certificates_of_enrollments,
    enrollment_certificate,
    get_certificate,
    issuer_standing_of,
    my_certificates,
    register_search,
)
from .links import active_links, certificate_downloadable, link_expiry, unit_results
from .ratings import (
    Rating,
    institution_rating,
    instructor_rating,
    program_rating,
    rating_of_institution_page,
    rating_of_program_page,
    ratings_for_programs,
)
from .readiness import (
    Row,
    readiness_for,
    readiness_for_enrollments,
    readiness_for_program,
    readiness_of_loaded,
)
from .trainings import MySteps, MyTraining, Todo, my_steps, my_todo, my_trainings, survey_url

__all__ = [
    "CLOSING_SOON_DAYS", "CertificateWork", "assessment_gaps", "certificate_work", "active_links", "certificate_downloadable", "link_expiry", "unit_results", "Board", "BoardRow", "Grid", "GridCell", "GridRow", "MySteps", "MyTraining", "OverviewRow", "Rating",
    "Row", "Todo", "GridPage", "GridTotals", "assessment_grid", "assessment_grid_page", "assessment_sheet_rows", "assessment_totals", "board", "cell_of", "certificate_for", "STAFF_ONLY", "EnrollmentCertificate", "enrollment_certificate", "certificates_of_enrollments", "closing_programs", "eligible_count", "get_certificate",
    "get_program", "institution_rating", "instructor_rating", "issued_since", "issuer_standing_of", "my_certificates",
    "my_steps", "my_todo", "my_trainings", "overview", "overview_institution_ids", "own_enrollment", "program_instructors",
    "program_rating", "rating_of_institution_page", "rating_of_program_page", "ratings_for_programs", "readiness_for", "readiness_for_enrollments", "readiness_for_program",
    "readiness_of_loaded", "register_search", "require_board_viewer", "review_of", "survey_url",
]
