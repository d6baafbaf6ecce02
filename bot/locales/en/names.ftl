## Names of ticket fields, shared by pushes, lists and flows (see bot/presentation.py).
## Plain text: no markup here, the code escapes them where they go into a message.

## Statuses, as the customer sees them.
status-to_authorize = Awaiting authorization
status-new = New
status-in_progress = In progress
status-waiting_customer = Waiting for your reply
status-resolved = Resolved
status-closed = Closed
status-rejected = Rejected

## Urgency (priority), shown next to its colour: ⚪ low, 🟡 medium, 🔴 high and urgent.
priority-low = Low
priority-medium = Medium
priority-high = High
priority-urgent = Urgent

## Ticket types.
ticket-type-error = Error
ticket-type-question = Question
ticket-type-request = Request
ticket-type-other = Other
ticket-type-extra_message = Message to support
