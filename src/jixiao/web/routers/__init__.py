"""The web app's routes, one router per area. Each takes the signed-in `Actor` (deps.py) and reaches records only
through `actor.scope` (scope.py); changes to evaluations go through `service.write`."""

from . import admin, auth, cycle, dashboard, evaluations, jobs, review

__all__ = ["ROUTERS"]

ROUTERS = (
    auth.router,
    evaluations.router,
    cycle.router,
    review.router,
    dashboard.router,
    jobs.router,
    admin.router,
)
