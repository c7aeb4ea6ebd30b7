"""Training's export sources (the exports app's registry; registered in ``TrainingConfig.ready``).

* ``training.participants``: a program's enrollments with their states — the same columns as the program's own
  export (``spreadsheets.writing.EXPORT_HEADERS``). Who: ``enrollment.view`` on the program (its institution's
  staff, the regional officers of its regency, curators). Full NIKs: ``enrollment.view_nik`` (the institution's
  managers and the regional officers of the program's area); everyone else gets them masked."""

from __future__ import annotations

from sisnaker.core.errors import Msg, NotFound, ValidationFailed
from sisnaker.exports import registry
from sisnaker.exports.codes import Code as ExportCode

from . import selectors
from .codes import Code
from .domain import EnrollmentState as E
from .models import Program
from .spreadsheets.services import export_rows
from .spreadsheets.writing import EXPORT_HEADERS, EXPORT_WIDTHS

PROGRAM_NOT_FOUND = Msg("Program tidak ditemukan.", "Program not found.")


def _program(params: dict[str, str]) -> Program:
    raw = params.get("program", "")
    if not raw.isdigit():
        raise ValidationFailed(Msg("Pilih program yang diekspor.", "Choose the program to export."),
                               code=ExportCode.EXPORT_PARAM_INVALID, field="program")
    if int(raw) >= 2**31:
        raise NotFound(PROGRAM_NOT_FOUND)
    program = selectors.program_for_staff(program_id=int(raw))
    state = params.get("state", "")
    if state and state not in E.values:
        raise ValidationFailed(Msg("Status \"{s}\" tidak dikenal.", "Unknown state \"{s}\".").format(s=state[:30]),
                               code=Code.EXPORT_STATE, field="state")
    return program


def _rows(ctx: registry.Context):
    return export_rows(program=ctx.target, state=ctx.params.get("state", ""), nik=ctx.nik)


def _count(ctx: registry.Context) -> int:
    counts = ctx.target.state_counts
    state = ctx.params.get("state", "")
    return counts.get(state, 0) if state else sum(counts.values())


def register_sources() -> None:
    registry.register(
        "training.participants", title=Msg("Peserta program dan statusnya", "A program's participants and their states"),
        action="enrollment.view", nik_action="enrollment.view_nik", params=("program", "state"), columns=EXPORT_HEADERS,
        widths=EXPORT_WIDTHS, sheet_name="Peserta", target=_program, rows=_rows, count=_count,
        file_stem=lambda program, params: f"peserta-program-{program.pk}" + (f"-{params['state']}" if params.get("state") else ""),
        describe=lambda program, params: program.title,
    )
