"""The engine's use cases: one short async function per command.

Each takes `(cmd, uow, ctx)`, runs in one unit of work and commits once; a DomainError leaves
nothing written (the one exception, a wrong registration code counting as a try, is noted in
core.services.registration). Import services from their modules, e.g.
`from core.services.tickets import open_ticket`.
"""
