"""``GET /healthz``: 200 only when every component a resident needs is ready."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from council.database import ping
from webchat.api.deps import ServicesDep
from webchat.health import check_all, http_ok

router = APIRouter(tags=["operations"])


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

    readiness = await check_all(
        {
            "rasa": rasa,
            "actions": actions,
            "knowledge": knowledge,
            "database": database,
            "redis": redis,
        }
    )
    return JSONResponse(
        readiness.as_dict(), status_code=200 if readiness.ready else 503
    )
