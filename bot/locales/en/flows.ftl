## Buttons used everywhere
button-back = ⬅️ Back
button-cancel = ✖️ Cancel
button-confirm = ✅ Send the report
button-done = ✅ Done
button-skip = Skip ➡️

## Main menu
menu-title = Hello { $name }! How can we help?
menu-what-next = Anything else?
menu-report = 🆘 Report a problem
menu-tickets = 📋 My tickets
menu-message = ✉️ Message support
menu-token = 🔑 Support access token
menu-invite = 👥 Invite a colleague
menu-language = 🌐 Language

## General replies
flow-expired = Your previous conversation was left for more than { $minutes } minutes, so we closed it. Nothing was sent. Let's start again.
unsupported-message = Sorry, I only understand text, files, photos, voice notes and buttons.
not-linked-yet = This chat is not linked to a customer account yet.
nothing-to-cancel = There was nothing to cancel.
unknown-command = I don't know the command /{ $command }.
button-expired = That button belongs to an older message and no longer works.

## Report a problem
report-ask-product = Which program is it about?
report-ask-type = What kind of request is it?
report-type-error = 🐞 Something doesn't work
report-type-question = ❓ A question
report-type-request = 🛠 A request for a change
report-type-other = 💬 Something else
report-ask-subject = In one line, what is the problem? (e.g. <i>"Invoice printout shows the wrong VAT"</i>)
report-type-a-line = Please type the subject as text.
report-subject-too-long = That is { $length } characters; a subject can have at most { $max }. Please shorten it; the details come next.
report-ask-description =
    Now describe the problem. What helps us most:
    • the exact error message, word for word
    • the steps that lead to it (which screen, which button)
    • the document number or record it happens with
report-describe-in-words = Please describe the problem in words.
report-description-still-needed = Got the file. Please also describe the problem in words.
report-description-too-long = That is { $length } characters; the description can have at most { $max }. You can send the rest as a file.
report-ask-files =
    Add screenshots, documents, a screen recording or a voice note, if you have them (up to { $max } files, { $mb } MB each).
    Press the button when you are done.
report-files-added = 📎 Added: { $names } ({ $count } of { $max }).
report-file-too-many = “{ $name }” was not added: a ticket can have at most { $max } files.
report-file-too-big = “{ $name }” was not added: files can be at most { $mb } MB. Please send a smaller one or a link to it.
report-file-failed = “{ $name }” could not be received. Please try sending it again.
report-text-added-to-description = I added that to the description.
report-send-files-or-done = Send files, or press the button to go on.
report-ask-impact = Does the problem stop you from working?
report-impact-blocked = 🔴 Yes, my work is blocked
report-impact-can-work = 🟢 No, I can keep working
report-ask-phone = { $known ->
    [1] Shall we call you on { $phone } if needed? Share another number with the button below, or keep this one.
   *[other] Can we call you if needed? Share your phone number with the button below, or skip.
}
report-share-phone = 📱 Share my phone number
report-phone-keep = Keep { $phone }
report-phone-not-understood = That does not look like a phone number. Use the button, type a number such as +48 600 100 200, or skip.
report-phone-noted = { $known ->
    [1] Thanks, noted: { $phone }.
   *[other] OK, no phone number.
}
report-summary =
    <b>Please check your report</b>

    <b>Type:</b> { $type }
    <b>Program:</b> { $product }
    <b>Subject:</b> { $subject }
    <b>Description:</b>
    { $description }

    <b>Files:</b> { $files }
    <b>Work blocked:</b> { $blocked ->
        [yes] yes
       *[other] no
    }
    <b>Phone:</b> { $phone }
report-confirm-or-back = Press “Send the report”, or go back to change something.
report-use-buttons = Please choose one of the buttons.
report-cancelled = The report was cancelled; nothing was sent.

## A form for a long answer (Slack shows it as a modal; the title has at most 24 characters)
compose-button = ✍️ Write it in a form
compose-title = Your message
compose-submit = Send
compose-label = Write here: line breaks are fine.
