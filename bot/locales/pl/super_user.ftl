### Super users only (seed 003): "Message support" and support access tokens (bot/flows/super_user/).
### Mini-HTML; the code escapes every variable a person typed. $number is a ticket number as text.
### Button labels are plain text.

## Message support
su-message-ask-subject =
    ✉️ <b>Wiadomość do pomocy technicznej</b>
    Na wszystko, o czym powinniśmy wiedzieć, a co nie jest zgłoszeniem problemu: zmianę w Twojej firmie, dodatkowe informacje, pytanie o współpracę. Aby zgłosić problem, wybierz „Zgłoś problem”.

    Najpierw temat, w jednym zdaniu:
su-message-type-subject = Wpisz temat jako tekst.
su-message-subject-too-long = Temat ma { $length } { $length ->
    [one] znak
    [few] znaki
   *[many] znaków
}, a może mieć najwyżej { $max }. Skróć go, treść wiadomości napiszesz za chwilę.
su-message-ask-text = Teraz napisz wiadomość. Możesz też dołączyć pliki (do { $max }, po { $mb } MB).
su-message-write-text = Napisz wiadomość jako tekst.
su-message-text-still-needed = Otrzymano. Napisz jeszcze kilka słów dla pomocy technicznej.
su-message-too-long = Wiadomość miałaby wtedy { $length } { $length ->
    [one] znak
    [few] znaki
   *[many] znaków
}, a może mieć najwyżej { $max }. Skróć ją albo wyślij resztę jako plik.
su-message-files-added = 📎 Dodano: { $names } ({ $count } z { $max }).
su-message-summary =
    <b>Sprawdź wiadomość</b>

    <b>Temat:</b> { $subject }
    <b>Treść:</b>
    { $text }

    <b>Pliki:</b> { $files }
su-message-send = ✅ Wyślij do pomocy technicznej
su-message-text-added = Dopisałem to do wiadomości.
su-message-send-or-back = Naciśnij „Wyślij do pomocy technicznej” albo wróć, aby coś zmienić.
su-message-sent = { $files ->
    [0] ✉️ Wiadomość trafiła do pomocy technicznej jako <b>#{ $number }</b>. Odpowiemy tutaj.
    [one] ✉️ Wiadomość i { $files } plik trafiły do pomocy technicznej jako <b>#{ $number }</b>. Odpowiemy tutaj.
    [few] ✉️ Wiadomość i { $files } pliki trafiły do pomocy technicznej jako <b>#{ $number }</b>. Odpowiemy tutaj.
   *[many] ✉️ Wiadomość i { $files } plików trafiły do pomocy technicznej jako <b>#{ $number }</b>. Odpowiemy tutaj.
}
su-message-cancelled = Wiadomość anulowano, nic nie zostało wysłane.

## Support access tokens: the list
su-tokens-intro =
    🔑 <b>Tokeny dostępu dla serwisu</b>
    Token to kod, dzięki któremu nasza pomoc techniczna może wejść do Twojego środowiska, dopóki nie wygaśnie. Dołącz go do zgłoszenia, a serwis go tam zobaczy. Unieważnij go, gdy tylko przestanie być potrzebny.
su-tokens-count = { $count ->
    [0] Nie masz ważnych tokenów.
    [one] Masz jeden ważny token:
    [few] Masz { $count } ważne tokeny:
   *[many] Masz { $count } ważnych tokenów:
}
su-token-line-free = • <code>{ $code }</code>, ważny do { $expires }, niedołączony do żadnego zgłoszenia
su-token-line-attached = • <code>{ $code }</code>, ważny do { $expires }, dołączony do zgłoszenia <b>#{ $number }</b>
su-tokens-more = { $count ->
    [one] …i jeszcze { $count } starszy token, który wygaśnie sam.
    [few] …i jeszcze { $count } starsze tokeny, które wygasną same.
   *[many] …i jeszcze { $count } starszych tokenów, które wygasną same.
}
su-token-button-create = ➕ Utwórz token
su-token-button-attach = 📎 Dołącz { $code }
su-token-button-revoke = 🚫 Unieważnij
su-token-button-menu = ⬅️ Menu główne
su-token-gone = <code>{ $code }</code> nie jest już ważnym tokenem: mógł wygasnąć lub zostać unieważniony.

## Creating one
su-token-ask-validity = Jak długo nowy token ma być ważny? Wybierz najkrótszy czas, którego potrzebuje serwis; zawsze możesz utworzyć kolejny.
su-token-hours = { $count ->
    [one] { $count } godzina
    [few] { $count } godziny
   *[many] { $count } godzin
}
su-token-days = { $count ->
    [one] { $count } dzień
   *[many] { $count } dni
}
su-token-weeks = { $count ->
    [one] { $count } tydzień
    [few] { $count } tygodnie
   *[many] { $count } tygodni
}
su-token-created =
    ✅ <b>Twój nowy token dostępu dla serwisu</b>

    <code>{ $code }</code>

    Ważny do { $expires }.
    ⚠️ Przekaż go wyłącznie naszej pomocy technicznej: kto go ma, może wejść do Twojego środowiska, dopóki token nie wygaśnie albo go nie unieważnisz.
    Dołącz go do zgłoszenia, a serwis go tam zobaczy.

## Attaching one to a ticket
su-token-pick-ticket = Do którego zgłoszenia dołączyć <code>{ $code }</code>? Serwis zobaczy go w tym zgłoszeniu.
su-token-pick-moves = Teraz jest dołączony do zgłoszenia <b>#{ $number }</b>; wybranie innego zgłoszenia go przeniesie.
su-token-older-tickets = Starsze zgłoszenia ➡️
su-token-no-tickets = Nie ma otwartego zgłoszenia, do którego można dołączyć <code>{ $code }</code>. Najpierw zgłoś problem, a potem dołącz do niego token.
su-token-attached = 📎 <code>{ $code }</code> dołączono do zgłoszenia <b>#{ $number }</b>: serwis już go tam widzi.

## Revoking one
su-token-revoke-confirm = { $attached ->
    [1] Unieważnić <code>{ $code }</code>? Serwis nie będzie mógł już z niego korzystać; powiadomimy go w zgłoszeniu <b>#{ $number }</b>.
   *[other] Unieważnić <code>{ $code }</code>? Nikt nie będzie mógł już z niego skorzystać.
}
su-token-revoke-yes = 🚫 Tak, unieważnij
su-token-revoked = 🚫 <code>{ $code }</code> unieważniono: nikt nie może już z niego skorzystać.
