"""PostgreSQL's plan of a queryset, as JSON text: tests assert which index a query reads."""

from __future__ import annotations

import json

from django.db import connection


def plan_of(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    return json.dumps(plan if not isinstance(plan, str) else json.loads(plan))
