## Ochrona przed nadużyciami: zalew wiadomości, typy plików, liczba zgłoszeń
flood-slow-down = Wysyłasz wiadomości szybciej, niż nadążam je czytać. Za chwilę je przejrzę, nieco wolniej; zanim wyślesz kolejne, poczekaj proszę na moją odpowiedź.
report-file-type-refused = Nie dodano „{ $name }”: pliki tego typu ({ $type }) nie są tu przyjmowane. Wyślij zamiast tego PDF, obraz lub dokument.
error-ticket-rate = W ciągu ostatniej godziny otworzyłeś { $limit } zgłoszeń, czyli najwięcej, ile można. Dopisz się do jednego z nich albo spróbuj ponownie później.
