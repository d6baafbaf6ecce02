"""Run the emulator on its own: `python -m adapters.slack.emulator --port 8099`.

Prints the URLs and tokens an app needs; the app then points slack_sdk at the API URL and
either connects over Socket Mode or gives its request URL with `--request-url`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from .server import SlackEmulator


async def _run(port: int, request_url: str | None) -> None:
    async with SlackEmulator(port=port) as emu:
        emu.connect_app(request_url)
        print(f"Slack emulator on {emu.url}", flush=True)
        print(f"  base_url:       {emu.api_url}", flush=True)
        print(f"  bot token:      {emu.bot_token}", flush=True)
        print(f"  app token:      {emu.app_token}", flush=True)
        print(f"  signing secret: {emu.signing_secret}", flush=True)
        if request_url:
            print(f"  events go to:   {request_url}", flush=True)
        await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m adapters.slack.emulator")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--request-url", default=None, help="the app's Events API endpoint")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_run(args.port, args.request_url))


if __name__ == "__main__":
    main()
