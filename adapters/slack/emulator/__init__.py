"""A local emulator of Slack's Web API, Events API and Socket Mode for tests,
benchmarks and the playground. See docs/emulators-slack.md."""

from .calllog import CallLog, CallRecord
from .events import AppSettings, Delivery, Duplicates
from .limits import Fault, Faults, RateLimiter
from .mrkdwn import Rendered, render
from .server import EmulatorConfig, SlackEmulator
from .signing import signature, signed_headers
from .state import Channel, Ephemeral, File, Message, User, View
from .store import Workspace
from .workspace import Person

__all__ = [
    "AppSettings",
    "CallLog",
    "CallRecord",
    "Channel",
    "Delivery",
    "Duplicates",
    "EmulatorConfig",
    "Ephemeral",
    "Fault",
    "Faults",
    "File",
    "Message",
    "Person",
    "RateLimiter",
    "Rendered",
    "SlackEmulator",
    "User",
    "View",
    "Workspace",
    "render",
    "signature",
    "signed_headers",
]
