"""``GET /healthz``: 200 only when every component a resident needs is ready."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from council.database import ping
from webchat import metrics
from webchat.api.deps import ServicesDep
from webchat.handoff import service_areas
from webchat.health import check_all, http_ok

router = APIRouter(tags=["operations"])

# tools/stack.py gives Rasa's Redis tracker store the key prefix "council".
RASA_TRACKER_PREFIX = "council:tracker:"


@router.get("/healthz")
async def healthz(deps: ServicesDep) -> JSONResponse:
    async def rasa() -> str:
        status = await deps.rasa.status()
        if not status.get("model_id"):
            raise RuntimeError("no model loaded")
        return f"model {status['model_id']}"

    async def actions() -> str:
        return await http_ok(deps.http, deps.settings.action_server_url + "/health")

    async def knowledge() -> str:
        count = deps.knowledge.chunk_count
        if count <= 0:
            raise RuntimeError("empty index")
        return f"{count} chunks"

    async def database() -> str:
        await ping(deps.engine)
        return deps.engine.dialect.name

    async def redis() -> str:
        if deps.state.redis is None:
            return "not configured; in-process state"
        await deps.state.redis.ping()
        return "answering"

    async def rasa_tracker_store() -> str:
        # Rasa falls back to an in-memory tracker store, with only a warning in
        # its log, when Redis fails at its start; replicas then drift apart.
        if deps.state.redis is None:
            return "not configured; Rasa keeps trackers in memory"
        conversation_id = deps.conversations.last_answered
        if conversation_id is None:
            return "no conversation answered yet"
        key = f"{RASA_TRACKER_PREFIX}{conversation_id}"
        if not await deps.state.redis.exists(key):
            raise RuntimeError("Rasa did not store the last tracker in Redis")
        return "trackers in Redis"

    readiness = await check_all(
        {
            "rasa": rasa,
            "actions": actions,
            "knowledge": knowledge,
            "database": database,
            "redis": redis,
            "rasa_tracker_store": rasa_tracker_store,
        }
    )
    return JSONResponse(
        readiness.as_dict(), status_code=200 if readiness.ready else 503
    )


@router.get("/metrics", include_in_schema=False)
async def prometheus_metrics(deps: ServicesDep) -> Response:
    """Prometheus metrics; keep this path internal at the proxy in production."""
    handoff = deps.conversations.handoff
    if handoff is not None:
        snapshot = await handoff.snapshot()
        waiting = {q["area"]: len(q["waiting"]) for q in snapshot["queues"]}  # type: ignore[attr-defined]
        for area in service_areas():
            metrics.QUEUE_LENGTH.labels(area).set(waiting.get(area, 0))
    return Response(metrics.generate(), media_type=metrics.CONTENT_TYPE)
