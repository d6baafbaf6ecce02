## Numele câmpurilor unui tichet (stări, urgențe, tipuri), comune notificărilor, listelor și dialogurilor.

## Stări (neutru: „tichetul”).
status-to_authorize = De autorizat
status-new = Nou
status-in_progress = În lucru
status-waiting_customer = Așteaptă răspunsul dumneavoastră
status-resolved = Rezolvat
status-closed = Închis
status-rejected = Respins

## Urgență (feminin: „urgența”, „prioritatea”).
priority-low = Scăzută
priority-medium = Medie
priority-high = Ridicată
priority-urgent = Urgentă

## Tipuri de tichete.
ticket-type-error = Eroare
ticket-type-question = Întrebare
ticket-type-request = Solicitare
ticket-type-other = Altele
ticket-type-extra_message = Mesaj către suport
