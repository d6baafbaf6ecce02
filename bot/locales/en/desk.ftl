### Agents in Slack: the /ticket command's answers and its stats chart.
### Slack mrkdwn (*bold*, _italic_); every variable is escaped by the code before it goes in.
### $number is a ticket number as text; $query, $word, $subject, $company are what people typed.
### desk-chart-* and desk-status-* are plain text (no markup).

desk-help = *`/ticket`* shows tickets to you alone:
    • `/ticket open` · `mine` · `unassigned` · `breaching` (SLA due soon or passed)
    • `/ticket find` followed by a number, a company or words
    • `/ticket 1042` one ticket, with a link to its thread
    • `/ticket stats 7d` (or `30d`, `12w`): figures, and a chart posted in the support channel
desk-unknown = I did not understand “{ $word }”.
desk-not-member = Only members of { $channel } can use /ticket.
desk-header-open = *Open tickets*
desk-header-mine = *Your tickets*
desk-header-unassigned = *Unassigned tickets*
desk-header-breaching = *Tickets whose SLA is due soon or passed*
desk-header-find = *Tickets matching “{ $query }”*
desk-empty = None.
desk-more = Only the first { $count } are shown.
desk-unassigned = unassigned
desk-line = { $icon } *#{ $number }* { $subject } · { $status } · { $company } · { $assignee }
desk-line-due = {" · "}SLA { $due }
desk-line-breached = {" · "}🚨 SLA breached { $due }
desk-not-found = There is no ticket #{ $number }.
desk-show-title = { $icon } *#{ $number } · { $subject }*
desk-show-fields =
    { $status } · { $priority } · { $company } · 👤 { $reporter }
    Assignee: { $assignee } · SLA: { $due } · Expected close: { $expected }
desk-show-thread = <{ $link }|Open the thread>
desk-show-no-thread = The ticket has no thread in the support channel yet.
desk-none = —
desk-stats-title = *Last { $days ->
    [one] day
   *[other] { $days } days
}:* { $opened } opened
desk-stats-status = { $status }: { $count }
desk-stats-first-response = Median first response: { $time }
desk-stats-resolution = Median resolution: { $time }
desk-stats-sla = SLA met: { $rate } ({ $met } of { $resolved } resolved)
desk-stats-sla-none = SLA met: nothing resolved yet
desk-stats-chart = The chart is posted in { $channel }.
desk-stats-chart-failed = The chart could not be posted: { $error }
desk-chart-title = Tickets per day
desk-chart-opened = Opened
desk-chart-resolved = Resolved
desk-chart-by-status = By status now
desk-chart-comment = Ticket statistics, last { $days ->
    [one] day
   *[other] { $days } days
}, asked by { $name }
desk-status-to_authorize = To authorize
desk-status-new = New
desk-status-in_progress = In progress
desk-status-waiting_customer = Waiting for the customer
desk-status-resolved = Resolved
desk-status-closed = Closed
desk-status-rejected = Rejected
