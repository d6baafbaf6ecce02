### Linking a chat to a company account (invites, signed links, self-registration), the
### language, and inviting colleagues (bot/flows/link.py, register.py, welcome.py).

## Before the chat is linked
link-welcome =
    👋 Ti diamo il benvenuto nella chat di assistenza!
    Qui puoi segnalare problemi con i tuoi programmi e seguire i tuoi ticket. Prima però questa chat va collegata all'account della tua azienda. Come preferisci farlo?
link-what-next = Puoi chiedere un link di invito all'amministratore della tua azienda, oppure registrare qui l'account dell'azienda.
link-button-invited = ✉️ Ho un invito
link-button-register = 🏢 Registra l'account della mia azienda
link-invited-help =
    { $platform ->
        [slack] Gli inviti li crea l'amministratore della tua azienda (menu “Invita un collega”). Chiedigli un codice di invito e mandamelo qui, in questo messaggio diretto: la chat si collega da sola.
       *[other] Gli inviti li crea l'amministratore della tua azienda in questa chat (menu “Invita un collega”). Chiedi all'amministratore un link di invito e aprilo su questo dispositivo: la chat si collega con un tocco.
    }
    Se nella tua azienda nessuno usa ancora questa chat, registra invece l'account dell'azienda.

## Linked, or not
link-linked = ✅ Fatto, { $name }! Questa chat ora è collegata a <b>{ $company }</b>. { $role ->
    [super_user] Sei l'amministratore dell'azienda: vedi anche tutti i suoi ticket e puoi invitare i colleghi.
    [restricted] I tuoi nuovi ticket arrivano all'assistenza dopo l'autorizzazione dell'amministratore della tua azienda.
   *[other] Qui puoi segnalare problemi e seguire i tuoi ticket.
}
link-already-linked = Questa chat è già collegata al tuo account di { $company }.
link-invite-other-company = Questo invito è per un'altra azienda. Questa chat è collegata a { $company } e resta così: una chat appartiene all'account di una sola azienda. Se ora lavori per un'altra azienda, chiedi prima all'assistenza di scollegare questa chat.
link-signed-disabled = L'accesso dal programma non è attivo qui. Usa un invito del tuo amministratore oppure registra l'account della tua azienda.
link-signed-invalid = Questo link di accesso non è valido o è scaduto. Aprilo di nuovo dal programma: un link nuovo funziona subito.
link-signed-other-user = Questa chat è già collegata a un altro account di { $company } e resta così. Per usare un altro account, chiedi prima all'assistenza di scollegare questa chat.
link-role-super_user = Amministratore
link-role-member = Utente
link-role-restricted = Utente limitato

## Self-registration (seed 000)
register-mail-unavailable = La registrazione via e-mail non è disponibile qui. Chiedi un link di invito all'amministratore della tua azienda.
register-ask-tax-id =
    Registriamo l'account della tua azienda in tre passi: partita IVA, numero di licenza e il tuo indirizzo e-mail.
    Qual è la partita IVA della tua azienda? Puoi scriverla anche con spazi o trattini.
register-tax-id-invalid = Non sembra una partita IVA. Scrivila per esempio così: <code>IT 01234567890</code> oppure <code>01234567890</code>.
register-ask-license = Trovata: <b>{ $company }</b>. Ora scrivi il numero di licenza di uno qualsiasi dei suoi programmi in uso (lo trovi nel programma, nella finestra “Informazioni”, oppure sul documento di licenza).
register-type-license = Scrivi il numero di licenza come testo.
register-ask-email = A quale indirizzo e-mail inviamo il codice di verifica? Usa il tuo indirizzo di lavoro.
register-email-wait = Abbiamo appena inviato un codice. Attendi { $seconds ->
    [one] un secondo
   *[other] { $seconds } secondi
}, poi premi “Invia il codice”.
register-button-send = 📧 Invia il codice
register-address-refused = Il server di posta non ha accettato l'indirizzo { $email }. Controllalo o scrivine un altro.
register-code-sent =
    📧 Abbiamo inviato un codice a <b>{ $email }</b>. Può arrivare anche dopo qualche minuto: controlla pure la cartella dello spam. Il codice è valido per { $minutes ->
        [one] un minuto
       *[other] { $minutes } minuti
    }.
    Scrivilo qui:
register-mail-failed = ⚠️ Al momento non siamo riusciti a inviare l'e-mail. I tuoi dati sono salvati: riprova tra un minuto.
register-button-resend = 🔁 Invia un nuovo codice
register-button-retry = 🔁 Riprova
register-button-change-email = ✏️ Cambia e-mail
register-type-code = Scrivi il codice di { $digits } cifre che trovi nell'e-mail, per esempio 123456.
register-code-wrong = Il codice non è corretto. { $tries_left ->
    [one] Hai ancora un tentativo.
   *[other] Hai ancora { $tries_left } tentativi.
}
register-code-locked = Troppi codici errati: questo codice non funziona più. Premi “Invia un nuovo codice” per riceverne uno nuovo.
register-code-expired = Questo codice è scaduto. Premi “Invia un nuovo codice” per riceverne uno nuovo.
register-resend-wait = Potrai chiedere un nuovo codice tra { $seconds ->
    [one] un secondo
   *[other] { $seconds } secondi
}. Nel frattempo controlla la posta, anche lo spam: le e-mail possono arrivare dopo qualche minuto.
register-resend-limit = Per ora abbiamo inviato tutti i codici possibili. Riprova più tardi oppure chiedi un link di invito all'amministratore della tua azienda.
register-code-resent = 📧 Un nuovo codice sta arrivando a <b>{ $email }</b>, valido per { $minutes ->
    [one] un minuto
   *[other] { $minutes } minuti
}. Il codice precedente non funziona più.
register-cancelled = Registrazione annullata.

## The e-mail with the code (plain text, not HTML)
register-mail-subject = Il tuo codice di verifica per la chat di assistenza
register-mail-body =
    Buongiorno,

    il tuo codice di verifica è:

        { $code }

    Scrivilo nella chat di assistenza per collegarla a { $company }. Il codice è valido per { $minutes ->
        [one] un minuto
       *[other] { $minutes } minuti
    }.

    Se non hai chiesto tu questo codice, ignora questa e-mail: senza il codice non succede nulla.

## Language
lang-choose = 🌐 Scegli la lingua:
lang-changed = ✅ Fatto: d'ora in poi ti scrivo in italiano.

## Invite a colleague (super users)
invite-ask-role =
    Chi stai invitando? Scegli il ruolo:
    • <b>Utente</b>: segnala problemi e segue i propri ticket.
    • <b>Utente limitato</b>: come un utente, ma i suoi nuovi ticket attendono l'autorizzazione di un amministratore.
    • <b>Amministratore</b>: vede anche tutti i ticket dell'azienda, scrive all'assistenza e invita i colleghi.
invite-role-member = 👤 Utente
invite-role-restricted = 🔒 Utente limitato
invite-role-super_user = ⭐ Amministratore
invite-use-buttons = Scegli un ruolo con i pulsanti.
invite-created =
    ✉️ <b>Invito per { $company }</b>
    Ruolo: { $role }
    Valido fino a: { $expires }
    { $platform ->
        [slack]
            Codice di invito: <code>{ $link }</code>

            Manda questo codice al tuo collega: me lo invia in un messaggio diretto su Slack e la sua chat si collega da sola. Funziona una sola volta: chi lo invia per primo entra nella tua azienda, quindi mandalo solo a quella persona.
       *[other]
            { $link }

            Manda questo link al tuo collega. Funziona una sola volta: chi lo apre per primo entra nella tua azienda, quindi mandalo solo a quella persona.
    }
invite-cancelled = Nessun invito creato.
