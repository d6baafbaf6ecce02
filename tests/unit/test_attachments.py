"""Adding files to a ticket: limits explained, uploader recorded, the other side told."""

from __future__ import annotations

import uuid

import pytest

from core.commands import AddAgentReply, AddAttachment
from core.errors import LimitExceeded, NotFound, TicketClosed
from core.model import Audience, TicketStatus
from core.services.attachments import add_attachment, clean_file_name
from core.services.conversation import add_agent_reply
from tests.unit.world import World, agent_actor, customer, new_file


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("report.pdf", "report.pdf"),
        ("C:\\Users\\eve\\secret.docx", "secret.docx"),
        ("../../etc/passwd", "passwd"),
        ("bad\x00name\n.txt", "badname.txt"),
        ("", "file"),
        ("/", "file"),
    ],
)
def test_file_names_are_made_fit_for_display(given: str, shown: str) -> None:
    assert clean_file_name(given) == shown


async def test_a_customers_file_goes_to_agents_and_an_agents_to_the_customer(
    world: World,
) -> None:
    acme = await world.company()
    ann = await world.user(acme, name="ann")
    agent = await world.agent()
    ticket = await world.open(ann)

    before = world.last_seq()
    mine = await world.run(add_attachment, AddAttachment(customer(ann), ticket.id, new_file()))
    assert mine.uploader_user_id == ann.id
    assert world.sent(since=before) == [(Audience.AGENTS, None, "ticket.attachment_added")]

    before = world.last_seq()
    theirs = await world.run(
        add_attachment, AddAttachment(agent_actor(agent), ticket.id, new_file("fix.zip"))
    )
    assert theirs.uploader_agent_id == agent.id
    assert world.sent(since=before) == [(Audience.CUSTOMER, "chat-ann", "ticket.attachment_added")]


async def test_the_count_limit_is_the_customers_the_size_limit_everyones(world: World) -> None:
    w = World(max_attachments_per_ticket=1, max_attachment_bytes=100)
    acme = await w.company()
    ann = await w.user(acme)
    agent = await w.agent()
    ticket = await w.open(ann, files=(new_file(size=100),))

    with pytest.raises(LimitExceeded) as refused:
        await w.run(add_attachment, AddAttachment(customer(ann), ticket.id, new_file("2.png", 1)))
    assert refused.value.code == "attachment-limit"
    await w.run(
        add_agent_reply,
        AddAgentReply(agent_actor(agent), ticket.id, "", files=(new_file("patch.zip", 50),)),
    )
    with pytest.raises(LimitExceeded) as refused:
        await w.run(
            add_attachment, AddAttachment(agent_actor(agent), ticket.id, new_file("big", 101))
        )
    assert (refused.value.code, refused.value.params["limit"]) == ("attachment-too-large", 100)


async def test_no_files_on_a_finished_ticket_nor_on_someone_elses_entry(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    closed = await world.seed_ticket(ann, TicketStatus.CLOSED)
    ticket = await world.open(ann)
    with pytest.raises(TicketClosed):
        await world.run(add_attachment, AddAttachment(customer(ann), closed.id, new_file()))
    with pytest.raises(NotFound):
        await world.run(
            add_attachment, AddAttachment(customer(ann), ticket.id, new_file(), uuid.uuid4())
        )
