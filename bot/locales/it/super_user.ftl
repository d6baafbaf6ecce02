### Super users only (seed 003): "Message support" and support access tokens (bot/flows/super_user/).
### Mini-HTML; the code escapes every variable a person typed. $number is a ticket number as text.
### Button labels are plain text.

## Message support
su-message-ask-subject =
    ✉️ <b>Messaggio all'assistenza</b>
    Per tutto ciò che l'assistenza deve sapere e che non è la segnalazione di un problema: un cambiamento nella tua azienda, informazioni aggiuntive, una domanda sulla nostra collaborazione. Per segnalare un problema usa invece “Segnala un problema”.

    Prima di tutto, l'oggetto in una riga:
su-message-type-subject = Scrivi l'oggetto come testo.
su-message-subject-too-long = L'oggetto ha { $length } caratteri, ma può averne al massimo { $max }. Accorcialo: il messaggio vero e proprio viene dopo.
su-message-ask-text = Ora scrivi il tuo messaggio. Puoi anche allegare dei file (fino a { $max }, { $mb } MB ciascuno).
su-message-write-text = Scrivi il messaggio come testo.
su-message-text-still-needed = Ricevuto. Scrivi anche qualche parola per l'assistenza.
su-message-too-long = Così il messaggio avrebbe { $length } caratteri, ma può averne al massimo { $max }. Accorcialo, oppure invia il resto come file.
su-message-files-added = 📎 Aggiunti: { $names } ({ $count } di { $max }).
su-message-summary =
    <b>Controlla il messaggio</b>

    <b>Oggetto:</b> { $subject }
    <b>Messaggio:</b>
    { $text }

    <b>File:</b> { $files }
su-message-send = ✅ Invia all'assistenza
su-message-text-added = L'ho aggiunto al messaggio.
su-message-send-or-back = Premi “Invia all'assistenza” oppure torna indietro per modificare qualcosa.
su-message-sent = { $files ->
    [0] ✉️ Il tuo messaggio è arrivato all'assistenza come <b>#{ $number }</b>. Ti risponderemo qui.
    [one] ✉️ Il tuo messaggio e { $files } file sono arrivati all'assistenza come <b>#{ $number }</b>. Ti risponderemo qui.
   *[other] ✉️ Il tuo messaggio e { $files } file sono arrivati all'assistenza come <b>#{ $number }</b>. Ti risponderemo qui.
}
su-message-cancelled = Il messaggio è stato annullato; non è stato inviato nulla.

## Support access tokens: the list
su-tokens-intro =
    🔑 <b>Token di accesso per l'assistenza</b>
    Un token è un codice che permette alla nostra assistenza di entrare nel tuo ambiente finché non scade. Allegalo a un ticket e l'assistenza lo vedrà lì. Revocalo appena non serve più.
su-tokens-count = { $count ->
    [0] Non hai token validi.
    [one] Hai un token valido:
   *[other] Hai { $count } token validi:
}
su-token-line-free = • <code>{ $code }</code>, valido fino al { $expires }, non allegato a nessun ticket
su-token-line-attached = • <code>{ $code }</code>, valido fino al { $expires }, allegato al ticket <b>#{ $number }</b>
su-tokens-more = { $count ->
    [one] …e { $count } token più vecchio, che scadrà da solo.
   *[other] …e altri { $count } token più vecchi, che scadranno da soli.
}
su-token-button-create = ➕ Crea un token
su-token-button-attach = 📎 Allega { $code }
su-token-button-revoke = 🚫 Revoca
su-token-button-menu = ⬅️ Menu principale
su-token-gone = <code>{ $code }</code> non è tra i tuoi token validi: potrebbe essere scaduto o revocato.

## Creating one
su-token-ask-validity = Per quanto tempo deve essere valido il nuovo token? Scegli il tempo minimo che serve all'assistenza; puoi sempre crearne un altro.
su-token-hours = { $count ->
    [one] { $count } ora
   *[other] { $count } ore
}
su-token-days = { $count ->
    [one] { $count } giorno
   *[other] { $count } giorni
}
su-token-weeks = { $count ->
    [one] { $count } settimana
   *[other] { $count } settimane
}
su-token-created =
    ✅ <b>Il tuo nuovo token di accesso per l'assistenza</b>

    <code>{ $code }</code>

    Valido fino al { $expires }.
    ⚠️ Condividilo solo con la nostra assistenza: chi lo possiede può entrare nel tuo ambiente finché non scade o finché non lo revochi.
    Allegalo a un ticket, così l'assistenza lo vedrà lì.

## Attaching one to a ticket
su-token-pick-ticket = A quale ticket vuoi allegare <code>{ $code }</code>? L'assistenza lo vedrà in quel ticket.
su-token-pick-moves = Ora è allegato al ticket <b>#{ $number }</b>; se scegli un altro ticket, verrà spostato lì.
su-token-older-tickets = Ticket precedenti ➡️
su-token-no-tickets = Non c'è nessun ticket aperto a cui allegare <code>{ $code }</code>. Segnala prima il problema, poi allega il token alla segnalazione.
su-token-attached = 📎 <code>{ $code }</code> è allegato al ticket <b>#{ $number }</b>: l'assistenza lo vede già lì.

## Revoking one
su-token-revoke-confirm = { $attached ->
    [1] Revocare <code>{ $code }</code>? L'assistenza non potrà più usarlo; la avviseremo nel ticket <b>#{ $number }</b>.
   *[other] Revocare <code>{ $code }</code>? Nessuno potrà più usarlo.
}
su-token-revoke-yes = 🚫 Sì, revocalo
su-token-revoked = 🚫 <code>{ $code }</code> è stato revocato: nessuno può più usarlo.
