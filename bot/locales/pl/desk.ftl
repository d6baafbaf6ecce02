### Agents in Slack: the /ticket command's answers and its stats chart.
### Slack mrkdwn (*bold*, _italic_); every variable is escaped by the code before it goes in.
### $number is a ticket number as text; $query, $word, $subject, $company are what people typed.
### desk-chart-* and desk-status-* are plain text (no markup).

desk-help = *`/ticket`* pokazuje zgłoszenia tylko Tobie:
    • `/ticket open` · `mine` · `unassigned` · `breaching` (termin SLA bliski lub miniony)
    • `/ticket find`, a po nim numer, firma lub słowa
    • `/ticket 1042` jedno zgłoszenie z linkiem do jego wątku
    • `/ticket stats 7d` (lub `30d`, `12w`): liczby i wykres na kanale wsparcia
desk-unknown = Nie rozumiem „{ $word }”.
desk-not-member = Z /ticket mogą korzystać tylko członkowie { $channel }.
desk-header-open = *Otwarte zgłoszenia*
desk-header-mine = *Twoje zgłoszenia*
desk-header-unassigned = *Nieprzypisane zgłoszenia*
desk-header-breaching = *Zgłoszenia z bliskim lub minionym terminem SLA*
desk-header-find = *Zgłoszenia pasujące do „{ $query }”*
desk-empty = Brak.
desk-more = Pokazano tylko pierwsze { $count }.
desk-unassigned = nieprzypisane
desk-line = { $icon } *#{ $number }* { $subject } · { $status } · { $company } · { $assignee }
desk-line-due = {" · "}SLA { $due }
desk-line-breached = {" · "}🚨 SLA przekroczone { $due }
desk-not-found = Nie ma zgłoszenia #{ $number }.
desk-show-title = { $icon } *#{ $number } · { $subject }*
desk-show-fields =
    { $status } · { $priority } · { $company } · 👤 { $reporter }
    Przypisane: { $assignee } · SLA: { $due } · Przewidywane zamknięcie: { $expected }
desk-show-thread = <{ $link }|Otwórz wątek>
desk-show-no-thread = Zgłoszenie nie ma jeszcze wątku na kanale wsparcia.
desk-none = —
desk-stats-title = *Ostatnie { $days ->
    [one] 1 dzień
   *[other] { $days } dni
}:* otwarte: { $opened }
desk-stats-status = { $status }: { $count }
desk-stats-first-response = Mediana pierwszej odpowiedzi: { $time }
desk-stats-resolution = Mediana rozwiązania: { $time }
desk-stats-sla = SLA dotrzymane: { $rate } ({ $met } z { $resolved } rozwiązanych)
desk-stats-sla-none = SLA dotrzymane: nic jeszcze nie rozwiązano
desk-stats-chart = Wykres jest na { $channel }.
desk-stats-chart-failed = Nie udało się opublikować wykresu: { $error }
desk-chart-title = Zgłoszenia dziennie
desk-chart-opened = Otwarte
desk-chart-resolved = Rozwiązane
desk-chart-by-status = Według obecnego statusu
desk-chart-comment = Statystyki zgłoszeń, { $days ->
    [one] ostatni dzień
   *[other] ostatnie { $days } dni
}, na prośbę: { $name }
desk-status-to_authorize = Do autoryzacji
desk-status-new = Nowe
desk-status-in_progress = W toku
desk-status-waiting_customer = Czeka na klienta
desk-status-resolved = Rozwiązane
desk-status-closed = Zamknięte
desk-status-rejected = Odrzucone
