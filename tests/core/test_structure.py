"""The shape every app keeps (docs/architecture.md): pure domain modules. The import rules between apps
are import-linter contracts in pyproject.toml, run by ./dev.sh test."""

import ast
from pathlib import Path

import sisnaker

SRC = Path(sisnaker.__file__).parent


def test_domain_modules_are_pure():
    """No ORM, no request, no clock in domain.py: rules take their data and `now`/`today` as arguments."""
    offenders = []
    for path in sorted(SRC.glob("*/domain.py")) + sorted(SRC.glob("*/domain/*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                if name.startswith(("django.db", "django.http", "django.utils.timezone")) or name.endswith((".models", ".services", ".selectors")):
                    offenders.append(f"{path.relative_to(SRC)}: {name}")
            if isinstance(node, ast.Attribute) and node.attr in ("now", "today") and isinstance(node.value, (ast.Name, ast.Attribute)):
                base = ast.unparse(node.value)
                if base.split(".")[-1] in ("timezone", "datetime", "date", "dt.datetime", "dt.date") or base in ("dt.datetime", "dt.date"):
                    offenders.append(f"{path.relative_to(SRC)}: {base}.{node.attr}()")
    assert not offenders, "Domain modules must stay pure:\n" + "\n".join(sorted(set(offenders)))
