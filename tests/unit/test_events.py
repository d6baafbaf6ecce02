"""Events survive the trip through an outbox row: JSON and back, equal to what was written."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import events as ev
from core.model import AuthorKind, TicketStatus

# Aware datetimes, as the engine writes them.
AWARE = st.datetimes(timezones=st.just(UTC))


def _strategy(cls: type[ev.Event]) -> st.SearchStrategy[ev.Event]:
    return st.builds(
        cls,
        **{
            name: AWARE for name in ("expires_at", "sla_due_at") if name in cls.__dataclass_fields__
        },
    )


@pytest.mark.parametrize("cls", list(ev.EVENT_TYPES.values()), ids=list(ev.EVENT_TYPES))
@settings(max_examples=15)
@given(data=st.data())
def test_every_event_round_trips_through_json(cls: type[ev.Event], data: st.DataObject) -> None:
    event = data.draw(_strategy(cls))
    row = json.loads(json.dumps(event.to_payload()))
    assert ev.event_from_payload(cls.event_type, row) == event


def test_payloads_use_plain_json_values() -> None:
    ticket_id = uuid.uuid4()
    payload = ev.StatusChanged(
        ticket_id=ticket_id,
        number=7,
        from_status=TicketStatus.NEW,
        to_status=TicketStatus.IN_PROGRESS,
        by_kind=AuthorKind.AGENT,
        by_name="Ann",
    ).to_payload()
    assert payload == {
        "ticket_id": str(ticket_id),
        "number": 7,
        "from_status": "new",
        "to_status": "in_progress",
        "by_kind": "agent",
        "by_name": "Ann",
    }
    when = datetime(2025, 3, 3, 10, tzinfo=UTC)
    token = ev.SupportTokenAttached(
        ticket_id=ticket_id, number=1, token_id=ticket_id, code="ST-AAAA-BBBB", expires_at=when
    )
    assert token.to_payload()["expires_at"] == "2025-03-03T10:00:00+00:00"
    close = ev.ExpectedCloseSet(
        ticket_id=ticket_id, number=1, expected_close=date(2025, 3, 7), by_name="Ann"
    )
    assert close.to_payload()["expected_close"] == "2025-03-07"


def test_every_ticket_event_class_is_registered_under_a_unique_type() -> None:
    def subclasses(cls: type[ev.Event]) -> set[type[ev.Event]]:
        found: set[type[ev.Event]] = set()
        for sub in cls.__subclasses__():
            found |= {sub, *subclasses(sub)}
        return found

    concrete = subclasses(ev.TicketEvent)
    assert set(ev.EVENT_TYPES.values()) == concrete
    assert len({c.event_type for c in concrete}) == len(concrete)


def test_an_unknown_type_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown event type"):
        ev.event_from_payload("ticket.exploded", {})
