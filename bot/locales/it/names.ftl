## Nomi dei campi del ticket (stati, urgenze, tipi), comuni a notifiche, elenchi e conversazioni.

## Stati (maschile: "il ticket").
status-to_authorize = Da autorizzare
status-new = Nuovo
status-in_progress = In lavorazione
status-waiting_customer = In attesa di una tua risposta
status-resolved = Risolto
status-closed = Chiuso
status-rejected = Rifiutato

## Urgenza (femminile: "l'urgenza", "la priorità").
priority-low = Bassa
priority-medium = Media
priority-high = Alta
priority-urgent = Urgente

## Tipi di ticket.
ticket-type-error = Errore
ticket-type-question = Domanda
ticket-type-request = Richiesta
ticket-type-other = Altro
ticket-type-extra_message = Messaggio all'assistenza
