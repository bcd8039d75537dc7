"""The county center's HTTP API (FastAPI). Endpoints and rules: docs/sync-protocol.md.

``create_app`` only assembles: the shared context (store, limits, throttles) in
``app.state``, the error handlers (county/handlers.py), the routers (county/routes/) and the
request bodies of the OpenAPI schema (county/openapi.py). Who may ask is in county/deps.py.
"""

from __future__ import annotations

from fastapi import FastAPI

from county import handlers, openapi
from county.context import CountyContext, Limits
from county.deps import ADMIN_TOKEN_ENV
from county.photo_store import PhotoStore
from county.routes import certificates, downlink, ledger, report, requests, sync
from county.routes import photos as photo_routes
from county.store import CountyStore
from sync import protocol

__all__ = ["ADMIN_TOKEN_ENV", "Limits", "create_app"]


def create_app(store: CountyStore, limits: Limits | None = None, photos: PhotoStore | None = None) -> FastAPI:
    app = FastAPI(
        title="县新时代文明实践中心 · 同步服务", version=str(protocol.PROTOCOL_VERSION), docs_url=None, redoc_url=None
    )
    app.state.county = CountyContext(store, limits or Limits(), photos or PhotoStore(store))
    handlers.install(app)
    app.include_router(sync.router)
    app.include_router(report.router)
    app.include_router(ledger.router)
    app.include_router(requests.router)
    app.include_router(downlink.router)
    app.include_router(certificates.router)
    app.include_router(photo_routes.router)
    openapi.install(app)
    return app
