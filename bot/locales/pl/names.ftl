## Nazwy pól zgłoszenia (statusy, priorytety, typy), wspólne dla powiadomień, list i rozmów.

## Statusy (rodzaj nijaki: „zgłoszenie”).
status-to_authorize = Do akceptacji
status-new = Nowe
status-in_progress = W realizacji
status-waiting_customer = Czeka na Twoją odpowiedź
status-resolved = Rozwiązane
status-closed = Zamknięte
status-rejected = Odrzucone

## Priorytet (rodzaj męski: „priorytet”).
priority-low = Niski
priority-medium = Średni
priority-high = Wysoki
priority-urgent = Pilny

## Typy zgłoszeń.
ticket-type-error = Błąd
ticket-type-question = Pytanie
ticket-type-request = Prośba
ticket-type-other = Inne
ticket-type-extra_message = Wiadomość do pomocy technicznej
