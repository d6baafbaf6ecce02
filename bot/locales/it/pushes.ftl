### Notifiche di stato: ciò che il cliente legge in chat (o per e-mail) quando il suo ticket cambia.
### Mini-HTML (<b>, <i>, <code>); il codice esegue l'escape di ogni variabile.
### $number è il numero del ticket come testo; $subject, $text ecc. sono testi scritti da persone.

## Apertura e autorizzazione.
push-opened =
    Il ticket <b>#{ $number }</b> è aperto: { $subject }
    Ti risponderemo qui. Stato: { $status }.
push-opened-to-authorize =
    Il ticket <b>#{ $number }</b> è stato registrato: { $subject }
    È in attesa dell'autorizzazione dell'amministratore della tua azienda; ti avviseremo qui. Stato: { $status }.
push-due = Risposta prevista entro il { $due }.
push-status = Stato: { $status }.
push-reason = Motivo: { $reason }
push-auth-request =
    <b>Autorizzazione richiesta</b> per il ticket <b>#{ $number }</b>
    Da: { $reporter }
    { $type }: { $subject }

    { $description }
push-authorized = Il ticket <b>#{ $number }</b> è stato autorizzato da { $name } ed è passato all'assistenza. Stato: { $status }.
push-rejected =
    Il ticket <b>#{ $number }</b> non è stato autorizzato: { $subject }
    Rifiutato da { $name }.

## Chi se ne occupa e stato.
push-assigned = <b>{ $agent }</b> si occupa del tuo ticket <b>#{ $number }</b>.
push-in-progress = Il ticket <b>#{ $number }</b> è in lavorazione: ce ne stiamo occupando.
push-back-in-progress = Il ticket <b>#{ $number }</b> è di nuovo in lavorazione.
push-waiting = Il ticket <b>#{ $number }</b> è in attesa di una tua risposta.
push-status-changed = Ticket <b>#{ $number }</b>: il nuovo stato è { $status }.
push-info-requested =
    <b>{ $agent }</b> (assistenza) ha bisogno di altre informazioni sul ticket <b>#{ $number }</b>:
    { $text }
push-expected-close = Ticket <b>#{ $number }</b>: la chiusura è prevista entro il { $date }.
push-expected-close-removed = Ticket <b>#{ $number }</b>: non c'è più una data di chiusura prevista.
push-priority-changed = Ticket <b>#{ $number }</b>: urgenza { $icon } { $priority }.

## Messaggi e file dell'assistenza.
push-agent-reply =
    <b>{ $agent }</b> (assistenza), ticket #{ $number }:
    { $text }
push-agent-reply-edited =
    <b>{ $agent }</b> (assistenza), ticket #{ $number } (modificato):
    { $text }
push-files = 📎 { $count ->
    [one] { $count } allegato
   *[other] { $count } allegati
}
push-file-from-support = L'assistenza ha inviato un file per il ticket <b>#{ $number }</b>: { $file }

## Risoluzione, chiusura, valutazione, riapertura.
push-resolved =
    Il ticket <b>#{ $number }</b> è risolto.
    <b>{ $agent }</b> (assistenza):
    { $resolution }
push-resolved-question = Il problema è risolto?
push-closed-confirmed = Grazie della conferma: il ticket <b>#{ $number }</b> è chiuso.
push-closed = Il ticket <b>#{ $number }</b> è chiuso.
push-closed-auto = Il ticket <b>#{ $number }</b> è stato chiuso automaticamente: era risolto e non sono arrivate altre risposte.
push-rate = Com'è andata? Valuta la nostra assistenza da 1 a 5 stelle.
push-rated = Grazie! Hai valutato il ticket <b>#{ $number }</b> con { $rating ->
    [one] { $rating } stella
   *[other] { $rating } stelle
}.
push-reopened = Il ticket <b>#{ $number }</b> è stato riaperto: lo esamineremo di nuovo.
push-reopened-by-support = L'assistenza ha riaperto il ticket <b>#{ $number }</b>.

## Messaggi dei Super User e codici di accesso per l'assistenza.
push-extra-message = Il tuo messaggio è arrivato all'assistenza come ticket <b>#{ $number }</b>. Ti risponderemo qui.
push-token-attached = Il codice di accesso per l'assistenza <code>{ $code }</code> è allegato al ticket <b>#{ $number }</b> ed è valido fino al { $expires }.
push-token-revoked = Il codice di accesso per l'assistenza <code>{ $code }</code> è stato revocato: non si può più usare.

## Tutto il resto.
push-updated = Il ticket <b>#{ $number }</b> è stato aggiornato.
push-updated-unknown = Uno dei tuoi ticket è stato aggiornato.

## Pulsanti (testo semplice).
push-button-my-tickets = I miei ticket
push-button-reply = Rispondi
push-button-authorize = Autorizza
push-button-reject = Rifiuta
push-button-solved = Risolto ✅
push-button-not-solved = Non risolto ❌
push-button-stars = { $stars } ⭐
