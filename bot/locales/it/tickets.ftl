### I miei ticket: l'elenco, il dettaglio di un ticket, i pulsanti dei ticket e la conversazione.
### Mini-HTML (<b>, <i>, <code>); il codice esegue l'escape di ogni variabile.
### $number è il numero del ticket come testo; $subject, $text, $query e i nomi sono testi scritti da persone.

## L'elenco.
tickets-list-header = { $scope ->
    [company] 📋 <b>I ticket della tua azienda</b>
   *[own] 📋 <b>I tuoi ticket</b>
} · { $filter }{ $period }
tickets-list-period = {" · "}{ $period }
tickets-search-header = 🔎 <b>Ticket che contengono “{ $query }”</b>
tickets-list-empty = { $filter ->
    [active] Non hai ticket attivi.
    [archived] Non ci sono ticket archiviati.
   *[all] Qui non ci sono ticket.
}
tickets-search-empty = Nessun ticket contiene “{ $query }”.
tickets-search-more = Qui ci stanno solo i { $count } risultati più recenti: aggiungi una parola per restringere la ricerca.
tickets-list-hint = 🔎 Per cercare, scrivi /tickets e una parola, ad es. <code>/tickets fattura</code>.
tickets-list-line =
    { $icon } <b>#{ $number }</b> · { $created }{ $product }{ $reporter }{ $unread }
    { $subject } · <i>{ $status }</i>
tickets-list-product = {" · "}{ $name }
tickets-list-reporter = {" · "}👤 { $name }
tickets-list-unread = {" · "}‼️ <b>{ $count ->
    [one] { $count } non letto
   *[other] { $count } non letti
}</b>
tickets-button = { $unread ->
    [0] {""}
   *[other] ‼️{" "}
}{ $icon } #{ $number } { $subject } · { $status }
tickets-filter-active = Attivi
tickets-filter-all = Tutti
tickets-filter-archived = Archiviati
tickets-current = • { $label }
tickets-button-previous = ◀️ Precedenti
tickets-button-next = Successivi ▶️
tickets-button-period = 📅 { $chosen ->
    [1] { $period }
   *[other] Periodo
}
tickets-button-menu = 🏠 Menu
tickets-button-back-to-list = ⬅️ Torna all'elenco
tickets-period-title = 📅 Di quale periodo vuoi vedere i ticket?
tickets-period-7 = Ultimi 7 giorni
tickets-period-30 = Ultimi 30 giorni
tickets-period-year = Quest'anno
tickets-period-any = Sempre

## Il dettaglio di un ticket.
tickets-detail-title = <b>#{ $number }</b> · { $subject }
tickets-detail-status = Stato: <b>{ $status }</b>
tickets-detail-urgency = Urgenza: { $icon } { $priority }
tickets-detail-product = Programma: { $product }
tickets-detail-created = Aperto il: { $at }
tickets-detail-reporter = Segnalato da: { $name }
tickets-detail-handlers = Se ne occupa: { $known ->
    [1] { $names }
   *[other] ancora nessuno
}
tickets-detail-expected = Chiusura prevista: { $date }
tickets-detail-spent = { $done ->
    [1] Tempo impiegato: { $spent }
   *[other] Aperto da { $spent }
}
tickets-detail-archived = 📦 Archiviato: nascosto dai tuoi elenchi, ma la ricerca lo trova ancora.
tickets-days = { $count ->
    [one] { $count } giorno
   *[other] { $count } giorni
}
tickets-hours = { $count ->
    [one] { $count } ora
   *[other] { $count } ore
}
tickets-minutes = { $count ->
    [one] { $count } minuto
   *[other] { $count } minuti
}
tickets-under-a-minute = meno di un minuto
tickets-history-title = <b>Cronologia</b>{ $earlier ->
    [0] {""}
    [one] {" "}(1 voce precedente: premi “Precedenti”)
   *[other] {" "}({ $earlier } voci precedenti: premi “Precedenti”)
}
tickets-entry-opened = 📝 <b>Segnalazione</b> · { $name } · { $at }
tickets-entry-customer = 💬 <b>{ $name }</b> · { $at }{ $seen ->
    [1] {" "}· ✓ letto dall'assistenza
   *[other] {""}
}
tickets-entry-agent = { $new ->
    [1] 🆕{" "}
   *[other] {""}
}🎧 <b>{ $name }</b> (assistenza) · { $at }
tickets-entry-status = 🔄 { $at } · stato: <b>{ $status }</b>
tickets-entry-status-by = 🔄 { $at } · stato: <b>{ $status }</b> · { $name }
tickets-entry-system = ℹ️ { $at }
tickets-entry-text = { $text }
tickets-entry-file = 📎 { $name }
tickets-you = Tu
tickets-someone = Qualcuno
tickets-support = Assistenza
tickets-rate-prompt = ⭐ Com'è andata? Valuta la nostra assistenza da 1 a 5 stelle.
tickets-button-reply = ✍️ Rispondi
tickets-button-solved = ✅ Risolto
tickets-button-not-solved = ❌ Non risolto
tickets-button-reopen = 🔄 Riapri
tickets-button-archive = 📦 Archivia
tickets-button-unarchive = 📤 Togli dall'archivio
tickets-button-earlier = ⬆️ Precedenti
tickets-button-latest = ⬇️ Più recenti
tickets-button-stars = { $stars } ⭐
tickets-archived = 📦 Il ticket <b>#{ $number }</b> è archiviato: nascosto dai tuoi elenchi, ma la ricerca lo trova ancora.
tickets-unarchived = 📤 Il ticket <b>#{ $number }</b> è di nuovo nei tuoi elenchi.

## Scrivere su un ticket, riaprirlo.
tickets-write-now = ✍️ Scrivi il tuo messaggio per il ticket <b>#{ $number }</b>: testo, foto o file. Arriva all'assistenza appena lo invii.
tickets-reply-solved = Il ticket <b>#{ $number }</b> è già risolto. Per aggiungere qualcosa riaprilo, oppure apri un nuovo ticket.
tickets-reply-closed = Il ticket <b>#{ $number }</b> non può più essere aggiornato (stato: { $status }). Apri un nuovo ticket.
tickets-tell-what-is-wrong = { $pushed ->
    [1] Raccontaci che cosa non va ancora: il tuo prossimo messaggio andrà al ticket <b>#{ $number }</b>.
   *[other] Il ticket <b>#{ $number }</b> è di nuovo aperto. Raccontaci che cosa non va ancora: il tuo prossimo messaggio andrà lì.
}
tickets-not-resolved = Il ticket <b>#{ $number }</b> non è in attesa della tua conferma (stato: { $status }).

## Conferma e valutazione.
tickets-confirmed = Grazie: il ticket <b>#{ $number }</b> è chiuso.{ $rate ->
    [1] {" "}Com'è andata? Valuta la nostra assistenza da 1 a 5 stelle.
   *[other] {""}
}
tickets-ask-comment = Grazie per aver valutato il ticket <b>#{ $number }</b> con { $rating } ⭐! Vuoi aggiungere due parole per il team? Scrivile, oppure premi “Salta”.
tickets-comment-as-text = Scrivi il commento come testo, oppure premi “Salta”.
tickets-comment-thanks = Grazie, abbiamo inoltrato il tuo commento al team.

## Autorizzazione (super user).
tickets-authorized = ✅ Hai autorizzato il ticket <b>#{ $number }</b>: è passato all'assistenza.
tickets-already-decided = Il ticket <b>#{ $number }</b> non è più in attesa di autorizzazione (stato: { $status }).
tickets-ask-reason = Perché rifiuti il ticket <b>#{ $number }</b> di { $reporter }? Il motivo gli verrà inviato. Scrivilo, oppure premi il pulsante per rifiutare senza motivo.
tickets-button-reject-no-reason = Rifiuta senza motivo
tickets-reject-as-text = Scrivi il motivo come testo, oppure premi il pulsante per rifiutare senza motivo.
tickets-rejected = Il ticket <b>#{ $number }</b> è stato rifiutato; { $reporter } è stato avvisato.
tickets-reject-cancelled = Non è stato rifiutato nulla.

## Scrivere su un ticket.
tickets-added = ✓ Aggiunto al ticket #{ $number }
tickets-which = { $count ->
    [one] A quale ticket si riferisce questo messaggio?
   *[other] A quale ticket si riferiscono questi { $count } messaggi?
} Non inviamo nulla finché non scegli.
tickets-none = Non hai ticket aperti, quindi { $count ->
    [one] questo messaggio non è stato inviato
   *[other] questi { $count } messaggi non sono stati inviati
} all'assistenza. Vuoi segnalare un nuovo problema?
tickets-solved-prompt = Il ticket <b>#{ $number }</b> è già risolto, quindi il tuo messaggio non è stato aggiunto. Vuoi riaprirlo e inviare il messaggio, o aprire un nuovo ticket?{ $others ->
    [0] {""}
   *[other] {" "}Oppure aggiungilo a uno dei tuoi ticket aperti qui sotto.
}
tickets-closed-prompt = Il ticket <b>#{ $number }</b> è chiuso e non può più essere aggiornato, quindi il tuo messaggio non è stato aggiunto. Vuoi aprire un nuovo ticket?{ $others ->
    [0] {""}
   *[other] {" "}Oppure aggiungilo a uno dei tuoi ticket aperti qui sotto.
}
tickets-button-reopen-send = 🔄 Riapri e invia
tickets-button-new-report = 🆕 Nuovo ticket
tickets-files-carried = 📎 { $count ->
    [one] Il file che hai inviato verrà allegato al nuovo ticket.
   *[other] I { $count } file che hai inviato verranno allegati al nuovo ticket.
}
tickets-pending-dropped = { $count ->
    [one] Il messaggio non inviato è stato scartato.
   *[other] I { $count } messaggi non inviati sono stati scartati.
}
tickets-pending-cancelled = Va bene, non è stato inviato nulla.
tickets-edit-not-applied = La tua modifica non è stata inoltrata: il ticket #{ $number } non può più essere modificato.
