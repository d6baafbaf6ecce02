### Linking a chat to a company account (invites, signed links, self-registration), the
### language, and inviting colleagues (bot/flows/link.py, register.py, welcome.py).

## Before the chat is linked
link-welcome =
    👋 Witamy w czacie pomocy technicznej!
    Tutaj zgłosisz problemy z programami i sprawdzisz, co dzieje się z Twoimi zgłoszeniami. Najpierw trzeba połączyć ten czat z kontem Twojej firmy. Jak chcesz to zrobić?
link-what-next = Możesz poprosić administratora swojej firmy o link z zaproszeniem albo zarejestrować tutaj konto firmy.
link-button-invited = ✉️ Mam zaproszenie
link-button-register = 🏢 Zarejestruj konto mojej firmy
link-invited-help =
    { $platform ->
        [slack] Zaproszenia tworzy administrator Twojej firmy (menu „Zaproś współpracownika”). Poproś go o kod zaproszenia i wyślij mi go tutaj, w tej wiadomości bezpośredniej: czat połączy się sam.
       *[other] Zaproszenia tworzy administrator Twojej firmy w tym czacie (menu „Zaproś współpracownika”). Poproś administratora o link z zaproszeniem i otwórz go na tym urządzeniu: czat połączy się jednym dotknięciem.
    }
    Jeśli nikt w Twojej firmie nie korzysta jeszcze z tego czatu, zarejestruj konto firmy.

## Linked, or not
link-linked = ✅ Witamy, { $name }! Ten czat jest teraz połączony z firmą <b>{ $company }</b>. { $role ->
    [super_user] Jesteś administratorem firmy: widzisz też wszystkie jej zgłoszenia i możesz zapraszać współpracowników.
    [restricted] Twoje nowe zgłoszenia trafią do pomocy technicznej po autoryzacji przez administratora Twojej firmy.
   *[other] Tutaj możesz zgłaszać problemy i śledzić swoje zgłoszenia.
}
link-already-linked = Ten czat jest już połączony z Twoim kontem w firmie { $company }.
link-invite-other-company = To zaproszenie dotyczy innej firmy. Ten czat jest połączony z firmą { $company } i tak zostanie: jeden czat należy do konta jednej firmy. Jeśli pracujesz teraz w innej firmie, poproś najpierw pomoc techniczną o odłączenie tego czatu.
link-signed-disabled = Logowanie z programu nie jest tu włączone. Skorzystaj z zaproszenia od administratora albo zarejestruj konto firmy.
link-signed-invalid = Ten link logowania jest nieprawidłowy albo wygasł. Otwórz go ponownie z programu: nowy link zadziała od razu.
link-signed-other-user = Ten czat jest już połączony z innym kontem w firmie { $company } i tak zostanie. Aby korzystać z innego konta, poproś najpierw pomoc techniczną o odłączenie tego czatu.
link-role-super_user = Administrator
link-role-member = Użytkownik
link-role-restricted = Użytkownik z ograniczeniami

## Self-registration (seed 000)
register-mail-unavailable = Rejestracja przez e-mail nie jest tu dostępna. Poproś administratora swojej firmy o link z zaproszeniem.
register-ask-tax-id =
    Zarejestrujmy konto Twojej firmy w trzech krokach: NIP, numer licencji i Twój adres e-mail.
    Podaj NIP firmy. Może być ze spacjami lub myślnikami.
register-tax-id-invalid = To nie wygląda na NIP. Wpisz go np. tak: <code>123-456-32-18</code> lub <code>PL1234563218</code>.
register-ask-license = Znaleziono: <b>{ $company }</b>. Teraz wpisz numer licencji dowolnego z aktualnych programów firmy (znajdziesz go w programie, w oknie „O programie”, albo na dokumencie licencji).
register-type-license = Wpisz numer licencji jako tekst.
register-ask-email = Na jaki adres e-mail wysłać kod weryfikacyjny? Podaj swój służbowy adres.
register-email-wait = Kod został wysłany przed chwilą. Odczekaj { $seconds } { $seconds ->
    [one] sekundę
    [few] sekundy
   *[many] sekund
}, a potem naciśnij „Wyślij kod”.
register-button-send = 📧 Wyślij kod
register-address-refused = Serwer pocztowy nie przyjął adresu { $email }. Sprawdź go albo wpisz inny.
register-code-sent =
    📧 Wysłaliśmy kod na adres <b>{ $email }</b>. Wiadomość może dojść dopiero po kilku minutach; zajrzyj też do folderu ze spamem. Kod jest ważny przez { $minutes } { $minutes ->
        [one] minutę
        [few] minuty
       *[many] minut
    }.
    Wpisz go tutaj:
register-mail-failed = ⚠️ Nie udało się teraz wysłać e-maila. Twoje dane są zapisane: spróbuj ponownie za minutę.
register-button-resend = 🔁 Wyślij nowy kod
register-button-retry = 🔁 Spróbuj ponownie
register-button-change-email = ✏️ Zmień e-mail
register-type-code = Wpisz { $digits }-cyfrowy kod z e-maila, np. 123456.
register-code-wrong = Kod jest nieprawidłowy. { $tries_left ->
    [one] Została Ci jeszcze jedna próba.
    [few] Zostały Ci jeszcze { $tries_left } próby.
   *[many] Zostało Ci jeszcze { $tries_left } prób.
}
register-code-locked = Zbyt wiele błędnych prób, ten kod już nie działa. Naciśnij „Wyślij nowy kod”, aby dostać nowy.
register-code-expired = Ten kod wygasł. Naciśnij „Wyślij nowy kod”, aby dostać nowy.
register-resend-wait = Nowy kod można wysłać za { $seconds } { $seconds ->
    [one] sekundę
    [few] sekundy
   *[many] sekund
}. W międzyczasie sprawdź skrzynkę i folder ze spamem: e-maile mogą dochodzić kilka minut.
register-resend-limit = Wysłaliśmy już tyle kodów, ile na razie możemy. Spróbuj ponownie później albo poproś administratora firmy o link z zaproszeniem.
register-code-resent = 📧 Nowy kod jest w drodze na adres <b>{ $email }</b>, ważny przez { $minutes } { $minutes ->
    [one] minutę
    [few] minuty
   *[many] minut
}. Poprzedni kod już nie działa.
register-cancelled = Rejestrację anulowano.

## The e-mail with the code (plain text, not HTML)
register-mail-subject = Kod weryfikacyjny do czatu pomocy technicznej
register-mail-body =
    Dzień dobry,

    Twój kod weryfikacyjny to:

        { $code }

    Wpisz go w czacie pomocy technicznej, aby połączyć czat z firmą { $company }. Kod jest ważny przez { $minutes } { $minutes ->
        [one] minutę
        [few] minuty
       *[many] minut
    }.

    Jeśli to nie Ty prosisz o ten kod, zignoruj tę wiadomość: bez kodu nic się nie stanie.

## Language
lang-choose = 🌐 Wybierz język:
lang-changed = ✅ Gotowe: od teraz piszę po polsku.

## Invite a colleague (super users)
invite-ask-role =
    Kogo zapraszasz? Wybierz rolę:
    • <b>Użytkownik</b>: zgłasza problemy i śledzi własne zgłoszenia.
    • <b>Użytkownik z ograniczeniami</b>: jak użytkownik, ale jego nowe zgłoszenia czekają na autoryzację administratora.
    • <b>Administrator</b>: widzi też wszystkie zgłoszenia firmy, pisze do pomocy technicznej i zaprasza współpracowników.
invite-role-member = 👤 Użytkownik
invite-role-restricted = 🔒 Użytkownik z ograniczeniami
invite-role-super_user = ⭐ Administrator
invite-use-buttons = Wybierz rolę przyciskiem.
invite-created =
    ✉️ <b>Zaproszenie do firmy { $company }</b>
    Rola: { $role }
    Ważne do: { $expires }
    { $platform ->
        [slack]
            Kod zaproszenia: <code>{ $link }</code>

            Wyślij ten kod współpracownikowi: wyśle mi go w wiadomości bezpośredniej w Slacku, a jego czat połączy się sam. Działa tylko raz: kto wyśle go pierwszy, dołączy do Twojej firmy, więc wyślij go wyłącznie tej osobie.
       *[other]
            { $link }

            Wyślij ten link współpracownikowi. Działa tylko raz: kto otworzy go pierwszy, dołączy do Twojej firmy, więc wyślij go wyłącznie tej osobie.
    }
invite-cancelled = Nie utworzono zaproszenia.
