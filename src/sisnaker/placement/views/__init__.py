"""Placement pages: ``ak1`` (the job-seeker card), ``jobs`` (companies, vacancies, the public search,
applications)."""
