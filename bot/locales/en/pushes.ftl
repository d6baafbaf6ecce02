### Status pushes: what a customer reads in their chat (or e-mail) when their ticket changes.
### Mini-HTML (<b>, <i>, <code>); every variable is escaped by the code before it goes in.
### $number is the ticket number as text (no digit grouping); $subject, $text, $resolution,
### $reason, $description and names are what people typed.

## Opening and authorization.
push-opened =
    Ticket <b>#{ $number }</b> is open: { $subject }
    We'll reply here. Status: { $status }.
push-opened-to-authorize =
    Ticket <b>#{ $number }</b> is saved: { $subject }
    It is waiting for authorization by your company's administrator; we'll let you know here. Status: { $status }.
push-due = Expected response by { $due }.
push-status = Status: { $status }.
push-reason = Reason: { $reason }
push-auth-request =
    <b>Authorization needed</b> for ticket <b>#{ $number }</b>
    From: { $reporter }
    { $type }: { $subject }

    { $description }
push-authorized = Ticket <b>#{ $number }</b> was authorized by { $name } and has gone to support. Status: { $status }.
push-rejected =
    Ticket <b>#{ $number }</b> was not authorized: { $subject }
    Rejected by { $name }.

## Who handles it, and its status.
push-assigned = <b>{ $agent }</b> is handling your ticket <b>#{ $number }</b>.
push-in-progress = Ticket <b>#{ $number }</b> is in progress: we are working on it.
push-back-in-progress = Ticket <b>#{ $number }</b> is back in progress.
push-waiting = Ticket <b>#{ $number }</b> is waiting for your reply.
push-status-changed = Ticket <b>#{ $number }</b>: the status is now { $status }.
push-info-requested =
    <b>{ $agent }</b> (support) needs more information on ticket <b>#{ $number }</b>:
    { $text }
push-expected-close = Ticket <b>#{ $number }</b>: we expect to close it by { $date }.
push-expected-close-removed = Ticket <b>#{ $number }</b>: there is no expected closing date any more.
push-priority-changed = Ticket <b>#{ $number }</b>: urgency { $icon } { $priority }.

## Support's messages and files.
push-agent-reply =
    <b>{ $agent }</b> (support), ticket #{ $number }:
    { $text }
push-agent-reply-edited =
    <b>{ $agent }</b> (support), ticket #{ $number } (edited):
    { $text }
push-files = 📎 { $count ->
    [one] { $count } file
   *[other] { $count } files
}
push-file-from-support = Support sent a file on ticket <b>#{ $number }</b>: { $file }

## Resolution, closing, rating, reopening.
push-resolved =
    Ticket <b>#{ $number }</b> is resolved.
    <b>{ $agent }</b> (support):
    { $resolution }
push-resolved-question = Is your problem solved?
push-closed-confirmed = Thank you for confirming: ticket <b>#{ $number }</b> is closed.
push-closed = Ticket <b>#{ $number }</b> is closed.
push-closed-auto = Ticket <b>#{ $number }</b> was closed automatically: it had been resolved and there was no further reply.
push-rate = How did we do? Rate our support from 1 to 5 stars.
push-rated = Thank you! You rated ticket <b>#{ $number }</b> { $rating ->
    [one] { $rating } star
   *[other] { $rating } stars
}.
push-reopened = Ticket <b>#{ $number }</b> is open again: we will take another look.
push-reopened-by-support = Support reopened ticket <b>#{ $number }</b>.

## Super users' messages and support access codes.
push-extra-message = Your message reached support as ticket <b>#{ $number }</b>. We'll reply here.
push-token-attached = Support access code <code>{ $code }</code> is attached to ticket <b>#{ $number }</b>, valid until { $expires }.
push-token-revoked = Support access code <code>{ $code }</code> was revoked: support can no longer use it.

## Anything else.
push-updated = Ticket <b>#{ $number }</b> was updated.
push-updated-unknown = One of your tickets was updated.

## Buttons (plain text).
push-button-my-tickets = My tickets
push-button-reply = Reply
push-button-authorize = Authorize
push-button-reject = Reject
push-button-solved = It's solved ✅
push-button-not-solved = Not solved ❌
push-button-stars = { $stars } ⭐
