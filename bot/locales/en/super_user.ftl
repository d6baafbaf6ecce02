### Super users only (seed 003): "Message support" and support access tokens (bot/flows/super_user/).
### Mini-HTML; the code escapes every variable a person typed. $number is a ticket number as text.
### Button labels are plain text.

## Message support
su-message-ask-subject =
    ✉️ <b>Message to support</b>
    For anything support should know that is not a problem report: a change at your company, extra information, a question about our cooperation. To report a problem, use “Report a problem” instead.

    First, the subject in one line:
su-message-type-subject = Please type the subject as text.
su-message-subject-too-long = That is { $length } characters; a subject can have at most { $max }. Please shorten it; the message itself comes next.
su-message-ask-text = Now write your message. You can attach files too (up to { $max }, { $mb } MB each).
su-message-write-text = Please write your message as text.
su-message-text-still-needed = Got it. Please also write a few words for support.
su-message-too-long = With that the message would have { $length } characters, and it can have at most { $max }. Please shorten it, or send the rest as a file.
su-message-files-added = 📎 Added: { $names } ({ $count } of { $max }).
su-message-summary =
    <b>Please check your message</b>

    <b>Subject:</b> { $subject }
    <b>Message:</b>
    { $text }

    <b>Files:</b> { $files }
su-message-send = ✅ Send to support
su-message-text-added = I added that to your message.
su-message-send-or-back = Press “Send to support”, or go back to change something.
su-message-sent = { $files ->
    [0] ✉️ Your message was sent to support as <b>#{ $number }</b>. We'll reply here.
    [one] ✉️ Your message and { $files } file were sent to support as <b>#{ $number }</b>. We'll reply here.
   *[other] ✉️ Your message and { $files } files were sent to support as <b>#{ $number }</b>. We'll reply here.
}
su-message-cancelled = The message was cancelled; nothing was sent.

## Support access tokens: the list
su-tokens-intro =
    🔑 <b>Support access tokens</b>
    A token is a code that lets our support team enter your environment until it expires. Attach it to a ticket and support sees it there. Revoke it as soon as it is no longer needed.
su-tokens-count = { $count ->
    [0] You have no valid tokens.
    [one] You have one valid token:
   *[other] You have { $count } valid tokens:
}
su-token-line-free = • <code>{ $code }</code>, valid until { $expires }, not attached to a ticket
su-token-line-attached = • <code>{ $code }</code>, valid until { $expires }, attached to ticket <b>#{ $number }</b>
su-tokens-more = { $count ->
    [one] …and { $count } older token, which expires on its own.
   *[other] …and { $count } older tokens, which expire on their own.
}
su-token-button-create = ➕ Create a token
su-token-button-attach = 📎 Attach { $code }
su-token-button-revoke = 🚫 Revoke
su-token-button-menu = ⬅️ Main menu
su-token-gone = <code>{ $code }</code> is not among your valid tokens: it may have expired or been revoked.

## Creating one
su-token-ask-validity = How long should the new token be valid? Choose the shortest time support needs; you can always create another one.
su-token-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
su-token-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
su-token-weeks = { $count ->
    [one] { $count } week
   *[other] { $count } weeks
}
su-token-created =
    ✅ <b>Your new support access token</b>

    <code>{ $code }</code>

    Valid until { $expires }.
    ⚠️ Share it only with our support team: whoever has it can enter your environment until it expires or you revoke it.
    Attach it to a ticket so support sees it there.

## Attaching one to a ticket
su-token-pick-ticket = Which ticket should <code>{ $code }</code> be attached to? Support will see it in that ticket.
su-token-pick-moves = It is attached to ticket <b>#{ $number }</b> now; choosing another ticket moves it there.
su-token-older-tickets = Older tickets ➡️
su-token-no-tickets = There is no open ticket to attach <code>{ $code }</code> to. Report the problem first, then attach the token to it.
su-token-attached = 📎 <code>{ $code }</code> is attached to ticket <b>#{ $number }</b>: support can see it there now.

## Revoking one
su-token-revoke-confirm = { $attached ->
    [1] Revoke <code>{ $code }</code>? Support will no longer be able to use it; we will tell them in ticket <b>#{ $number }</b>.
   *[other] Revoke <code>{ $code }</code>? Nobody will be able to use it any more.
}
su-token-revoke-yes = 🚫 Yes, revoke it
su-token-revoked = 🚫 <code>{ $code }</code> is revoked: nobody can use it any more.
