"""A round-robin HTTP load balancer in front of several `supportbot web` processes.

Telegram posts a webhook's updates to one URL and Slack its events to one URL, as in
production, where a platform's router spreads them over the web processes. This is that
router: each request goes to the next process in turn (one that refuses the connection, not
started yet or gone, is skipped), its answer is passed back as it is; with none reachable it
answers 502 as a router would, and the platform sends again later.
"""

from __future__ import annotations

import itertools
from collections import Counter

import aiohttp
from aiohttp import web

_HOP = {"host", "content-length", "transfer-encoding", "connection", "keep-alive"}


class Balancer:
    def __init__(self, port: int, upstreams: list[str]) -> None:
        self.port = port
        self.upstreams = upstreams  # base URLs, e.g. http://127.0.0.1:8001
        self.served: Counter[str] = Counter()  # upstream -> requests it answered
        self._turn = itertools.cycle(range(len(upstreams)))
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Balancer:
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        app = web.Application(client_max_size=64 * 1024**2)
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.close()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._http is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP}
        first = next(self._turn)
        for step in range(len(self.upstreams)):
            upstream = self.upstreams[(first + step) % len(self.upstreams)]
            try:
                async with self._http.request(
                    request.method, upstream + request.path_qs, data=body, headers=headers
                ) as answer:
                    content = await answer.read()
                    kept = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP}
            except aiohttp.ClientConnectorError:
                continue  # not listening: the next one
            self.served[upstream] += 1
            return web.Response(status=answer.status, body=content, headers=kept)
        return web.Response(status=502, text="no upstream answered")
