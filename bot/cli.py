"""The `supportbot` command line."""

from __future__ import annotations


def main() -> None:
    raise SystemExit("supportbot: the run command arrives with the playground (issue 7)")
