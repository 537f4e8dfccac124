"""``serve``: the HTTP API under uvicorn (sonic_model.serving.api)."""

from __future__ import annotations


def cmd_serve(args) -> int:
    from sonic_model.serving import api

    api.serve(host=args.host, port=args.port)
    return 0
