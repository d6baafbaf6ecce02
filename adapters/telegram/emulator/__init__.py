"""A local emulator of the Telegram Bot API for end-to-end tests, benchmarks and the playground.

The real python-telegram-bot talks to it unchanged (``Bot(token, base_url=emu.api_base_url,
base_file_url=emu.file_base_url)``); simulated users play the other side. See
``docs/emulators-telegram.md``.
"""

from .calls import CallRecord
from .emulator import SimGroup, TelegramEmulator
from .errors import ApiError, EmulatorUsageError
from .files import StoredFile
from .limits import Fault, Faults, RateLimits
from .users import AlbumItem, SimUser
from .views import CallbackHandle, ViewMessage

__all__ = [
    "AlbumItem",
    "ApiError",
    "CallRecord",
    "CallbackHandle",
    "EmulatorUsageError",
    "Fault",
    "Faults",
    "RateLimits",
    "SimGroup",
    "SimUser",
    "StoredFile",
    "TelegramEmulator",
    "ViewMessage",
]
