### Moje zgłoszenia: lista, szczegóły zgłoszenia, przyciski zgłoszeń i rozmowa w zgłoszeniu.
### Mini-HTML (<b>, <i>, <code>); kod escapuje każdą zmienną.
### $number to numer zgłoszenia jako tekst; $subject, $text, $query i imiona wpisali ludzie.

## Lista.
tickets-list-header = { $scope ->
    [company] 📋 <b>Zgłoszenia Twojej firmy</b>
   *[own] 📋 <b>Twoje zgłoszenia</b>
} · { $filter }{ $period }
tickets-list-period = {" · "}{ $period }
tickets-search-header = 🔎 <b>Zgłoszenia pasujące do „{ $query }”</b>
tickets-list-empty = { $filter ->
    [active] Nie masz aktywnych zgłoszeń.
    [archived] Nie ma zarchiwizowanych zgłoszeń.
   *[all] Nie ma tu żadnych zgłoszeń.
}
tickets-search-empty = Żadne zgłoszenie nie pasuje do „{ $query }”.
tickets-search-more = Zmieściły się tylko najnowsze wyniki ({ $count }): dodaj słowo, aby zawęzić wyszukiwanie.
tickets-list-hint = 🔎 Aby wyszukać, wpisz /tickets i słowo, np. <code>/tickets faktura</code>.
tickets-list-line =
    { $icon } <b>#{ $number }</b> · { $created }{ $product }{ $reporter }{ $unread }
    { $subject } · <i>{ $status }</i>
tickets-list-product = {" · "}{ $name }
tickets-list-reporter = {" · "}👤 { $name }
tickets-list-unread = {" · "}‼️ <b>{ $count ->
    [one] { $count } nowy wpis
    [few] { $count } nowe wpisy
    [many] { $count } nowych wpisów
   *[other] { $count } nowego wpisu
}</b>
tickets-button = { $unread ->
    [0] {""}
   *[other] ‼️{" "}
}{ $icon } #{ $number } { $subject } · { $status }
tickets-filter-active = Aktywne
tickets-filter-all = Wszystkie
tickets-filter-archived = Zarchiwizowane
tickets-current = • { $label }
tickets-button-previous = ◀️ Poprzednie
tickets-button-next = Następne ▶️
tickets-button-period = 📅 { $chosen ->
    [1] { $period }
   *[other] Okres
}
tickets-button-menu = 🏠 Menu
tickets-button-back-to-list = ⬅️ Wróć do listy
tickets-period-title = 📅 Zgłoszenia otwarte w jakim okresie?
tickets-period-7 = Ostatnie 7 dni
tickets-period-30 = Ostatnie 30 dni
tickets-period-year = Ten rok
tickets-period-any = Cały okres

## Szczegóły zgłoszenia.
tickets-detail-title = <b>#{ $number }</b> · { $subject }
tickets-detail-status = Status: <b>{ $status }</b>
tickets-detail-urgency = Pilność: { $icon } { $priority }
tickets-detail-product = Program: { $product }
tickets-detail-created = Otwarte: { $at }
tickets-detail-reporter = Zgłaszający: { $name }
tickets-detail-handlers = Obsługa: { $known ->
    [1] { $names }
   *[other] jeszcze nikt nie przejął
}
tickets-detail-expected = Przewidywane zamknięcie: { $date }
tickets-detail-spent = { $done ->
    [1] Czas realizacji: { $spent }
   *[other] Trwa już: { $spent }
}
tickets-detail-archived = 📦 W archiwum: ukryte na listach, ale wyszukiwanie nadal je znajdzie.
tickets-days = { $count ->
    [one] { $count } dzień
    [few] { $count } dni
    [many] { $count } dni
   *[other] { $count } dnia
}
tickets-hours = { $count ->
    [one] { $count } godzina
    [few] { $count } godziny
    [many] { $count } godzin
   *[other] { $count } godziny
}
tickets-minutes = { $count ->
    [one] { $count } minuta
    [few] { $count } minuty
    [many] { $count } minut
   *[other] { $count } minuty
}
tickets-under-a-minute = niecała minuta
tickets-history-title = <b>Historia</b>{ $earlier ->
    [0] {""}
    [one] {" "}(1 wcześniejszy wpis: naciśnij „Wcześniej”)
    [few] {" "}({ $earlier } wcześniejsze wpisy: naciśnij „Wcześniej”)
    [many] {" "}({ $earlier } wcześniejszych wpisów: naciśnij „Wcześniej”)
   *[other] {" "}({ $earlier } wcześniejszego wpisu: naciśnij „Wcześniej”)
}
tickets-entry-opened = 📝 <b>Zgłoszenie</b> · { $name } · { $at }
tickets-entry-customer = 💬 <b>{ $name }</b> · { $at }{ $seen ->
    [1] {" "}· ✓ przeczytane przez pomoc techniczną
   *[other] {""}
}
tickets-entry-agent = { $new ->
    [1] 🆕{" "}
   *[other] {""}
}🎧 <b>{ $name }</b> (pomoc techniczna) · { $at }
tickets-entry-status = 🔄 { $at } · status: <b>{ $status }</b>
tickets-entry-status-by = 🔄 { $at } · status: <b>{ $status }</b> · { $name }
tickets-entry-system = ℹ️ { $at }
tickets-entry-text = { $text }
tickets-entry-file = 📎 { $name }
tickets-you = Ty
tickets-someone = Ktoś
tickets-support = Pomoc techniczna
tickets-rate-prompt = ⭐ Jak oceniasz naszą pomoc? Wybierz od 1 do 5 gwiazdek.
tickets-button-reply = ✍️ Odpowiedz
tickets-button-solved = ✅ Rozwiązane
tickets-button-not-solved = ❌ Nierozwiązane
tickets-button-reopen = 🔄 Otwórz ponownie
tickets-button-archive = 📦 Archiwizuj
tickets-button-unarchive = 📤 Przywróć z archiwum
tickets-button-earlier = ⬆️ Wcześniej
tickets-button-latest = ⬇️ Najnowsze
tickets-button-stars = { $stars } ⭐
tickets-archived = 📦 Zgłoszenie <b>#{ $number }</b> trafiło do archiwum: nie ma go na listach, ale wyszukiwanie nadal je znajdzie.
tickets-unarchived = 📤 Zgłoszenie <b>#{ $number }</b> wróciło na Twoje listy.

## Pisanie w zgłoszeniu, ponowne otwarcie.
tickets-write-now = ✍️ Napisz wiadomość do zgłoszenia <b>#{ $number }</b>: tekst, zdjęcia lub pliki. Trafi do pomocy technicznej od razu po wysłaniu.
tickets-reply-solved = Zgłoszenie <b>#{ $number }</b> jest już rozwiązane. Aby coś dopisać, otwórz je ponownie albo załóż nowe zgłoszenie.
tickets-reply-closed = Zgłoszenia <b>#{ $number }</b> nie można już uzupełniać (status: { $status }). Załóż nowe zgłoszenie.
tickets-tell-what-is-wrong = { $pushed ->
    [1] Napisz, co nadal nie działa: Twoja następna wiadomość trafi do zgłoszenia <b>#{ $number }</b>.
   *[other] Zgłoszenie <b>#{ $number }</b> jest znowu otwarte. Napisz, co nadal nie działa: Twoja następna wiadomość trafi do niego.
}
tickets-not-resolved = Zgłoszenie <b>#{ $number }</b> nie czeka na Twoje potwierdzenie (status: { $status }).

## Potwierdzenie i ocena.
tickets-confirmed = Dziękujemy: zgłoszenie <b>#{ $number }</b> zostało zamknięte.{ $rate ->
    [1] {" "}Jak oceniasz naszą pomoc? Wybierz od 1 do 5 gwiazdek.
   *[other] {""}
}
tickets-ask-comment = Dziękujemy za ocenę zgłoszenia <b>#{ $number }</b>: { $rating } ⭐! Chcesz dodać kilka słów dla zespołu? Napisz je albo naciśnij „Pomiń”.
tickets-comment-as-text = Wpisz komentarz jako tekst albo naciśnij „Pomiń”.
tickets-comment-thanks = Dziękujemy, przekazaliśmy Twój komentarz zespołowi.

## Akceptacja (administratorzy).
tickets-authorized = ✅ Zaakceptowano zgłoszenie <b>#{ $number }</b>; trafiło do pomocy technicznej.
tickets-already-decided = Zgłoszenie <b>#{ $number }</b> nie czeka już na akceptację (status: { $status }).
tickets-ask-reason = Dlaczego odrzucasz zgłoszenie <b>#{ $number }</b> od: { $reporter }? Ta osoba otrzyma Twoje uzasadnienie. Napisz je albo naciśnij przycisk, aby odrzucić bez podania powodu.
tickets-button-reject-no-reason = Odrzuć bez podania powodu
tickets-reject-as-text = Wpisz powód jako tekst albo naciśnij przycisk, aby odrzucić bez powodu.
tickets-rejected = Zgłoszenie <b>#{ $number }</b> zostało odrzucone; powiadomiliśmy: { $reporter }.
tickets-reject-cancelled = Niczego nie odrzucono.

## Rozmowa w zgłoszeniu.
tickets-added = ✓ Dodano do #{ $number }
tickets-which = { $count ->
    [one] Którego zgłoszenia dotyczy ta wiadomość?
    [few] Którego zgłoszenia dotyczą te { $count } wiadomości?
    [many] Którego zgłoszenia dotyczy tych { $count } wiadomości?
   *[other] Którego zgłoszenia dotyczą te wiadomości ({ $count })?
} Nic nie zostanie wysłane, dopóki nie wybierzesz.
tickets-none = Nie masz otwartych zgłoszeń, więc { $count ->
    [one] ta wiadomość nie została wysłana
    [few] te { $count } wiadomości nie zostały wysłane
    [many] tych { $count } wiadomości nie wysłano
   *[other] te wiadomości ({ $count }) nie zostały wysłane
} do pomocy technicznej. Chcesz zgłosić nowy problem?
tickets-solved-prompt = Zgłoszenie <b>#{ $number }</b> jest już rozwiązane, więc Twoja wiadomość nie została dodana. Otworzyć je ponownie i wysłać wiadomość, czy założyć nowe zgłoszenie?{ $others ->
    [0] {""}
   *[other] {" "}Możesz też dodać ją do jednego z otwartych zgłoszeń poniżej.
}
tickets-closed-prompt = Zgłoszenie <b>#{ $number }</b> jest zamknięte i nie można go już uzupełniać, więc Twoja wiadomość nie została dodana. Założyć nowe zgłoszenie?{ $others ->
    [0] {""}
   *[other] {" "}Możesz też dodać ją do jednego z otwartych zgłoszeń poniżej.
}
tickets-button-reopen-send = 🔄 Otwórz ponownie i wyślij
tickets-button-new-report = 🆕 Nowe zgłoszenie
tickets-files-carried = 📎 { $count ->
    [one] Wysłany plik zostanie dołączony do nowego zgłoszenia.
    [few] Wysłane pliki ({ $count }) zostaną dołączone do nowego zgłoszenia.
    [many] Wysłane pliki ({ $count }) zostaną dołączone do nowego zgłoszenia.
   *[other] Wysłane pliki ({ $count }) zostaną dołączone do nowego zgłoszenia.
}
tickets-pending-dropped = { $count ->
    [one] Niewysłana wiadomość została pominięta.
    [few] { $count } niewysłane wiadomości zostały pominięte.
    [many] { $count } niewysłanych wiadomości zostało pominiętych.
   *[other] Niewysłane wiadomości ({ $count }) zostały pominięte.
}
tickets-pending-cancelled = Dobrze, niczego nie wysłano.
tickets-edit-not-applied = Twoja poprawka nie została przekazana: zgłoszenia #{ $number } nie można już zmieniać.
