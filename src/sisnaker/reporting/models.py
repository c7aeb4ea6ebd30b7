"""The reporting read model (issue 13): figures that the dashboards read, kept apart from the modules' tables.

Nothing else reads or writes these tables. ``services.figures_refresh`` rebuilds them from the modules' rows — a
year at a time (full), or the (year, province) units that changed (incremental) — in two steps:

1. ``Fact``: one narrow row per event (an enrolment registered, a certificate issued, a payment made ...), named by
   its measure and source row, with the person's region codes under both bases and the breakdown values — one
   ``INSERT … SELECT`` per measure.
2. ``Figure`` (per year, every breakdown, nation → province → regency; districts for the totals) and
   ``MonthlyFigure`` (totals per month, nation → regency, for the trend lines): ``GROUP BY`` over the facts, then
   roll-ups of the regency rows.

A dashboard view reads a few dozen ``Figure`` rows by (basis, region, measure, year) — never the base tables — so
it answers in the same time with 5,000 or 5,000,000 persons, and the tables can move to a replica or an
analytical engine without touching the modules.
"""

from __future__ import annotations

from django.db import models


class Fact(models.Model):
    """One event of one person, the staging rows of the read model (see the module's docstring)."""

    measure = models.CharField(max_length=24)
    # The id of the source row (an enrolment, a certificate, a card ...; ``sources.SOURCES``): with the measure it
    # names the fact, so that the incremental refresh replaces exactly the facts of the rows that changed.
    src = models.BigIntegerField(default=0)
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    # The province under each basis (the first two digits of the codes below): the unit of the incremental refresh.
    dom_province = models.CharField(max_length=2, default="")
    ktp_province = models.CharField(max_length=2, default="")
    dom_district = models.CharField(max_length=8)  # the domicile district's code ("32.73.01")
    ktp_regency = models.CharField(max_length=5)  # the NIK's (KTP's) regency
    ktp_district = models.CharField(max_length=8, blank=True)  # the NIK's district when known
    field = models.CharField(max_length=20, blank=True)  # vocational field id
    institution = models.CharField(max_length=20, blank=True)  # institution id
    funding = models.CharField(max_length=10, blank=True)
    sex = models.CharField(max_length=1)
    disability = models.CharField(max_length=1)  # "y" / "n"
    age = models.CharField(max_length=8)
    education = models.CharField(max_length=10, blank=True)
    amount = models.BigIntegerField(default=0)  # rupiah, for the money measures

    class Meta:
        # Three indexes only (every one slows the bulk inserts): a (year, province) of either basis, and a row.
        indexes = [
            models.Index(fields=["year", "dom_province"], name="reporting_fact_dom_idx"),
            models.Index(fields=["year", "ktp_province"], name="reporting_fact_ktp_idx"),
            models.Index(fields=["src"], name="reporting_fact_src_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.year}-{self.month:02d} {self.dom_district}"


class Figure(models.Model):
    """A count (and a sum of rupiah) of one measure, in one year, for the residents of one region, under one
    breakdown value. ``level``: 0 nation (region ""), 1 province, 2 regency, 3 district (totals only);
    ``parent``: the region one level up ("" for provinces, "-" for the nation) for the drill-down.
    ``dim`` "all" (value "") is the total; other dims are the breakdowns (``domain.DIMENSIONS``)."""

    year = models.PositiveSmallIntegerField()
    basis = models.CharField(max_length=1)  # "d" domicile, "k" KTP (NIK) region
    level = models.PositiveSmallIntegerField()
    region = models.CharField(max_length=8)
    parent = models.CharField(max_length=8)
    measure = models.CharField(max_length=24)
    dim = models.CharField(max_length=12)
    value = models.CharField(max_length=20)
    n = models.BigIntegerField()
    amount = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "basis", "region", "measure", "dim", "value"], name="reporting_figure_unique"),
            models.CheckConstraint(condition=models.Q(basis__in=["d", "k"]), name="reporting_figure_basis"),
        ]
        indexes = [
            models.Index(fields=["basis", "region", "dim", "measure", "year"], name="reporting_figure_region_idx"),
            # The drill-down reads only the totals of the children: the breakdown rows (the institutions of every
            # regency are most of the table) stay out of this index.
            models.Index(fields=["basis", "parent", "measure", "year"], condition=models.Q(dim="all"),
                         name="reporting_figure_parent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.year} {self.region or 'ID'} {self.dim}={self.value}: {self.n}"


class MonthlyFigure(models.Model):
    """The total of one measure in one month for the residents of one region (nation, province, regency)."""

    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    basis = models.CharField(max_length=1)
    level = models.PositiveSmallIntegerField()
    region = models.CharField(max_length=8)
    measure = models.CharField(max_length=24)
    n = models.BigIntegerField()
    amount = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["basis", "region", "measure", "year", "month"], name="reporting_monthly_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.year}-{self.month:02d} {self.region or 'ID'}: {self.n}"


class RefreshState(models.Model):
    """The one row that says how current the figures are (``id`` always 1)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    # Rows changed after this moment are not yet in the figures (the start of the last refresh).
    watermark = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    full_at = models.DateTimeField(null=True, blank=True)  # the last rebuild of every year
    years = models.JSONField(default=list, blank=True)  # the years refreshed last time
    seconds = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"figures as of {self.refreshed_at}"
