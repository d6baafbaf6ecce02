### Agents in Slack: the /ticket command's answers and its stats chart.
### Slack mrkdwn (*bold*, _italic_); every variable is escaped by the code before it goes in.
### $number is a ticket number as text; $query, $word, $subject, $company are what people typed.
### desk-chart-* and desk-status-* are plain text (no markup).

desk-help = *`/ticket`* îți arată tichetele doar ție:
    • `/ticket open` · `mine` · `unassigned` · `breaching` (SLA aproape de termen sau depășit)
    • `/ticket find` urmat de un număr, o firmă sau cuvinte
    • `/ticket 1042` un tichet, cu link către firul lui
    • `/ticket stats 7d` (sau `30d`, `12w`): cifrele și un grafic în canalul de suport
desk-unknown = Nu am înțeles „{ $word }”.
desk-not-member = Doar membrii { $channel } pot folosi /ticket.
desk-header-open = *Tichete deschise*
desk-header-mine = *Tichetele tale*
desk-header-unassigned = *Tichete nealocate*
desk-header-breaching = *Tichete cu SLA aproape de termen sau depășit*
desk-header-find = *Tichete care se potrivesc cu „{ $query }”*
desk-empty = Niciunul.
desk-more = Sunt afișate doar primele { $count }.
desk-unassigned = nealocat
desk-line = { $icon } *#{ $number }* { $subject } · { $status } · { $company } · { $assignee }
desk-line-due = {" · "}SLA { $due }
desk-line-breached = {" · "}🚨 SLA depășit { $due }
desk-not-found = Tichetul #{ $number } nu există.
desk-show-title = { $icon } *#{ $number } · { $subject }*
desk-show-fields =
    { $status } · { $priority } · { $company } · 👤 { $reporter }
    Alocat: { $assignee } · SLA: { $due } · Închidere estimată: { $expected }
desk-show-thread = <{ $link }|Deschide firul>
desk-show-no-thread = Tichetul nu are încă un fir în canalul de suport.
desk-none = —
desk-stats-title = *{ $days ->
    [one] Ultima zi
   *[other] Ultimele { $days } zile
}:* { $opened } deschise
desk-stats-status = { $status }: { $count }
desk-stats-first-response = Primul răspuns (mediană): { $time }
desk-stats-resolution = Rezolvare (mediană): { $time }
desk-stats-sla = SLA respectat: { $rate } ({ $met } din { $resolved } rezolvate)
desk-stats-sla-none = SLA respectat: nimic rezolvat încă
desk-stats-chart = Graficul este în { $channel }.
desk-stats-chart-failed = Graficul nu a putut fi publicat: { $error }
desk-chart-title = Tichete pe zi
desk-chart-opened = Deschise
desk-chart-resolved = Rezolvate
desk-chart-by-status = După starea actuală
desk-chart-comment = Statistici tichete, { $days ->
    [one] ultima zi
   *[other] ultimele { $days } zile
}, cerute de { $name }
desk-status-to_authorize = De autorizat
desk-status-new = Nou
desk-status-in_progress = În lucru
desk-status-waiting_customer = Așteaptă clientul
desk-status-resolved = Rezolvat
desk-status-closed = Închis
desk-status-rejected = Respins
