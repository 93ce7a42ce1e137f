"""The joint service's HTTP API.

Every endpoint needs a partner token (``Authorization: Bearer js_...``) and answers 401 without a valid,
unrevoked one. What each role may do is decided by the joint rules (:mod:`jointshield.joint`) and the
store; refusals come back as JSON ``{"error": {"status", "message", "field"}}`` with 401 (no or bad
token), 403 (not allowed to this partner), 404 (no such thing, or another partner's draft), 409 (not in
this state), 422 (bad input, naming the field).
"""


import contextlib
import logging
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from ..errors import InputError
from ..joint import Partner
from ..joint.errors import Conflict, Forbidden, NotFound
from ..store import Store
from .jobs import Jobs, open_request_scenario

log = logging.getLogger("jointshield.api")
bearer = HTTPBearer(auto_error=False, description="A partner token from `jointshield partner add`.")
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
_STRICT = ConfigDict(extra="forbid")


class Area(BaseModel):
    model_config = _STRICT
    lat_deg: float = Field(ge=-90, le=90)
    lon_deg: float = Field(ge=-180, le=180)
    radius_km: float = Field(ge=0.1, le=2000)


class NotificationIn(BaseModel):
    """A planned launch: window (UTC), launch and impact areas, and the range or apogee that make notice
    compulsory (over 500 km)."""

    model_config = _STRICT
    window_start: str = Field(description="ISO 8601 UTC, e.g. 2030-01-10T06:00:00Z", max_length=40)
    window_end: str = Field(max_length=40)
    launch_area: Area
    impact_area: Area
    range_km: float | None = Field(None, ge=0, le=50_000)
    apogee_km: float | None = Field(None, ge=0, le=50_000)
    launches: int = Field(1, ge=1, le=100)


class ProposalIn(BaseModel):
    model_config = _STRICT
    change: dict[str, Any] = Field(description="e.g. {\"op\": \"set_inventory\", \"site_id\": \"redzikowo\", "
                                   "\"inventory\": 10}; ops: add_site, move_site, set_inventory, attach_observer, "
                                   "activate_site, deactivate_site, set_criteria")
    submit: bool = Field(True, description="false keeps it a private draft")


class DecisionIn(BaseModel):
    model_config = _STRICT
    comment: str = Field("", max_length=2000)


class RunIn(BaseModel):
    model_config = _STRICT
    scenario: str | None = Field(None, max_length=200, description="a bundled scenario, e.g. engagement-demo")
    scenario_yaml: str | None = Field(None, max_length=1_000_000, description="or a scenario file's text")
    runs: int = Field(1, ge=1, le=1000, description="more than 1: a Monte Carlo")
    seed: int | None = Field(None, ge=0, le=2**63 - 1)


class StatementIn(BaseModel):
    model_config = _STRICT
    title: str = Field(min_length=1, max_length=200)
    document: dict[str, Any] = Field(description="the capability statement as a JSON object")


def _error(status: int, message: str, field: str | None = None, headers=None) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message, "field": field}}, status_code=status,
                        headers=headers)


def create_app(store: Store, *, run_workers: int | None = 1, simulator=None) -> FastAPI:
    """The app over ``store``. ``run_workers``: processes a Monte Carlo run uses (1: in the job thread);
    ``simulator(request, progress, workers) -> dict`` replaces the kill chain (tests)."""
    jobs = Jobs(store, run_workers, simulator) if simulator else Jobs(store, run_workers)
    started: list[int] = []

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        if not started:
            started.append(store.fail_unfinished_runs())  # a previous server's jobs did not finish
        yield
        jobs.shutdown()

    app = FastAPI(title="jointshield joint service", version="1",
                  description=__doc__.split("\n\n", 1)[1], lifespan=lifespan)
    app.state.store = store
    app.state.jobs = jobs

    @app.exception_handler(InputError)
    async def _input(_r: Request, exc: InputError):
        return _error(422, str(exc), exc.field)

    @app.exception_handler(Forbidden)
    async def _forbidden(_r, exc):
        return _error(403, str(exc))

    @app.exception_handler(NotFound)
    async def _not_found(_r, exc):
        return _error(404, str(exc))

    @app.exception_handler(Conflict)
    async def _conflict(_r, exc):
        return _error(409, str(exc))

    @app.exception_handler(HTTPException)
    async def _http(_r, exc: HTTPException):
        return _error(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    from starlette.exceptions import HTTPException as StarletteHTTPException

    @app.exception_handler(StarletteHTTPException)
    async def _starlette(_r, exc):
        return _error(exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _validation(_r, exc: RequestValidationError):
        err = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        loc = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body",))
        return _error(422, f"{loc or 'request'}: {err.get('msg')}", loc or None)

    @app.exception_handler(Exception)
    async def _internal(_r, exc: Exception):
        log.exception("internal error")
        return _error(500, f"internal error ({type(exc).__name__}); the server log has the details")

    def partner(cred: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Partner:
        p = store.authenticate(cred.credentials) if cred is not None else None
        if p is None:
            raise HTTPException(401, "a valid partner token is required (Authorization: Bearer js_...); "
                                "a revoked partner's token is no longer valid", headers={"WWW-Authenticate": "Bearer"})
        return p

    Me = Annotated[Partner, Depends(partner)]

    @app.get("/partners", tags=["partners"], summary="Every partner, its role and public key")
    def list_partners(me: Me) -> list[dict]:
        return store.partners()

    @app.get("/partners/me", tags=["partners"], summary="The partner this token belongs to")
    def who_am_i(me: Me) -> dict:
        return next(p for p in store.partners() if p["id"] == me.id)

    @app.get("/picture", tags=["picture"], summary="The shared picture, the same for every partner")
    def picture(me: Me) -> dict:
        return store.picture()

    @app.get("/architecture", tags=["picture"], summary="Sites, agreed criteria, activation rule")
    def architecture(me: Me) -> dict:
        return store.architecture()

    @app.get("/proposals", tags=["proposals"], summary="Proposals (with this partner's own drafts)")
    def proposals(me: Me, status: Literal["draft", "pending", "approved", "rejected", "withdrawn"] | None = None
                  ) -> list[dict]:
        return store.proposals(me, status)

    @app.post("/proposals", status_code=201, tags=["proposals"], summary="Propose a change (operators, hosts)")
    def propose(me: Me, body: ProposalIn) -> dict:
        return store.create_proposal(me, body.change, body.submit)

    @app.get("/proposals/{pid}", tags=["proposals"])
    def proposal(me: Me, pid: Id) -> dict:
        return store.proposal(me, pid)

    @app.post("/proposals/{pid}/submit", tags=["proposals"], summary="Submit one's draft")
    def submit(me: Me, pid: Id) -> dict:
        return store.submit_proposal(me, pid)

    @app.post("/proposals/{pid}/approve", tags=["proposals"], summary="Approve, as a required approver")
    def approve(me: Me, pid: Id, body: DecisionIn | None = None) -> dict:
        return store.decide_proposal(me, pid, True, body.comment if body else "")

    @app.post("/proposals/{pid}/reject", tags=["proposals"], summary="Reject, as a required approver")
    def reject(me: Me, pid: Id, body: DecisionIn | None = None) -> dict:
        return store.decide_proposal(me, pid, False, body.comment if body else "")

    @app.post("/proposals/{pid}/withdraw", tags=["proposals"], summary="Withdraw one's own proposal")
    def withdraw(me: Me, pid: Id) -> dict:
        return store.withdraw_proposal(me, pid)

    @app.get("/notifications", tags=["notifications"])
    def notifications(me: Me, after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
                      limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict]:
        return store.notifications(limit, after)

    @app.post("/notifications", status_code=201, tags=["notifications"], summary="Notify a planned launch")
    def notify(me: Me, body: NotificationIn) -> dict:
        return store.file_notification(me, body.model_dump())

    @app.get("/runs", tags=["runs"])
    def runs(me: Me) -> list[dict]:
        return store.runs()

    @app.post("/runs", status_code=202, tags=["runs"], summary="Start a scenario run (background job)")
    def start_run(me: Me, body: RunIn) -> dict:
        if (body.scenario is None) == (body.scenario_yaml is None):
            raise InputError("scenario", "give exactly one of scenario (a bundled name) or scenario_yaml")
        request = body.model_dump(exclude_none=True)
        open_request_scenario(request)  # refuse a bad scenario now, not in the job
        run = store.create_run(me, request)
        jobs.submit(run["id"], request)
        return run

    @app.get("/runs/{rid}", tags=["runs"], summary="A run: status, progress and, when done, its result")
    def get_run(me: Me, rid: Id) -> dict:
        return store.run(rid)

    @app.get("/statements", tags=["statements"])
    def statements(me: Me) -> list[dict]:
        return store.statements()

    @app.post("/statements", status_code=201, tags=["statements"],
              summary="Publish a capability statement (operators, hosts)")
    def publish(me: Me, body: StatementIn) -> dict:
        return store.publish_statement(me, body.title, body.document)

    @app.get("/statements/{sid}", tags=["statements"], summary="A statement, with its ledger entry")
    def statement(me: Me, sid: Id) -> dict:
        return store.statement(sid)

    @app.get("/ledger", tags=["ledger"], summary="Ledger entries after a sequence number")
    def ledger(me: Me, after: Annotated[int, Query(ge=-1, le=2**31 - 1)] = -1,
               limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict]:
        return [e.as_dict() for e in store.entries(after, limit)]

    @app.get("/ledger/verify", tags=["ledger"], summary="Verify the whole ledger; names the first bad entry")
    def verify(me: Me) -> dict:
        return store.verify().as_dict()

    @app.get("/ledger/export", tags=["ledger"], summary="The whole ledger as a portable file")
    def export(me: Me) -> dict:
        return store.export()

    return app
