"""The bureau's dashboard: every department of the region with its state for the year (未开始 included), score
and grade, ranking, year-over-year change, losses by indicator, the reminder list, and the export to .xlsx."""

from __future__ import annotations

import io
import json
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session as DbSession

from ..db import NOT_STARTED, STATUSES, Deadline, Department, Evaluation, now
from ..deps import Db, Reviewer
from ..freshness import data_version, memo
from ..scope import NO_REGION, Scope
from ..timefmt import SHANGHAI
from ..views import bar_chart, cached_page, quote_filename

router = APIRouter()
PAGE = 100  # departments per page of the ranking
Year = Annotated[int | None, Query(ge=2000, le=2100)]
PageNo = Annotated[int, Query(alias="page", ge=1, le=100_000)]
Status = Annotated[str, Query(max_length=20)]


def dashboard_rows(db: DbSession, scope: Scope, year: int) -> list[Any]:
    """Every department in scope, with its evaluation of `year` if there is one (only the columns shown)."""
    query = (
        select(
            Department.id.label("department_id"),
            Department.name,
            Evaluation.id,
            Evaluation.total,
            Evaluation.grade,
            func.coalesce(Evaluation.status, "not_started").label("status"),
            Evaluation.deductions_json,
        )
        .outerjoin(Evaluation, and_(Evaluation.department_id == Department.id, Evaluation.year == year))
        .where(scope.department_filter())
        .order_by(Department.name)
    )
    return list(db.execute(query))


def _tables(
    request: Request,
    db: DbSession,
    scope: Scope,
    year: int,
    page_no: int,
    status: str,
    days_left: int | None,
    version: int,
):
    """Ranking, reminder list, year-over-year change, losses by indicator and charts, rendered once per version of
    the data (`version`, freshness.py: one counter read, not an aggregate over the evaluations) and scope."""
    key = (scope.user.role, scope.user.region, year, page_no, status, days_left, version)
    cache = request.app.state.dashboard_cache
    if key in cache:
        return cache[key]
    every = dashboard_rows(db, scope, year)
    previous = _totals(db, scope, year - 1)
    counts: dict[str, int] = defaultdict(int)
    lost: dict[str, list[Decimal]] = defaultdict(list)
    for row in every:
        counts[row.status] += 1
        for name, points in json.loads(row.deductions_json or "{}").items():
            lost[name].append(Decimal(points))
    shown = [row for row in every if not status or row.status == status]
    ranked = sorted(shown, key=lambda e: Decimal(e.total) if e.total else Decimal(-1), reverse=True)
    losses = sorted(((name, len(v), sum(v, Decimal(0))) for name, v in lost.items()), key=lambda x: (-x[1], -x[2]))
    waiting = [row for row in every if row.status in ("not_started", "draft", "returned")]
    top = [row for row in ranked if row.total][:30]
    pages = max(1, (len(ranked) + PAGE - 1) // PAGE)
    page_no = min(page_no, pages)
    html = request.app.state.templates.get_template("_dashboard_tables.html").render(
        ranked=ranked[(page_no - 1) * PAGE : page_no * PAGE],
        offset=(page_no - 1) * PAGE,
        page_no=page_no,
        pages=pages,
        year=year,
        status=status,
        previous=previous,
        losses=losses,
        waiting=waiting,
        days_left=days_left,
        STATUSES={**STATUSES, "not_started": NOT_STARTED},
        fmt_score=request.app.state.templates.env.globals["fmt_score"],
        chart_note=f"图中为得分前{len(top)}名" if len(ranked) > len(top) else "",
        chart=bar_chart([(e.name, e.total) for e in top]),
        loss_chart=bar_chart(
            [(n, str(c)) for n, c, _ in losses[:10]], maximum=max([c for _, c, _ in losses] or [1]), unit="个部门"
        ),
    )
    if len(cache) > 64:
        cache.clear()
    cache[key] = (len(every), dict(counts), html)
    return cache[key]


def _totals(db: DbSession, scope: Scope, year: int) -> dict[int, str | None]:
    """Each department's total of `year` (the year-over-year column): two columns, not the ranking's rows."""
    query = (
        select(Evaluation.department_id, Evaluation.total)
        .join(Department)
        .where(scope.department_filter(), Evaluation.year == year)
    )
    return dict(db.execute(query).all())


def _years(db: DbSession, scope: Scope, version: int) -> list[int]:
    """The years with evaluations in scope: a scan of every evaluation, so once per data version and scope."""
    query = select(Evaluation.year).distinct().join(Department).where(scope.department_filter())
    key = (scope.user.role, scope.user.region, scope.user.department_id, version)
    return memo(db, "years").get(key, lambda: sorted(db.scalars(query), reverse=True))


def _deadline(db: DbSession, year: int, version: int) -> date | None:
    """The submission deadline of `year` (deadlines move the data version too)."""

    def due() -> date | None:
        deadline = db.get(Deadline, year)
        return deadline.due if deadline else None

    return memo(db, "deadline").get((year, version), due)


@router.get("/bureau")
def bureau(request: Request, actor: Reviewer, db: Db, year: Year = None, page_no: PageNo = 1, status: Status = ""):
    scope = actor.scope
    version = data_version(db)  # read once, before the data the cached parts are built from
    years = _years(db, scope, version)
    year = year or (years[0] if years else now().year - 1)
    status = status if status in (*STATUSES, "not_started") else ""
    due = _deadline(db, year, version)
    days_left = (due - datetime.now(SHANGHAI).date()).days if due else None
    total, counts, tables = _tables(request, db, scope, year, page_no, status, days_left, version)
    jobs = list(db.scalars(scope.jobs().limit(10)))
    key = (
        year,
        page_no,
        status,
        tuple(years),
        total,
        tuple(sorted(counts.items())),
        hash(tables),
        tuple((j.id, j.done, j.status) for j in jobs),
        due,
        days_left,
    )
    return cached_page(
        request,
        key,
        "bureau.html",
        lambda: {
            "year": year,
            "years": sorted({*years, year}, reverse=True),
            "total": total,
            "counts": counts,
            "jobs": jobs,
            "tables": tables,
            "status": status,
            "ALL_STATUSES": {"not_started": NOT_STARTED, **STATUSES},
            "blind": NO_REGION if scope.blind else "",
            "deadline": due,
            "days_left": days_left,
        },
    )


@router.get("/bureau/export")
def export(actor: Reviewer, db: Db, year: Annotated[int, Query(ge=2000, le=2100)]):
    """Every department of the region for the year, as the dashboard lists it, in an .xlsx workbook."""
    from openpyxl import Workbook

    from jixiao.report.xlsx_out import safe_text

    rows = dashboard_rows(db, actor.scope, year)
    previous = {row.department_id: row.total for row in dashboard_rows(db, actor.scope, year - 1)}
    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}年度自评情况"
    sheet.append(["部门", "状态", "总分", "等级", f"{year - 1}年度总分"])
    labels = {**STATUSES, "not_started": NOT_STARTED}
    for row in rows:
        sheet.append(
            [
                safe_text(row.name),  # text that a spreadsheet would read as a formula kept as text
                labels[row.status],
                Decimal(row.total) if row.total else None,
                row.grade or "",
                Decimal(previous[row.department_id]) if previous.get(row.department_id) else None,
            ]
        )
    for column, width in zip("ABCDE", (36, 10, 10, 8, 14), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    name = f"{year}年度部门自评情况.xlsx"
    return Response(
        buffer.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote_filename(name)}"},
    )
