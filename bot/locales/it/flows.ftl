## Buttons used everywhere
button-back = ⬅️ Indietro
button-cancel = ✖️ Annulla
button-confirm = ✅ Invia la segnalazione
button-done = ✅ Fatto
button-skip = Salta ➡️

## Main menu
menu-title = Buongiorno { $name }! Come possiamo aiutarti?
menu-what-next = Possiamo aiutarti in altro?
menu-report = 🆘 Segnala un problema
menu-tickets = 📋 I miei ticket
menu-message = ✉️ Scrivi all'assistenza
menu-token = 🔑 Token di accesso per l'assistenza
menu-invite = 👥 Invita un collega
menu-language = 🌐 Lingua

## General replies
flow-expired = La conversazione precedente è rimasta in sospeso per più di { $minutes } minuti ed è stata chiusa. Non è stato inviato nulla. Ricominciamo.
unsupported-message = Mi dispiace, capisco solo testo, file, foto, messaggi vocali e pulsanti.
not-linked-yet = Questa chat non è ancora collegata a un account cliente.
nothing-to-cancel = Non c'era nulla da annullare.
unknown-command = Non conosco il comando /{ $command }.
button-expired = Questo pulsante appartiene a un messaggio precedente e non funziona più.

## Report a problem
report-ask-product = Quale programma riguarda?
report-ask-type = Di che tipo di richiesta si tratta?
report-type-error = 🐞 Qualcosa non funziona
report-type-question = ❓ Una domanda
report-type-request = 🛠 Una richiesta di modifica
report-type-other = 💬 Altro
report-ask-subject = In una riga, qual è il problema? (es. <i>"La stampa della fattura mostra l'IVA sbagliata"</i>)
report-type-a-line = Scrivi l'oggetto come testo.
report-subject-too-long = L'oggetto ha { $length } caratteri, ma può averne al massimo { $max }. Accorcialo: i dettagli vengono dopo.
report-ask-description =
    Ora descrivi il problema. Ci aiutano soprattutto:
    • il testo esatto del messaggio di errore
    • i passaggi che lo provocano (quale schermata, quale pulsante)
    • il numero del documento o del record interessato
report-describe-in-words = Descrivi il problema a parole.
report-description-still-needed = File ricevuto. Descrivi anche il problema a parole.
report-description-too-long = La descrizione ha { $length } caratteri, ma può averne al massimo { $max }. Puoi inviare il resto come file.
report-ask-files =
    Aggiungi screenshot, documenti, una registrazione dello schermo o un messaggio vocale, se li hai (fino a { $max } file, { $mb } MB ciascuno).
    Quando hai finito, premi il pulsante.
report-files-added = 📎 Aggiunti: { $names } ({ $count } di { $max }).
report-file-too-many = “{ $name }” non è stato aggiunto: un ticket può avere al massimo { $max } file.
report-file-too-big = “{ $name }” non è stato aggiunto: i file possono essere al massimo di { $mb } MB. Invia un file più piccolo o un link.
report-file-failed = Non è stato possibile ricevere “{ $name }”. Prova a inviarlo di nuovo.
report-text-added-to-description = L'ho aggiunto alla descrizione.
report-send-files-or-done = Invia dei file o premi il pulsante per proseguire.
report-ask-impact = Il problema ti impedisce di lavorare?
report-impact-blocked = 🔴 Sì, il lavoro è bloccato
report-impact-can-work = 🟢 No, posso continuare a lavorare
report-ask-phone = { $known ->
    [1] Se serve, possiamo chiamarti al { $phone }? Condividi un altro numero con il pulsante qui sotto, oppure mantieni questo.
   *[other] Se serve, possiamo chiamarti? Condividi il tuo numero con il pulsante qui sotto, oppure salta.
}
report-share-phone = 📱 Condividi il mio numero
report-phone-keep = Mantieni { $phone }
report-phone-not-understood = Non sembra un numero di telefono. Usa il pulsante, scrivi un numero come +39 333 100 2000, oppure salta.
report-phone-noted = { $known ->
    [1] Grazie, annotato: { $phone }.
   *[other] Va bene, nessun numero di telefono.
}
report-summary =
    <b>Controlla la segnalazione</b>

    <b>Tipo:</b> { $type }
    <b>Programma:</b> { $product }
    <b>Oggetto:</b> { $subject }
    <b>Descrizione:</b>
    { $description }

    <b>File:</b> { $files }
    <b>Lavoro bloccato:</b> { $blocked ->
        [yes] sì
       *[other] no
    }
    <b>Telefono:</b> { $phone }
report-confirm-or-back = Premi “Invia la segnalazione” oppure torna indietro per modificare qualcosa.
report-use-buttons = Scegli uno dei pulsanti.
report-cancelled = La segnalazione è stata annullata; non è stato inviato nulla.

## A form for a long answer (Slack shows it as a modal; the title has at most 24 characters)
compose-button = ✍️ Scrivi in un modulo
compose-title = Il tuo messaggio
compose-submit = Invia
compose-label = Scrivi qui: puoi andare a capo.
