### My tickets: the list, a ticket's detail, ticket buttons, and talking on a ticket.
### Mini-HTML (<b>, <i>, <code>); every variable is escaped by the code before it goes in.
### $number is the ticket number as text; $subject, $text, $query and names are what people
### typed. Messages named *-button-*, tickets-filter-*, tickets-period-*, tickets-days/hours/
### minutes, tickets-you/someone/support and tickets-current are plain text (no markup).

## The list.
tickets-list-header = { $scope ->
    [company] 📋 <b>Your company's tickets</b>
   *[own] 📋 <b>Your tickets</b>
} · { $filter }{ $period }
tickets-list-period = {" · "}{ $period }
tickets-search-header = 🔎 <b>Tickets matching “{ $query }”</b>
tickets-list-empty = { $filter ->
    [active] You have no active tickets.
    [archived] There are no archived tickets.
   *[all] There are no tickets here.
}
tickets-search-empty = No ticket matches “{ $query }”.
tickets-search-more = Only the newest { $count } matches fit here: add a word to narrow the search.
tickets-list-hint = 🔎 To search, type /tickets and a word, e.g. <code>/tickets invoice</code>.
tickets-list-line =
    { $icon } <b>#{ $number }</b> · { $created }{ $product }{ $reporter }{ $unread }
    { $subject } · <i>{ $status }</i>
tickets-list-product = {" · "}{ $name }
tickets-list-reporter = {" · "}👤 { $name }
tickets-list-unread = {" · "}‼️ <b>{ $count } unread</b>
tickets-button = { $unread ->
    [0] {""}
   *[other] ‼️{" "}
}{ $icon } #{ $number } { $subject } · { $status }
tickets-filter-active = Active
tickets-filter-all = All
tickets-filter-archived = Archived
tickets-current = • { $label }
tickets-button-previous = ◀️ Previous
tickets-button-next = Next ▶️
tickets-button-period = 📅 { $chosen ->
    [1] { $period }
   *[other] Period
}
tickets-button-menu = 🏠 Menu
tickets-button-back-to-list = ⬅️ Back to list
tickets-period-title = 📅 Show tickets opened in which period?
tickets-period-7 = Last 7 days
tickets-period-30 = Last 30 days
tickets-period-year = This year
tickets-period-any = Any time

## A ticket's detail.
tickets-detail-title = <b>#{ $number }</b> · { $subject }
tickets-detail-status = Status: <b>{ $status }</b>
tickets-detail-urgency = Urgency: { $icon } { $priority }
tickets-detail-product = Program: { $product }
tickets-detail-created = Opened: { $at }
tickets-detail-reporter = Reported by: { $name }
tickets-detail-handlers = Handled by: { $known ->
    [1] { $names }
   *[other] nobody yet
}
tickets-detail-expected = Expected closing: { $date }
tickets-detail-spent = { $done ->
    [1] Time taken: { $spent }
   *[other] Open for: { $spent }
}
tickets-detail-archived = 📦 Archived: hidden from your lists, still found by search.
tickets-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
tickets-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
tickets-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
tickets-under-a-minute = less than a minute
tickets-history-title = <b>History</b>{ $earlier ->
    [0] {""}
    [one] {" "}(1 earlier entry: press “Earlier”)
   *[other] {" "}({ $earlier } earlier entries: press “Earlier”)
}
tickets-entry-opened = 📝 <b>Report</b> · { $name } · { $at }
tickets-entry-customer = 💬 <b>{ $name }</b> · { $at }{ $seen ->
    [1] {" "}· ✓ seen by support
   *[other] {""}
}
tickets-entry-agent = { $new ->
    [1] 🆕{" "}
   *[other] {""}
}🎧 <b>{ $name }</b> (support) · { $at }
tickets-entry-status = 🔄 { $at } · status: <b>{ $status }</b>
tickets-entry-status-by = 🔄 { $at } · status: <b>{ $status }</b> · { $name }
tickets-entry-system = ℹ️ { $at }
tickets-entry-text = { $text }
tickets-entry-file = 📎 { $name }
tickets-you = You
tickets-someone = Someone
tickets-support = Support
tickets-rate-prompt = ⭐ How did we do? Rate our support from 1 to 5 stars.
tickets-button-reply = ✍️ Reply
tickets-button-solved = ✅ It's solved
tickets-button-not-solved = ❌ Not solved
tickets-button-reopen = 🔄 Reopen
tickets-button-archive = 📦 Archive
tickets-button-unarchive = 📤 Unarchive
tickets-button-earlier = ⬆️ Earlier
tickets-button-latest = ⬇️ Latest
tickets-button-stars = { $stars } ⭐
tickets-archived = 📦 Ticket <b>#{ $number }</b> is archived: hidden from your lists, still found by search.
tickets-unarchived = 📤 Ticket <b>#{ $number }</b> is back in your lists.

## Writing on a ticket, reopening.
tickets-write-now = ✍️ Write your message for <b>#{ $number }</b>: text, photos or files. It goes to support as soon as you send it.
tickets-reply-solved = Ticket <b>#{ $number }</b> is already solved. To write more on it, reopen it, or open a new ticket.
tickets-reply-closed = Ticket <b>#{ $number }</b> can no longer be updated (status: { $status }). Please open a new ticket.
tickets-tell-what-is-wrong = { $pushed ->
    [1] Please tell us what is still wrong: your next message goes to <b>#{ $number }</b>.
   *[other] Ticket <b>#{ $number }</b> is open again. Please tell us what is still wrong: your next message goes to it.
}
tickets-not-resolved = Ticket <b>#{ $number }</b> is not waiting for your confirmation (status: { $status }).

## Confirming and rating.
tickets-confirmed = Thank you: ticket <b>#{ $number }</b> is closed.{ $rate ->
    [1] {" "}How did we do? Rate our support from 1 to 5 stars.
   *[other] {""}
}
tickets-ask-comment = Thank you for rating ticket <b>#{ $number }</b> with { $rating } ⭐! Would you like to add a few words for the team? Type them, or press Skip.
tickets-comment-as-text = Please type your comment as text, or press Skip.
tickets-comment-thanks = Thank you, we passed your comment on to the team.

## Authorizing (super users).
tickets-authorized = ✅ You authorized ticket <b>#{ $number }</b>; it has gone to support.
tickets-already-decided = Ticket <b>#{ $number }</b> no longer waits for authorization (status: { $status }).
tickets-ask-reason = Why are you rejecting ticket <b>#{ $number }</b> from { $reporter }? Your reason is sent to them. Type it, or press the button to reject without a reason.
tickets-button-reject-no-reason = Reject without a reason
tickets-reject-as-text = Please type the reason as text, or press the button to reject without one.
tickets-rejected = Ticket <b>#{ $number }</b> is rejected; { $reporter } has been told.
tickets-reject-cancelled = Nothing was rejected.

## Talking on a ticket.
tickets-added = ✓ Added to #{ $number }
tickets-which = { $count ->
    [one] Which ticket is this message about?
   *[other] Which ticket are these { $count } messages about?
} Nothing is sent until you choose.
tickets-none = You have no open tickets, so { $count ->
    [one] this message was
   *[other] these { $count } messages were
} not sent to support. Would you like to report a new problem?
tickets-solved-prompt = Ticket <b>#{ $number }</b> is already solved, so your message was not added. Reopen it and send the message, or open a new ticket?{ $others ->
    [0] {""}
   *[other] {" "}Or add it to one of your open tickets below.
}
tickets-closed-prompt = Ticket <b>#{ $number }</b> is closed and can no longer be updated, so your message was not added. Would you like to open a new ticket?{ $others ->
    [0] {""}
   *[other] {" "}Or add it to one of your open tickets below.
}
tickets-button-reopen-send = 🔄 Reopen and send
tickets-button-new-report = 🆕 New ticket
tickets-files-carried = 📎 { $count ->
    [one] The file you sent comes along with the new ticket.
   *[other] The { $count } files you sent come along with the new ticket.
}
tickets-pending-dropped = { $count ->
    [one] Your unsent message was left out.
   *[other] Your { $count } unsent messages were left out.
}
tickets-pending-cancelled = OK, nothing was sent.
tickets-edit-not-applied = Your edit was not passed on: ticket #{ $number } can no longer be changed.
