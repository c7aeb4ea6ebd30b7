"""``field__any_of=[...]``: a look-up by a long list of values, as one parameter.

Django's ``__in`` writes ``IN (%s, %s, …)``: for the import's 2,000 blind indexes per chunk that is 2,000
parameters prepared one by one by the ORM, a statement text of several kilobytes that psycopg parses again
every time (its parse cache stops at short statements), and 2,000 values quoted in Python — about a second
of CPU per 100,000 imported rows, on the thread that hands PostgreSQL its work. ``any_of`` sends the values
as one array (``= ANY(%s)``; strings and integers as one array literal, quoted once) on PostgreSQL: the same plan (an index scan per value), a short statement.
Other databases get the plain ``IN`` list. ``None`` is dropped (it matches nothing, as with ``__in``).
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = list(dict.fromkeys(field.get_db_prep_value(v, connection, prepared=False) for v in self.rhs if v is not None))
        if not values:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            literal = _array_literal(values)
            db_type = field.db_type(connection)
            if literal is not None and db_type:
                return f"{lhs} = ANY(%s::{db_type}[])", (*lhs_params, literal)
            return f"{lhs} = ANY(%s)", (*lhs_params, values)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", (*lhs_params, *values)


def _array_literal(values: list) -> str | None:
    """PostgreSQL's text form of an array of ``values`` when all are strings or all integers (the look-ups of blind
    indexes and ids), else None. One parameter quoted once: psycopg's list adapter quotes every element in Python,
    five times the CPU of this join (2,000 blind indexes per import chunk). Each string element is double-quoted with
    its backslashes and double quotes escaped, so commas, braces, spaces and the word NULL stay text."""
    if all(type(v) is str for v in values):
        return "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"
    if all(type(v) is int for v in values):
        return "{" + ",".join(map(str, values)) + "}"
    return None


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # relations keep their own table of look-ups (ids only here, not instances)
