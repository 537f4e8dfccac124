"""Body limit, as plain ASGI middleware: Content-Length is checked before anything is read, and
the bytes actually streamed are counted too (chunked uploads carry no Content-Length)."""

from __future__ import annotations

import json
from collections.abc import Callable

from sonic_model.serving.api.handlers import BodyTooLarge


class BodyLimitMiddleware:
    def __init__(self, app: Callable, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_bytes
            except ValueError:
                await send_json(send, 400, {"detail": "invalid Content-Length header"})
                return
            if too_big:
                await send_json(send, 413, {"detail": BodyTooLarge(self.max_bytes).detail})
                return
        received = 0

        async def counted_receive() -> dict:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        await self.app(scope, counted_receive, send)


async def send_json(send: Callable, status: int, body: dict) -> None:
    payload = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(payload)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": payload})
