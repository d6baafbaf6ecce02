## Buttons used everywhere
button-back = ⬅️ Wstecz
button-cancel = ✖️ Anuluj
button-confirm = ✅ Wyślij zgłoszenie
button-done = ✅ Gotowe
button-skip = Pomiń ➡️

## Main menu
menu-title = Dzień dobry, { $name }! W czym możemy pomóc?
menu-what-next = Czy możemy pomóc w czymś jeszcze?
menu-report = 🆘 Zgłoś problem
menu-tickets = 📋 Moje zgłoszenia
menu-message = ✉️ Napisz do pomocy technicznej
menu-token = 🔑 Token dostępu dla serwisu
menu-invite = 👥 Zaproś współpracownika
menu-language = 🌐 Język

## General replies
flow-expired = Poprzednia rozmowa czekała dłużej niż { $minutes } { $minutes ->
    [one] minutę
    [few] minuty
   *[many] minut
}, więc ją zamknęliśmy. Nic nie zostało wysłane. Zacznijmy od nowa.
unsupported-message = Przepraszamy, rozumiem tylko tekst, pliki, zdjęcia, wiadomości głosowe i przyciski.
not-linked-yet = Ten czat nie jest jeszcze połączony z kontem klienta.
nothing-to-cancel = Nie było czego anulować.
unknown-command = Nie znam polecenia /{ $command }.
button-expired = Ten przycisk należy do starszej wiadomości i już nie działa.

## Report a problem
report-ask-product = Którego programu dotyczy zgłoszenie?
report-ask-type = Jakiego rodzaju jest zgłoszenie?
report-type-error = 🐞 Coś nie działa
report-type-question = ❓ Pytanie
report-type-request = 🛠 Prośba o zmianę
report-type-other = 💬 Coś innego
report-ask-subject = Opisz problem w jednym zdaniu (np. <i>„Wydruk faktury pokazuje zły VAT”</i>).
report-type-a-line = Wpisz temat jako tekst.
report-subject-too-long = Temat ma { $length } znaków, a może mieć najwyżej { $max }. Skróć go, szczegóły podasz za chwilę.
report-ask-description =
    Teraz opisz problem. Najbardziej pomagają nam:
    • dokładna treść komunikatu o błędzie
    • kroki, które do niego prowadzą (który ekran, który przycisk)
    • numer dokumentu lub rekordu, którego dotyczy
report-describe-in-words = Opisz problem słowami.
report-description-still-needed = Plik otrzymany. Opisz jeszcze problem słowami.
report-description-too-long = Opis ma { $length } znaków, a może mieć najwyżej { $max }. Resztę możesz wysłać jako plik.
report-ask-files =
    Dodaj zrzuty ekranu, dokumenty, nagranie ekranu lub wiadomość głosową, jeśli je masz (do { $max } plików, po { $mb } MB).
    Gdy skończysz, naciśnij przycisk.
report-files-added = 📎 Dodano: { $names } ({ $count } z { $max }).
report-file-too-many = Nie dodano „{ $name }”: zgłoszenie może mieć najwyżej { $max } plików.
report-file-too-big = Nie dodano „{ $name }”: plik może mieć najwyżej { $mb } MB. Wyślij mniejszy plik lub link do niego.
report-file-failed = Nie udało się odebrać „{ $name }”. Spróbuj wysłać go ponownie.
report-text-added-to-description = Dopisałem to do opisu.
report-send-files-or-done = Wyślij pliki albo naciśnij przycisk, aby przejść dalej.
report-ask-impact = Czy problem uniemożliwia Ci pracę?
report-impact-blocked = 🔴 Tak, praca stoi
report-impact-can-work = 🟢 Nie, mogę pracować dalej
report-ask-phone = { $known ->
    [1] Czy w razie potrzeby możemy zadzwonić pod numer { $phone }? Udostępnij inny numer przyciskiem poniżej albo zostaw ten.
   *[other] Czy w razie potrzeby możemy do Ciebie zadzwonić? Udostępnij numer telefonu przyciskiem poniżej albo pomiń.
}
report-share-phone = 📱 Udostępnij mój numer telefonu
report-phone-keep = Zostaw { $phone }
report-phone-not-understood = To nie wygląda na numer telefonu. Użyj przycisku, wpisz numer, np. +48 600 100 200, albo pomiń.
report-phone-noted = { $known ->
    [1] Dziękujemy, zapisano: { $phone }.
   *[other] Dobrze, bez numeru telefonu.
}
report-summary =
    <b>Sprawdź zgłoszenie</b>

    <b>Rodzaj:</b> { $type }
    <b>Program:</b> { $product }
    <b>Temat:</b> { $subject }
    <b>Opis:</b>
    { $description }

    <b>Pliki:</b> { $files }
    <b>Praca zablokowana:</b> { $blocked ->
        [yes] tak
       *[other] nie
    }
    <b>Telefon:</b> { $phone }
report-confirm-or-back = Naciśnij „Wyślij zgłoszenie” albo wróć, aby coś zmienić.
report-use-buttons = Wybierz jeden z przycisków.
report-cancelled = Zgłoszenie anulowano, nic nie zostało wysłane.

## A form for a long answer (Slack shows it as a modal; the title has at most 24 characters)
compose-button = ✍️ Napisz w formularzu
compose-title = Twoja wiadomość
compose-submit = Wyślij
compose-label = Napisz tutaj: możesz dzielić tekst na linie.
