### Linking a chat to a company account (invites, signed links, self-registration), the
### language, and inviting colleagues (bot/flows/link.py, register.py, welcome.py).

## Before the chat is linked
link-welcome =
    👋 Welcome to the support chat!
    Here you can report problems with your programs and follow your tickets. First, this chat has to be linked to your company's account. How would you like to do it?
link-what-next = You can ask your company's administrator for an invitation link, or register your company's account here.
link-button-invited = ✉️ I have an invitation
link-button-register = 🏢 Register my company's account
link-invited-help =
    { $platform ->
        [slack] Invitations are created by your company's administrator (menu “Invite a colleague”). Ask them for an invitation code and send it to me here, in this direct message: the chat links itself.
       *[other] Invitations are created by your company's administrator in this chat (menu “Invite a colleague”). Ask them for an invitation link and open it on this device: the chat links itself in one tap.
    }
    If nobody in your company uses this chat yet, register your company's account instead.

## Linked, or not
link-linked = ✅ Welcome, { $name }! This chat is now linked to <b>{ $company }</b>. { $role ->
    [super_user] You are the company's administrator: you also see all its tickets and can invite colleagues.
    [restricted] Your new tickets go to support once your company's administrator has authorized them.
   *[other] You can report problems and follow your tickets here.
}
link-already-linked = This chat is already linked to your account at { $company }.
link-invite-other-company = This invitation is for another company. This chat is linked to { $company } and stays that way: one chat belongs to one company account. If you now work for another company, please ask support to unlink this chat first.
link-signed-disabled = Signing in from your program is not switched on here. Please use an invitation from your administrator, or register your company's account.
link-signed-invalid = This sign-in link is not valid or has expired. Please open it again from your program: a fresh link works straight away.
link-signed-other-user = This chat is already linked to another account at { $company } and stays that way. To use a different account, please ask support to unlink this chat first.
link-role-super_user = Administrator
link-role-member = Member
link-role-restricted = Restricted member

## Self-registration (seed 000)
register-mail-unavailable = Registration by e-mail is not available here. Please ask your company's administrator for an invitation link.
register-ask-tax-id =
    Let's register your company's account in three steps: tax number, license number and your e-mail address.
    What is your company's tax number (NIP, P.IVA, CUI)? Spaces and dashes are fine.
register-tax-id-invalid = That does not look like a tax number. Please type it like <code>PL 123-456-32-18</code> or <code>1234563218</code>.
register-ask-license = Found: <b>{ $company }</b>. Now type the license number of any of its current programs (you find it in the program's “About” window or on the license document).
register-type-license = Please type the license number as text.
register-ask-email = Which e-mail address should we send the verification code to? Please use your own work address.
register-email-wait = We sent a code only a moment ago. Please wait { $seconds ->
    [one] { $seconds } second
   *[other] { $seconds } seconds
}, then press “Send the code”.
register-button-send = 📧 Send the code
register-address-refused = The mail server did not accept { $email }. Please check the address, or type another one.
register-code-sent =
    📧 We have sent a code to <b>{ $email }</b>. It may take a few minutes to arrive; please check the spam folder too. The code is valid for { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }.
    Type it here:
register-mail-failed = ⚠️ We could not send the e-mail right now. Your details are saved: please try again in a minute.
register-button-resend = 🔁 Send a new code
register-button-retry = 🔁 Try again
register-button-change-email = ✏️ Change e-mail
register-type-code = Please type the { $digits }-digit code from the e-mail, e.g. 123456.
register-code-wrong = That code is not right. { $tries_left ->
    [one] You have one more try.
   *[other] You have { $tries_left } more tries.
}
register-code-locked = Too many wrong codes, so this one no longer works. Press “Send a new code” to get a fresh one.
register-code-expired = This code has expired. Press “Send a new code” to get a fresh one.
register-resend-wait = A new code can be sent in { $seconds ->
    [one] { $seconds } second
   *[other] { $seconds } seconds
}. Meanwhile, please check your inbox and the spam folder: e-mails may take a few minutes.
register-resend-limit = We have sent as many codes as we can for now. Please try again later, or ask your company's administrator for an invitation link.
register-code-resent = 📧 A new code is on its way to <b>{ $email }</b>, valid for { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}. The previous code no longer works.
register-cancelled = Registration cancelled.

## The e-mail with the code (plain text, not HTML)
register-mail-subject = Your verification code for the support chat
register-mail-body =
    Hello,

    your verification code is:

        { $code }

    Type it in the support chat to link the chat to { $company }. The code is valid for { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }.

    If you did not ask for this code, you can ignore this e-mail: without the code nothing happens.

## Language
lang-choose = 🌐 Choose your language:
lang-changed = ✅ Done: from now on I will write in English.

## Invite a colleague (super users)
invite-ask-role =
    Who are you inviting? Choose their role:
    • <b>Member</b>: reports problems and follows their own tickets.
    • <b>Restricted member</b>: like a member, but their new tickets wait for an administrator's authorization.
    • <b>Administrator</b>: also sees all the company's tickets, messages support and invites colleagues.
invite-role-member = 👤 Member
invite-role-restricted = 🔒 Restricted member
invite-role-super_user = ⭐ Administrator
invite-use-buttons = Please choose a role with the buttons.
invite-created =
    ✉️ <b>Invitation to { $company }</b>
    Role: { $role }
    Valid until: { $expires }
    { $platform ->
        [slack]
            Invitation code: <code>{ $link }</code>

            Send this code to your colleague: they send it to me in a direct message in Slack, and their chat links itself. It works only once: whoever sends it first joins your company, so send it to that person only.
       *[other]
            { $link }

            Send this link to your colleague. It works only once: whoever opens it first joins your company, so send it to that person only.
    }
invite-cancelled = No invitation was created.
