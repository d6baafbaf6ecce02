### Powiadomienia o zmianach zgłoszenia, które klient dostaje na czacie (lub e-mailem).
### Mini-HTML (<b>, <i>, <code>); kod zabezpiecza (escape) każdą zmienną.
### $number to numer zgłoszenia jako tekst; $subject, $text itd. to teksty wpisane przez ludzi.

## Rejestracja i akceptacja.
push-opened =
    Zgłoszenie <b>#{ $number }</b> zostało zarejestrowane: { $subject }
    Odpowiemy tutaj. Status: { $status }.
push-opened-to-authorize =
    Zgłoszenie <b>#{ $number }</b> zostało zapisane: { $subject }
    Czeka na akceptację administratora Twojej firmy; damy znać tutaj. Status: { $status }.
push-due = Przewidywany termin odpowiedzi: { $due }.
push-status = Status: { $status }.
push-reason = Powód: { $reason }
push-auth-request =
    <b>Potrzebna akceptacja</b> zgłoszenia <b>#{ $number }</b>
    Zgłasza: { $reporter }
    { $type }: { $subject }

    { $description }
push-authorized = Zgłoszenie <b>#{ $number }</b> zostało zaakceptowane przez administratora firmy ({ $name }) i przekazane do pomocy technicznej. Status: { $status }.
push-rejected =
    Zgłoszenie <b>#{ $number }</b> nie zostało zaakceptowane: { $subject }
    Decyzja administratora firmy ({ $name }).

## Kto się zajmuje i status.
push-assigned = Twoim zgłoszeniem <b>#{ $number }</b> zajmuje się <b>{ $agent }</b>.
push-in-progress = Zgłoszenie <b>#{ $number }</b> jest w realizacji: pracujemy nad nim.
push-back-in-progress = Zgłoszenie <b>#{ $number }</b> wróciło do realizacji.
push-waiting = Zgłoszenie <b>#{ $number }</b> czeka na Twoją odpowiedź.
push-status-changed = Zgłoszenie <b>#{ $number }</b>: nowy status to { $status }.
push-info-requested =
    <b>{ $agent }</b> (pomoc techniczna) prosi o dodatkowe informacje do zgłoszenia <b>#{ $number }</b>:
    { $text }
push-expected-close = Zgłoszenie <b>#{ $number }</b>: przewidywany termin zamknięcia to { $date }.
push-expected-close-removed = Zgłoszenie <b>#{ $number }</b>: przewidywany termin zamknięcia został usunięty.
push-priority-changed = Zgłoszenie <b>#{ $number }</b>: priorytet { $icon } { $priority }.

## Wiadomości i pliki od pomocy technicznej.
push-agent-reply =
    <b>{ $agent }</b> (pomoc techniczna), zgłoszenie #{ $number }:
    { $text }
push-agent-reply-edited =
    <b>{ $agent }</b> (pomoc techniczna), zgłoszenie #{ $number } (poprawiona odpowiedź):
    { $text }
push-files = 📎 { $count ->
    [one] { $count } plik
    [few] { $count } pliki
   *[many] { $count } plików
}
push-file-from-support = Pomoc techniczna przesłała plik do zgłoszenia <b>#{ $number }</b>: { $file }

## Rozwiązanie, zamknięcie, ocena, ponowne otwarcie.
push-resolved =
    Zgłoszenie <b>#{ $number }</b> zostało rozwiązane.
    <b>{ $agent }</b> (pomoc techniczna):
    { $resolution }
push-resolved-question = Czy problem został rozwiązany?
push-closed-confirmed = Dziękujemy za potwierdzenie: zgłoszenie <b>#{ $number }</b> zostało zamknięte.
push-closed = Zgłoszenie <b>#{ $number }</b> zostało zamknięte.
push-closed-auto = Zgłoszenie <b>#{ $number }</b> zostało zamknięte automatycznie: było rozwiązane i nie otrzymaliśmy dalszej odpowiedzi.
push-rate = Jak oceniasz naszą pomoc? Wybierz od 1 do 5 gwiazdek.
push-rated = Dziękujemy! Twoja ocena zgłoszenia <b>#{ $number }</b>: { $rating ->
    [one] { $rating } gwiazdka
    [few] { $rating } gwiazdki
   *[many] { $rating } gwiazdek
}.
push-reopened = Zgłoszenie <b>#{ $number }</b> zostało ponownie otwarte: jeszcze raz się nim zajmiemy.
push-reopened-by-support = Pomoc techniczna ponownie otworzyła zgłoszenie <b>#{ $number }</b>.

## Wiadomości super użytkowników i kody dostępu dla pomocy technicznej.
push-extra-message = Twoja wiadomość trafiła do pomocy technicznej jako zgłoszenie <b>#{ $number }</b>. Odpowiemy tutaj.
push-token-attached = Kod dostępu dla pomocy technicznej <code>{ $code }</code> został dołączony do zgłoszenia <b>#{ $number }</b>; jest ważny do { $expires }.
push-token-revoked = Kod dostępu dla pomocy technicznej <code>{ $code }</code> został unieważniony: nie można już z niego korzystać.

## Pozostałe.
push-updated = Zgłoszenie <b>#{ $number }</b> zostało zaktualizowane.
push-updated-unknown = Jedno z Twoich zgłoszeń zostało zaktualizowane.

## Przyciski (zwykły tekst).
push-button-my-tickets = Moje zgłoszenia
push-button-reply = Odpowiedz
push-button-authorize = Akceptuj
push-button-reject = Odrzuć
push-button-solved = Rozwiązane ✅
push-button-not-solved = Nierozwiązane ❌
push-button-stars = { $stars } ⭐
