"""`/ticket` for agents: lists, search, one ticket, and statistics with a chart.

How it stays within Slack's 3 seconds and loses nothing: the Bolt listener (bot.slack) only
records the command's payload in the inbox and acknowledges with an empty body; the answer is
worked out afterwards by the inbox processor and sent to the command's `response_url` (good
for 30 minutes and 5 posts, and it reaches the person even where the bot is not a member). A
crash between the acknowledgement and the answer leaves the command in the inbox, so the
answer still comes after a restart. Answering over the response_url directly from the
listener would be faster by a database write, but a process dying then would leave the agent
with no answer and no trace.

Answers are ephemeral, in the agent's language (their Slack locale when we support it, the
desk's default language otherwise). `stats` also posts a PNG chart into the support channel
(the one public answer: a team's figures are the team's), drawn off the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any, TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.blocks import slack_date
from adapters.slack.commands import (
    Find,
    Help,
    Listing,
    Show,
    Stats,
    TicketRequest,
    is_command,
    parse,
)
from adapters.slack.escape import escape
from adapters.slack.people import ChannelMembers, Names
from adapters.slack.uploads import share_bytes
from bot.charts import ChartTexts, render_stats_chart
from bot.flows.state import BotUnitOfWorkFactory
from bot.i18n import Translator, pick_language
from bot.inbound import InboxHandler, MarkDone, Routing
from bot.presentation import URGENCY_ICONS, duration
from core import commands as cmd
from core.actors import AgentActor
from core.context import Context
from core.delivery import DeliveryError
from core.errors import NotFound
from core.model import Agent, InboxEvent, Platform, SlaMarkKind, Ticket, TicketStatus
from core.ports import Scope, UnitOfWork
from core.services import queries
from core.services.agents import agent_for_slack_user
from core.services.sla_watch import WATCHED
from core.stats import DeskStats

__all__ = ["CommandsFirst", "TicketCommands"]

log = logging.getLogger(__name__)

T = TypeVar("T")
Command = TypeVar("Command")

OPEN = frozenset({TicketStatus.NEW, TicketStatus.IN_PROGRESS, TicketStatus.WAITING_CUSTOMER})
_STATUS_ORDER = (
    TicketStatus.NEW,
    TicketStatus.IN_PROGRESS,
    TicketStatus.WAITING_CUSTOMER,
    TicketStatus.RESOLVED,
    TicketStatus.CLOSED,
    TicketStatus.REJECTED,
    TicketStatus.TO_AUTHORIZE,
)


class TicketCommands:
    def __init__(
        self,
        *,
        channel: str,
        uow_factory: BotUnitOfWorkFactory,
        ctx: Context,
        members: ChannelMembers,
        names: Names,
        client: AsyncWebClient,
        session: aiohttp.ClientSession | None,
        default_language: str,
        timezone: str,
        reminder_lead: timedelta,
        limit: int = 10,
    ) -> None:
        self._channel = channel
        self._uow_factory = uow_factory
        self._ctx = ctx
        self._members = members
        self._names = names
        self._client = client
        self._session = session
        self._default_language = default_language
        self._timezone = timezone
        self._lead = reminder_lead
        self._limit = limit
        self._languages: dict[str, str] = {}

    async def answer(self, body: Mapping[str, Any]) -> None:
        """Work out the answer to one recorded /ticket and send it to the agent."""
        user = str(body.get("user_id") or "")
        t = Translator(await self._language(user), self._timezone)
        if not await self._members.contains(user):
            await self._respond(body, t("desk-not-member", channel=f"<#{self._channel}>"))
            return
        agent = await self._agent(user)
        request = parse(str(body.get("text") or ""))
        text = await self._answer(request, agent, t)
        await self._respond(body, text)

    async def _answer(self, request: TicketRequest, agent: Agent, t: Translator) -> str:
        actor = AgentActor(agent.id)
        match request:
            case Help(unknown=None):
                return t("desk-help")
            case Help(unknown=word):
                return f"{t('desk-unknown', word=escape(word or ''))}\n{t('desk-help')}"
            case Show(number=number):
                return await self._show(actor, number, t)
            case Find(query=query):
                return await self._find(actor, query, t)
            case Listing(kind=kind):
                return await self._listing(actor, kind, t)
            case Stats(days=days):
                return await self._stats(actor, agent, days, t)

    # -- lists ------------------------------------------------------------------------------

    async def _listing(self, actor: AgentActor, kind: str, t: Translator) -> str:
        page = self._limit
        if kind == "mine":
            query = cmd.ListTickets(actor, statuses=OPEN, assignee_id=actor.agent_id, limit=page)
        elif kind == "unassigned":
            query = cmd.ListTickets(actor, statuses=OPEN, unassigned=True, limit=page)
        elif kind == "breaching":
            due = self._ctx.clock.now() + self._lead
            query = cmd.ListTickets(
                actor, statuses=WATCHED, sla_due_before=due, limit=queries.MAX_PAGE
            )
        else:
            query = cmd.ListTickets(actor, statuses=OPEN, limit=page)
        found = await self._run(queries.list_tickets, query)
        tickets = list(found.tickets)
        more = found.next_before_number is not None
        if kind == "breaching":
            # Soonest (or longest breached) first: that is the order to work them in.
            tickets.sort(key=lambda ticket: ticket.sla_due_at or self._ctx.clock.now())
            more = more or len(tickets) > page
            tickets = tickets[:page]
        return await self._lines(t(f"desk-header-{kind}"), tickets, more, t)

    async def _find(self, actor: AgentActor, query: str, t: Translator) -> str:
        words = query.strip()
        if words.lstrip("#").isdigit():
            return await self._show(actor, int(words.lstrip("#")), t)
        by_text = await self._run(
            queries.list_tickets,
            cmd.ListTickets(actor, scope=Scope.ANY, text=words, limit=self._limit),
        )
        found: dict[int, Ticket] = {ticket.number: ticket for ticket in by_text.tickets}
        more = by_text.next_before_number is not None
        async with self._uow_factory(read_only=True) as uow:
            companies = [
                c for c in await uow.companies.list() if words.casefold() in c.name.casefold()
            ]
        for company in companies[:5]:
            of_company = await self._run(
                queries.list_tickets,
                cmd.ListTickets(actor, scope=Scope.ANY, company_id=company.id, limit=self._limit),
            )
            found.update({ticket.number: ticket for ticket in of_company.tickets})
            more = more or of_company.next_before_number is not None
        newest = [found[n] for n in sorted(found, reverse=True)]
        more = more or len(newest) > self._limit
        header = t("desk-header-find", query=escape(words))
        return await self._lines(header, newest[: self._limit], more, t)

    async def _lines(
        self, header: str, tickets: Sequence[Ticket], more: bool, t: Translator
    ) -> str:
        if not tickets:
            return f"{header}\n{t('desk-empty')}"
        async with self._uow_factory(read_only=True) as uow:
            names = await _Names.load(uow, tickets)
            marks = await uow.sla_marks.list_for_tickets([ticket.id for ticket in tickets])
        breached = {(m.ticket_id, m.due_at) for m in marks if m.kind is SlaMarkKind.BREACHED}
        now = self._ctx.clock.now()
        lines = [header]
        for ticket in tickets:
            line = t(
                "desk-line",
                icon=URGENCY_ICONS[ticket.priority],
                number=str(ticket.number),
                subject=escape(ticket.subject),
                status=t(f"desk-status-{ticket.status.value}"),
                company=escape(names.company(ticket)),
                assignee=names.assignee(ticket, t),
            )
            due = ticket.sla_due_at
            if due is not None and ((ticket.id, due) in breached or due <= now):
                line += t("desk-line-breached", due=slack_date(due))
            elif due is not None:
                line += t("desk-line-due", due=slack_date(due))
            lines.append(line)
        if more:
            lines.append(t("desk-more", count=len(tickets)))
        return "\n".join(lines)

    # -- one ticket -------------------------------------------------------------------------

    async def _show(self, actor: AgentActor, number: int, t: Translator) -> str:
        try:
            ticket = await self._run(queries.find_ticket, cmd.FindTicket(actor, number))
        except NotFound:
            return t("desk-not-found", number=str(number))
        async with self._uow_factory(read_only=True) as uow:
            names = await _Names.load(uow, [ticket])
            reporter = await uow.users.get(ticket.reporter_id)
            anchor = await uow.refs.anchor(ticket.id, Platform.SLACK, self._channel)
        none = t("desk-none")
        title = t(
            "desk-show-title",
            icon=URGENCY_ICONS[ticket.priority],
            number=str(ticket.number),
            subject=escape(ticket.subject),
        )
        fields = t(
            "desk-show-fields",
            status=t(f"desk-status-{ticket.status.value}"),
            priority=t(f"priority-{ticket.priority.value}"),
            company=escape(names.company(ticket)),
            reporter=escape(reporter.name if reporter else none),
            assignee=names.assignee(ticket, t),
            due=slack_date(ticket.sla_due_at) if ticket.sla_due_at else none,
            expected=t.date(ticket.expected_close) if ticket.expected_close else none,
        )
        if anchor is None:
            return f"{title}\n{fields}\n{t('desk-show-no-thread')}"
        link = await self._client.chat_getPermalink(
            channel=self._channel, message_ts=anchor.message_id
        )
        thread = t("desk-show-thread", link=str(link["permalink"]))
        return f"{title}\n{fields}\n{thread}"

    # -- statistics -------------------------------------------------------------------------

    async def _stats(self, actor: AgentActor, agent: Agent, days: int, t: Translator) -> str:
        query = cmd.DeskStatsQuery(actor, days=days, timezone=self._timezone)
        stats = await self._run(queries.desk_stats, query)
        lines = [t("desk-stats-title", days=days, opened=stats.opened)]
        lines += [
            t("desk-stats-status", status=t(f"desk-status-{status.value}"), count=count)
            for status in _STATUS_ORDER
            if (count := stats.by_status.get(status, 0))
        ]
        none = t("desk-none")
        first, resolution = stats.median_first_response, stats.median_resolution
        lines.append(
            t("desk-stats-first-response", time=none if first is None else duration(t, first))
        )
        lines.append(
            t("desk-stats-resolution", time=none if resolution is None else duration(t, resolution))
        )
        rate = stats.sla_hit_rate
        if rate is None:
            lines.append(t("desk-stats-sla-none"))
        else:
            lines.append(
                t(
                    "desk-stats-sla",
                    rate=f"{rate:.0%}",
                    met=stats.sla_met,
                    resolved=stats.resolved,
                )
            )
        lines.append(await self._chart(stats, days, agent, t))
        return "\n".join(lines)

    async def _chart(self, stats: DeskStats, days: int, agent: Agent, t: Translator) -> str:
        texts = ChartTexts(
            title=t("desk-chart-title"),
            opened=t("desk-chart-opened"),
            resolved=t("desk-chart-resolved"),
            by_status=t("desk-chart-by-status"),
            statuses=[
                (t(f"desk-status-{status.value}"), stats.by_status.get(status, 0))
                for status in _STATUS_ORDER
            ],
        )
        png = await asyncio.to_thread(render_stats_chart, stats, texts)
        comment = t("desk-chart-comment", days=days, name=escape(agent.display_name))
        try:
            await share_bytes(
                self._client,
                self._channel,
                f"ticket-stats-{days}d.png",
                png,
                title=t("desk-chart-title"),
                comment=comment,
            )
        except (SlackApiError, DeliveryError) as exc:
            error = exc.response.get("error") if isinstance(exc, SlackApiError) else str(exc)
            log.warning("the stats chart was not posted: %s", error)
            return t("desk-stats-chart-failed", error=escape(str(error)))
        return t("desk-stats-chart", channel=f"<#{self._channel}>")

    # -- people -----------------------------------------------------------------------------

    async def _language(self, user: str) -> str:
        """The agent's Slack locale when we speak it, else the desk's default language."""
        if user not in self._languages:
            locale = None
            try:
                answer = await self._client.users_info(user=user, include_locale=True)
                locale = (answer.get("user") or {}).get("locale")
            except SlackApiError as exc:
                log.info("no locale for %s: %s", user, exc.response.get("error"))
            self._languages[user] = pick_language(locale, self._default_language)
        return self._languages[user]

    async def _agent(self, user: str) -> Agent:
        agent, _ = await agent_for_slack_user(
            self._uow_factory, user, lambda: self._names.name(user)
        )
        return agent

    async def _respond(self, body: Mapping[str, Any], text: str) -> None:
        """Privately: the response_url first (it reaches the agent anywhere), else
        chat.postEphemeral where the command was typed."""
        url = body.get("response_url")
        if url:
            hook = AsyncWebhookClient(str(url), session=self._session, timeout=10)
            try:
                sent = await hook.send(text=text, response_type="ephemeral")
                if sent.status_code == 200:
                    return
                log.warning("/ticket response_url answered HTTP %s", sent.status_code)
            except (aiohttp.ClientError, TimeoutError) as exc:
                log.warning("/ticket response_url failed: %s", type(exc).__name__)
        try:
            await self._client.chat_postEphemeral(
                channel=str(body.get("channel_id") or self._channel),
                user=str(body.get("user_id")),
                text=text,
            )
        except SlackApiError as exc:
            log.warning("/ticket answer not delivered: %s", exc.response.get("error"))

    async def _run(
        self, service: Callable[[Command, UnitOfWork, Context], Awaitable[T]], command: Command
    ) -> T:
        return await service(command, self._uow_factory(read_only=True), self._ctx)


class _Names:
    """Company and assignee names of a few tickets, read at once."""

    def __init__(self, companies: dict[Any, str], agents: dict[Any, Agent]) -> None:
        self._companies = companies
        self._agents = agents

    @classmethod
    async def load(cls, uow: UnitOfWork, tickets: Sequence[Ticket]) -> _Names:
        companies: dict[Any, str] = {}
        agents: dict[Any, Agent] = {}
        for ticket in tickets:
            if ticket.company_id not in companies:
                company = await uow.companies.get(ticket.company_id)
                companies[ticket.company_id] = company.name if company else "?"
            if ticket.assignee_id is not None and ticket.assignee_id not in agents:
                agent = await uow.agents.get(ticket.assignee_id)
                if agent is not None:
                    agents[ticket.assignee_id] = agent
        return cls(companies, agents)

    def company(self, ticket: Ticket) -> str:
        return self._companies.get(ticket.company_id, "?")

    def assignee(self, ticket: Ticket, t: Translator) -> str:
        agent = self._agents.get(ticket.assignee_id) if ticket.assignee_id else None
        if agent is None:
            return t("desk-unassigned")
        return f"<@{agent.slack_user_id}>" if agent.slack_user_id else escape(agent.display_name)


class CommandsFirst:
    """The Slack inbox handler: recorded /ticket commands are answered here, everything else
    goes to the desk's handler (bot.slack_inbox). Each command is its own queue: answers do
    not wait behind a busy ticket thread."""

    def __init__(
        self, commands: TicketCommands, rest: InboxHandler, uow_factory: BotUnitOfWorkFactory
    ) -> None:
        self.commands = commands
        self.rest = rest
        self._uow_factory = uow_factory

    def route(self, event: InboxEvent) -> Routing:
        if is_command(event.payload):
            return Routing(chat_key=f"slack:command:{event.event_id}")
        return self.rest.route(event)

    async def handle(self, events: Sequence[InboxEvent], done: MarkDone) -> None:
        if not any(is_command(event.payload) for event in events):
            await self.rest.handle(events, done)
            return
        for event in events:
            await self.commands.answer(event.payload)
        # A crash before this line answers again after the restart: an extra private
        # answer is better than none.
        async with self._uow_factory() as uow:
            await done(uow)
            await uow.commit()
