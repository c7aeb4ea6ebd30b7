"""Reads of matching (issue 12): vacancies recommended to a job seeker ("Lowongan untuk saya") and candidates
suggested to a vacancy's company. The score is ``placement.matching``'s; here it is computed in SQL over every
candidate row (one statement: unit overlap by a join of the vacancy–unit table against the person's unit ids,
vocational field and location tier by CASE, ``ORDER BY score LIMIT 20``), and the reasons are built in Python
for the 20 rows shown only, by ``matching.score`` on the same facts (tests check both agree).

Who is suggested to an employer (privacy): only people who registered publicly as job seekers — they hold a
valid AK/1 card (issued, not ended, not expired) — and are alumni with at least one standing certificate. The
employer sees their name, home regency, education, the matched units and the reasons: never the NIK, phone,
e-mail or address (applying shares the AK/1 card, as before)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from sisnaker.accounts.models import Person, User
from sisnaker.certification.models import Certificate
from sisnaker.core.errors import Msg, NotFound, PermissionDenied
from sisnaker.core.permissions import require
from sisnaker.training.models import CompetencyUnit, Enrollment, Program

from . import domain, matching
from .codes import JobsCode
from .models import Application, Company, JobSeekerCard, Vacancy
from .selectors import valid_card

NOT_A_CITIZEN = Msg("Rekomendasi lowongan untuk akun warga yang terdaftar dengan NIK.",
                    "Job recommendations are for citizen accounts registered with a NIK.")
VACANCY_NOT_FOUND = Msg("Lowongan tidak ditemukan.", "Vacancy not found.")


def _certified(person_ids: list[int]) -> dict[int, tuple[set[int], set[int]]]:
    """person id → (certified unit ids, certified vocational field ids): the units and field of the programs of
    their enrollments with a standing certificate. One query."""
    out: dict[int, tuple[set[int], set[int]]] = {pid: (set(), set()) for pid in person_ids}
    rows = (Certificate.objects.filter(enrollment__person_id__in=person_ids, revoked_at__isnull=True)
            .values_list("enrollment__person_id", "enrollment__program__competency_units", "enrollment__program__vocational_field_id"))
    for pid, unit_id, field_id in rows:
        units, fields = out[pid]
        if unit_id is not None:
            units.add(unit_id)
        if field_id is not None:
            fields.add(field_id)
    return out


def _home(person: Person) -> tuple[str, str]:
    """The person's home regency and province: their domicile's (region codes are dotted prefixes)."""
    district = person.domicile_district_id or ""
    return district[:5], district[:2]


def seeker_of(person: Person) -> matching.Seeker:
    units, fields = _certified([person.pk])[person.pk]
    regency, province = _home(person)
    return matching.Seeker(unit_ids=frozenset(units), field_ids=frozenset(fields), education=person.education,
                           regency=regency, province=province)


def opening_of(vacancy: Vacancy, unit_ids) -> matching.Opening:
    return matching.Opening(unit_ids=matching.ids(unit_ids), field_id=vacancy.vocational_field_id,
                            min_education=vacancy.min_education, regency=vacancy.regency_id, province=vacancy.province_id)


def _in(values) -> tuple[str, list]:
    """``IN (%s, …)`` for a non-empty list, else a condition that is false."""
    values = list(values)
    if not values:
        return "IN (NULL)", []
    return "IN (" + ", ".join(["%s"] * len(values)) + ")", values


# Beyond this many certified units, the vacancies holding one of them are a large share of all (a fifth in the
# benchmark) and scoring every vacancy in one pass is cheaper than pruning (bench/bench_matching.py); both give
# the same ranking.
PRUNE_MAX_UNITS = 12


def rank_vacancies_sql(seeker: matching.Seeker, *, today: dt.date, limit: int = matching.TOP,
                       prune: bool | None = None) -> tuple[str, list]:
    """The one statement that ranks the public, open vacancies the seeker's education meets, best first.

    ``prune`` (the default up to ``PRUNE_MAX_UNITS`` units) scores only the candidates that can reach the top ``limit``, with the same result
    as scoring every vacancy (``prune=False``; tests compare both): every vacancy holding one of the seeker's
    units, plus the ``limit`` newest of each set whose lowest possible score without units is the base score
    of a class — all (5: no field, elsewhere), same province (20), same regency (35), the seeker's fields (20),
    fields and same province (35), fields and same regency (50). A vacancy without the seeker's units left out
    of its class's ``limit`` newest has ``limit`` newer ones at its score or above, so it cannot be shown.
    The vacancies with units are scored in one branch, the newest of the classes (without units) in another
    (``UNION ALL``: no de-duplication of thousands of rows); a row's wanted units are read from
    ``Vacancy.units_wanted`` (kept by the vacancy services), never counted per row."""
    if prune is None:
        prune = len(seeker.unit_ids) <= PRUNE_MAX_UNITS
    m2m = Vacancy.competency_units.through._meta.db_table
    vacancy, company = Vacancy._meta.db_table, Company._meta.db_table
    units_in, units_params = _in(sorted(seeker.unit_ids))
    fields_in, fields_params = _in(sorted(seeker.field_ids))
    edu_in, edu_params = _in(["", *domain.education_at_most(seeker.education)])
    public = f"v.status = %s AND c.status = %s AND v.opens_on <= %s AND v.closes_on >= %s AND v.min_education {edu_in}"
    public_params = [domain.VacancyStatus.PUBLISHED, domain.CompanyStatus.APPROVED, today, today, *edu_params]
    tiers = dict(field_match=f"v.vocational_field_id {fields_in}", tier_regency="v.regency_id = %s", tier_province="v.province_id = %s")
    tier_params = [*fields_params, seeker.regency, seeker.province]
    # The vacancies holding some of the seeker's units, with how many they hold; how many they want is stored on the
    # vacancy (``units_wanted``, kept by the vacancy services), not counted per row.
    hits = f"hits AS (SELECT vacancy_id, COUNT(*) AS held FROM {m2m} WHERE competencyunit_id {units_in} GROUP BY vacancy_id)"  # noqa: S608
    if not prune:
        statement = f"""
WITH {hits}
SELECT v.id, {matching.sql_score(held="h.held", wanted="v.units_wanted", **tiers)} AS score, v.published_at
FROM {vacancy} v JOIN {company} c ON c.id = v.company_id LEFT JOIN hits h ON h.vacancy_id = v.id
WHERE {public}
ORDER BY 2 DESC, 3 DESC, 1 DESC
LIMIT {int(limit)}"""  # noqa: S608 - table names from the models, integers and placeholders only
        return statement, [*units_params, *tier_params, *public_params]
    classes = [("", []), ("AND v.province_id = %s", [seeker.province]), ("AND v.regency_id = %s", [seeker.regency])]
    if seeker.field_ids:
        classes += [(f"AND v.vocational_field_id {fields_in} {extra}", [*fields_params, *extra_params])
                    for extra, extra_params in classes]
    newest, newest_params = [], []
    for n, (condition, condition_params) in enumerate(classes):
        newest.append(f"SELECT id FROM (SELECT v.id FROM {vacancy} v JOIN {company} c ON c.id = v.company_id "  # noqa: S608
                      f"WHERE {public} {condition} ORDER BY v.published_at DESC, v.id DESC LIMIT {int(limit)}) k{n}")
        newest_params += [*public_params, *condition_params]
    newest_sql = "\n  UNION ".join(newest)
    statement = f"""
WITH {hits},
newest AS (
  {newest_sql}
)
SELECT v.id, {matching.sql_score(held="h.held", wanted="v.units_wanted", **tiers)} AS score, v.published_at
FROM hits h JOIN {vacancy} v ON v.id = h.vacancy_id JOIN {company} c ON c.id = v.company_id
WHERE {public}
UNION ALL
SELECT v.id, {matching.sql_score(held="0", wanted="0", **tiers)} AS score, v.published_at
FROM newest LEFT JOIN hits x ON x.vacancy_id = newest.id JOIN {vacancy} v ON v.id = newest.id
WHERE x.vacancy_id IS NULL
ORDER BY 2 DESC, 3 DESC, 1 DESC
LIMIT {int(limit)}"""  # noqa: S608 - table names from the models, integers and placeholders only
    return statement, [*units_params, *newest_params, *tier_params, *public_params, *tier_params]


@dataclass(frozen=True)
class Recommendation:
    vacancy: Vacancy
    match: matching.Match
    reasons: list[matching.Reason]
    matched_units: list[CompetencyUnit]
    sql_score: int


def recommend_vacancies(seeker: matching.Seeker, *, today: dt.date, limit: int = matching.TOP,
                        prune: bool | None = None) -> list[Recommendation]:
    """The top ``limit`` public, open vacancies for ``seeker``, best first, with reasons (no permission check:
    the caller has the seeker's facts)."""
    statement, params = rank_vacancies_sql(seeker, today=today, limit=limit, prune=prune)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        ranked = cursor.fetchall()
    rows = {v.pk: v for v in Vacancy.objects.filter(pk__in=[r[0] for r in ranked])
            .select_related("company", "regency", "province", "occupation", "vocational_field").prefetch_related("competency_units")}
    out = []
    for vacancy_id, sql_score, _published_at in ranked:
        vacancy = rows[vacancy_id]
        units = list(vacancy.competency_units.all())
        opening = opening_of(vacancy, [u.pk for u in units])
        match = matching.score(seeker, opening)
        out.append(Recommendation(vacancy=vacancy, match=match, reasons=matching.reasons(match, opening=opening, you=True),
                                  matched_units=[u for u in units if u.pk in match.matched_unit_ids], sql_score=int(sql_score)))
    return out


@dataclass(frozen=True)
class MyRecommendations:
    person: Person
    seeker: matching.Seeker
    items: list[Recommendation]
    home_regency: str
    certified_units: int
    # Without a valid AK/1 card the citizen is in no employer's candidate list (``rank_candidates_sql``): told so.
    has_valid_card: bool = True


def my_recommendations(*, viewer: User, today: dt.date) -> MyRecommendations:
    """"Lowongan untuk saya": the signed-in citizen's top vacancies (``match.vacancies_own``)."""
    person = Person.objects.select_related("domicile_district__regency").filter(user_id=getattr(viewer, "pk", None)).first()
    if person is None:
        raise PermissionDenied(NOT_A_CITIZEN)
    require(viewer, "match.vacancies_own", person)
    seeker = seeker_of(person)
    return MyRecommendations(person=person, seeker=seeker, items=recommend_vacancies(seeker, today=today),
                             home_regency=person.domicile_district.regency.name, certified_units=len(seeker.unit_ids),
                             has_valid_card=valid_card(person_id=person.pk, today=today) is not None)


# --- candidates for a vacancy -------------------------------------------------------------------------------

def rank_candidates_sql(opening: matching.Opening, *, today: dt.date, limit: int = matching.TOP) -> tuple[str, list]:
    """The one statement that ranks the suggestible people (a valid AK/1 card and a standing certificate) whose
    education meets the vacancy's minimum."""
    card, cert = JobSeekerCard._meta.db_table, Certificate._meta.db_table
    enrollment, program, person = Enrollment._meta.db_table, Program._meta.db_table, Person._meta.db_table
    pcu = Program.competency_units.through._meta.db_table
    units_in, units_params = _in(sorted(opening.unit_ids))
    edu_in, edu_params = _in(matching.educations_meeting(opening.min_education))
    field = int(opening.field_id) if opening.field_id is not None else "NULL"
    score = matching.sql_score(held="hits.held", wanted=str(len(opening.unit_ids)), field_match="per.field_match = 1",
                               tier_regency="SUBSTR(p.domicile_district_id, 1, 5) = %s",
                               tier_province="SUBSTR(p.domicile_district_id, 1, 2) = %s")
    statement = f"""
WITH holders AS (
  SELECT DISTINCT person_id FROM {card} WHERE status = %s AND ended_on IS NULL AND issued_on > %s
), certs AS (
  SELECT e.person_id, e.program_id, pr.vocational_field_id
  FROM {cert} c JOIN {enrollment} e ON e.id = c.enrollment_id JOIN holders ON holders.person_id = e.person_id
  JOIN {program} pr ON pr.id = e.program_id
  WHERE c.revoked_at IS NULL
), per AS (
  SELECT person_id, MAX(CASE WHEN vocational_field_id = {field} THEN 1 ELSE 0 END) AS field_match FROM certs GROUP BY person_id
), hits AS (
  SELECT certs.person_id, COUNT(DISTINCT pcu.competencyunit_id) AS held
  FROM certs JOIN {pcu} pcu ON pcu.program_id = certs.program_id
  WHERE pcu.competencyunit_id {units_in} GROUP BY certs.person_id
)
SELECT p.id, {score} AS score
FROM {person} p JOIN per ON per.person_id = p.id LEFT JOIN hits ON hits.person_id = p.id
WHERE p.education {edu_in}
ORDER BY score DESC, p.full_name, p.id
LIMIT {int(limit)}"""  # noqa: S608 - table names from the models, integers and placeholders only
    params = [domain.CardStatus.ISSUED, matching.card_issued_after(today), *units_params, opening.regency, opening.province,
              *edu_params]
    return statement, params


@dataclass(frozen=True)
class Candidate:
    person: Person
    match: matching.Match
    reasons: list[matching.Reason]
    matched_units: list[CompetencyUnit]
    sql_score: int
    applied: bool
    education_label: str


@dataclass(frozen=True)
class CandidatesPage:
    vacancy: Vacancy
    units: list[CompetencyUnit]
    items: list[Candidate]


def candidates_for(*, viewer: User, vacancy_id: int, today: dt.date) -> CandidatesPage:
    """The best candidates for a vacancy, for its approved company's staff (``match.candidates``): never another
    company's vacancy."""
    vacancy = (Vacancy.objects.select_related("company", "regency", "province", "vocational_field")
               .filter(pk=vacancy_id).first())
    if vacancy is None:
        raise NotFound(VACANCY_NOT_FOUND, code=JobsCode.VACANCY_NOT_FOUND)
    require(viewer, "match.candidates", vacancy)
    units = list(vacancy.competency_units.order_by("code"))
    opening = opening_of(vacancy, [u.pk for u in units])
    statement, params = rank_candidates_sql(opening, today=today)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        ranked = cursor.fetchall()
    ids = [r[0] for r in ranked]
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids).select_related("domicile_district__regency")}
    certified = _certified(ids)
    applied = set(Application.objects.filter(vacancy=vacancy, person_id__in=ids).values_list("person_id", flat=True))
    labels = dict(Person.Education.choices)
    items = []
    for pid, sql_score in ranked:
        person = people[pid]
        unit_ids, field_ids = certified[pid]
        regency, province = _home(person)
        seeker = matching.Seeker(unit_ids=frozenset(unit_ids), field_ids=frozenset(field_ids), education=person.education,
                                 regency=regency, province=province)
        match = matching.score(seeker, opening)
        items.append(Candidate(person=person, match=match, reasons=matching.reasons(match, opening=opening, you=False),
                               matched_units=[u for u in units if u.pk in match.matched_unit_ids], sql_score=int(sql_score),
                               applied=pid in applied, education_label=str(labels.get(person.education, person.education))))
    return CandidatesPage(vacancy=vacancy, units=units, items=items)
