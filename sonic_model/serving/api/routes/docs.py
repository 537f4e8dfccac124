"""Pages for people: ``/`` (a small index), ``/docs`` (Swagger UI) and ``/redoc``, served
entirely from this server.

FastAPI's own pages load Swagger UI and ReDoc from a CDN, which leaves ``/docs`` blank offline.
These follow FastAPI's documented self-hosting recipe (``get_swagger_ui_html`` pointed at local
files); the files come from the fastapi-offline package, which ships Swagger UI 5 (FastAPI
writes OpenAPI 3.1, which Swagger UI 4 cannot render) and ReDoc.
"""

from __future__ import annotations

import html
from functools import lru_cache
from importlib import resources
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from sonic_model.core.version import __version__

ASSETS_URL = "/docs-assets"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
# ReDoc's bundle draws its "powered by" logo from cdn.redoc.ly: served with that one address
# replaced by the same small mark inline, so /redoc fetches nothing from the internet.
REDOC_JS_URL = "/docs-offline/redoc.standalone.js"
REDOC_CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
LOCAL_LOGO = ("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E"
              "%3Ccircle cx='8' cy='8' r='7' fill='%23e53935'/%3E%3C/svg%3E")

router = APIRouter(include_in_schema=False)


def assets_dir() -> Path:
    """Swagger UI, ReDoc and the favicon as installed with fastapi-offline."""
    return Path(str(resources.files("fastapi_offline") / "static"))


def mount_assets(app: FastAPI) -> None:
    app.mount(ASSETS_URL, StaticFiles(directory=assets_dir()), name="docs-assets")


def _root(request: Request) -> str:
    return request.scope.get("root_path", "")   # behind a proxy prefix, links still resolve


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    root = _root(request)
    return get_swagger_ui_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title} - Swagger UI",
        oauth2_redirect_url=f"{root}{OAUTH2_REDIRECT_URL}",
        swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
        # validatorUrl: Swagger UI would otherwise send the spec to validator.swagger.io.
        swagger_ui_parameters={"validatorUrl": None},
    )


@router.get(OAUTH2_REDIRECT_URL)
def swagger_ui_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


@lru_cache(maxsize=1)
def offline_redoc_js() -> bytes:
    """fastapi-offline's ReDoc bundle with its one CDN address (the logo) made local."""
    text = (assets_dir() / "redoc.standalone.js").read_text(encoding="utf-8")
    return text.replace(REDOC_CDN_LOGO, LOCAL_LOGO).encode("utf-8")


@router.get(REDOC_JS_URL)
def redoc_js() -> Response:
    return Response(offline_redoc_js(), media_type="text/javascript",
                    headers={"cache-control": "public, max-age=86400"})


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    root = _root(request)
    return get_redoc_html(openapi_url=f"{root}{request.app.openapi_url}",
                          title=f"{request.app.title} - ReDoc",
                          redoc_js_url=f"{root}{REDOC_JS_URL}",
                          redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
                          with_google_fonts=False)


_DOC_LINKS = (
    ("/docs", "interactive documentation (Swagger UI): try every endpoint"),
    ("/redoc", "reference documentation (ReDoc)"),
    ("/openapi.json", "the OpenAPI document"),
)


def route_links(app: FastAPI) -> list[tuple[str, str, str]]:
    """(method, path, summary) of every documented endpoint, read from the app's own routes
    (through its OpenAPI document, built from them once), so a new route is listed without
    anyone editing this page."""
    rows = []
    for path, operations in app.openapi().get("paths", {}).items():
        for method, op in operations.items():
            summary = op.get("summary") or (op.get("description") or "").split("\n")[0]
            rows.append((method.upper(), path, summary))
    return rows


def _item(root: str, method: str, url: str, text: str) -> str:
    shown = html.escape(url)
    link = f'<a href="{html.escape(root + url)}">{shown}</a>' if method == "GET" else shown
    prefix = "" if not method else f"<code>{method}</code> "
    return f"<li>{prefix}{link} &mdash; {html.escape(text)}</li>"


@router.get("/")
def index(request: Request) -> HTMLResponse:
    root = _root(request)
    items = "\n".join([_item(root, "GET", url, text) for url, text in _DOC_LINKS]
                      + [_item(root, m, url, text) for m, url, text in route_links(request.app)])
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(request.app.title)}</title>
<link rel="icon" href="{html.escape(root + ASSETS_URL)}/favicon.png"></head>
<body style="font-family: sans-serif; max-width: 46em; margin: 2em auto; line-height: 1.5">
<h1>{html.escape(request.app.title)} {html.escape(__version__)}</h1>
<p>Synthetic DTC and DTS sonic logs from conventional logs. Send curves as JSON to
<code>POST /api/v1/predict</code>, a LAS, CSV, DLIS or LIS file to
<code>POST /api/v1/predict/file</code>,
or a pandas split-orient frame to <code>POST /api/get_predictions</code>.</p>
<ul>
{items}
</ul></body></html>
"""
    return HTMLResponse(page)
