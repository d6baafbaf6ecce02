## Protezione dagli abusi: troppi messaggi, tipi di file, ticket per ora
flood-slow-down = Stai inviando messaggi più in fretta di quanto riesca a leggerli. Li esaminerò tra poco, un po' più lentamente; attendi la mia risposta prima di inviarne altri.
report-file-type-refused = “{ $name }” non è stato aggiunto: i file di questo tipo ({ $type }) non sono accettati qui. Invia invece un PDF, un'immagine o un documento.
error-ticket-rate = Nell'ultima ora hai aperto { $limit } ticket, il massimo consentito. Aggiungi un messaggio a uno di essi o riprova più tardi.
