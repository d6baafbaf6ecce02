### Agents in Slack: the /ticket command's answers and its stats chart.
### Slack mrkdwn (*bold*, _italic_); every variable is escaped by the code before it goes in.
### $number is a ticket number as text; $query, $word, $subject, $company are what people typed.
### desk-chart-* and desk-status-* are plain text (no markup).

desk-help = *`/ticket`* mostra i ticket solo a te:
    • `/ticket open` · `mine` · `unassigned` · `breaching` (SLA in scadenza o scaduto)
    • `/ticket find` seguito da un numero, un'azienda o delle parole
    • `/ticket 1042` un ticket, con il link alla sua discussione
    • `/ticket stats 7d` (o `30d`, `12w`): i numeri, e un grafico nel canale di supporto
desk-unknown = Non ho capito “{ $word }”.
desk-not-member = Solo i membri di { $channel } possono usare /ticket.
desk-header-open = *Ticket aperti*
desk-header-mine = *I tuoi ticket*
desk-header-unassigned = *Ticket non assegnati*
desk-header-breaching = *Ticket con SLA in scadenza o scaduto*
desk-header-find = *Ticket che corrispondono a “{ $query }”*
desk-empty = Nessuno.
desk-more = Sono mostrati solo i primi { $count }.
desk-unassigned = non assegnato
desk-line = { $icon } *#{ $number }* { $subject } · { $status } · { $company } · { $assignee }
desk-line-due = {" · "}SLA { $due }
desk-line-breached = {" · "}🚨 SLA scaduto { $due }
desk-not-found = Il ticket #{ $number } non esiste.
desk-show-title = { $icon } *#{ $number } · { $subject }*
desk-show-fields =
    { $status } · { $priority } · { $company } · 👤 { $reporter }
    Assegnato a: { $assignee } · SLA: { $due } · Chiusura prevista: { $expected }
desk-show-thread = <{ $link }|Apri la discussione>
desk-show-no-thread = Il ticket non ha ancora una discussione nel canale di supporto.
desk-none = —
desk-stats-title = *{ $days ->
    [one] Ultimo giorno
   *[other] Ultimi { $days } giorni
}:* { $opened } aperti
desk-stats-status = { $status }: { $count }
desk-stats-first-response = Prima risposta (mediana): { $time }
desk-stats-resolution = Risoluzione (mediana): { $time }
desk-stats-sla = SLA rispettato: { $rate } ({ $met } su { $resolved } risolti)
desk-stats-sla-none = SLA rispettato: ancora nulla di risolto
desk-stats-chart = Il grafico è in { $channel }.
desk-stats-chart-failed = Non è stato possibile pubblicare il grafico: { $error }
desk-chart-title = Ticket al giorno
desk-chart-opened = Aperti
desk-chart-resolved = Risolti
desk-chart-by-status = Per stato attuale
desk-chart-comment = Statistiche dei ticket, { $days ->
    [one] ultimo giorno
   *[other] ultimi { $days } giorni
}, richieste da { $name }
desk-status-to_authorize = Da autorizzare
desk-status-new = Nuovo
desk-status-in_progress = In corso
desk-status-waiting_customer = In attesa del cliente
desk-status-resolved = Risolto
desk-status-closed = Chiuso
desk-status-rejected = Rifiutato
