### Linking a chat to a company account (invites, signed links, self-registration), the
### language, and inviting colleagues (bot/flows/link.py, register.py, welcome.py).

## Before the chat is linked
link-welcome =
    👋 Bun venit în chatul de suport!
    Aici puteți raporta probleme cu programele dumneavoastră și urmări solicitările. Mai întâi, acest chat trebuie legat de contul firmei dumneavoastră. Cum doriți să faceți asta?
link-what-next = Puteți cere administratorului firmei un link de invitație sau puteți înregistra aici contul firmei.
link-button-invited = ✉️ Am o invitație
link-button-register = 🏢 Înregistrează contul firmei mele
link-invited-help =
    { $platform ->
        [slack] Invitațiile sunt create de administratorul firmei dumneavoastră (meniul „Invită un coleg”). Cereți-i un cod de invitație și trimiteți-mi-l aici, în acest mesaj direct: chatul se leagă singur.
       *[other] Invitațiile sunt create de administratorul firmei dumneavoastră în acest chat (meniul „Invită un coleg”). Cereți-i un link de invitație și deschideți-l pe acest dispozitiv: chatul se leagă dintr-o singură atingere.
    }
    Dacă nimeni din firma dumneavoastră nu folosește încă acest chat, înregistrați contul firmei.

## Linked, or not
link-linked = ✅ Bun venit, { $name }! Acest chat este acum legat de <b>{ $company }</b>. { $role ->
    [super_user] Sunteți administratorul firmei: vedeți și toate solicitările ei și puteți invita colegi.
    [restricted] Solicitările dumneavoastră noi ajung la suport după ce le autorizează administratorul firmei.
   *[other] Aici puteți raporta probleme și urmări solicitările dumneavoastră.
}
link-already-linked = Acest chat este deja legat de contul dumneavoastră de la { $company }.
link-invite-other-company = Această invitație este pentru o altă firmă. Acest chat este legat de { $company } și rămâne așa: un chat aparține contului unei singure firme. Dacă acum lucrați pentru altă firmă, cereți mai întâi suportului să dezlege acest chat.
link-signed-disabled = Conectarea din program nu este activată aici. Folosiți o invitație de la administrator sau înregistrați contul firmei.
link-signed-invalid = Acest link de conectare nu este valid sau a expirat. Deschideți-l din nou din program: un link nou funcționează imediat.
link-signed-other-user = Acest chat este deja legat de alt cont de la { $company } și rămâne așa. Pentru a folosi alt cont, cereți mai întâi suportului să dezlege acest chat.
link-role-super_user = Administrator
link-role-member = Utilizator
link-role-restricted = Utilizator restricționat

## Self-registration (seed 000)
register-mail-unavailable = Înregistrarea prin e-mail nu este disponibilă aici. Cereți administratorului firmei un link de invitație.
register-ask-tax-id =
    Să înregistrăm contul firmei în trei pași: codul fiscal, numărul de licență și adresa dumneavoastră de e-mail.
    Care este codul fiscal (CUI) al firmei? Îl puteți scrie și cu spații sau cratime.
register-tax-id-invalid = Nu pare un cod fiscal. Scrieți-l, de exemplu, așa: <code>RO 12345678</code> sau <code>12345678</code>.
register-ask-license = Am găsit: <b>{ $company }</b>. Acum scrieți numărul de licență al oricăruia dintre programele ei actuale (îl găsiți în program, în fereastra „Despre”, sau pe documentul de licență).
register-type-license = Scrieți numărul de licență ca text.
register-ask-email = La ce adresă de e-mail să trimitem codul de verificare? Folosiți adresa dumneavoastră de serviciu.
register-email-wait = Am trimis un cod chiar acum. Așteptați { $seconds ->
    [one] o secundă
    [few] { $seconds } secunde
   *[other] { $seconds } de secunde
}, apoi apăsați „Trimite codul”.
register-button-send = 📧 Trimite codul
register-address-refused = Serverul de e-mail nu a acceptat adresa { $email }. Verificați-o sau scrieți alta.
register-code-sent =
    📧 Am trimis un cod la <b>{ $email }</b>. Poate ajunge abia peste câteva minute; verificați și dosarul de spam. Codul este valabil { $minutes ->
        [one] un minut
        [few] { $minutes } minute
       *[other] { $minutes } de minute
    }.
    Scrieți-l aici:
register-mail-failed = ⚠️ Nu am putut trimite e-mailul acum. Datele dumneavoastră sunt salvate: încercați din nou peste un minut.
register-button-resend = 🔁 Trimite un cod nou
register-button-retry = 🔁 Încearcă din nou
register-button-change-email = ✏️ Schimbă e-mailul
register-type-code = Scrieți codul de { $digits } cifre din e-mail, de exemplu 123456.
register-code-wrong = Codul nu este corect. { $tries_left ->
    [one] Mai aveți o încercare.
    [few] Mai aveți { $tries_left } încercări.
   *[other] Mai aveți { $tries_left } de încercări.
}
register-code-locked = Prea multe coduri greșite, acest cod nu mai funcționează. Apăsați „Trimite un cod nou” pentru a primi altul.
register-code-expired = Acest cod a expirat. Apăsați „Trimite un cod nou” pentru a primi altul.
register-resend-wait = Un cod nou poate fi trimis peste { $seconds ->
    [one] o secundă
    [few] { $seconds } secunde
   *[other] { $seconds } de secunde
}. Între timp verificați căsuța de e-mail și dosarul de spam: mesajele pot întârzia câteva minute.
register-resend-limit = Deocamdată am trimis toate codurile posibile. Încercați din nou mai târziu sau cereți administratorului firmei un link de invitație.
register-code-resent = 📧 Un cod nou este pe drum spre <b>{ $email }</b>, valabil { $minutes ->
    [one] un minut
    [few] { $minutes } minute
   *[other] { $minutes } de minute
}. Codul anterior nu mai funcționează.
register-cancelled = Înregistrarea a fost anulată.

## The e-mail with the code (plain text, not HTML)
register-mail-subject = Codul de verificare pentru chatul de suport
register-mail-body =
    Bună ziua,

    codul dumneavoastră de verificare este:

        { $code }

    Scrieți-l în chatul de suport pentru a lega chatul de { $company }. Codul este valabil { $minutes ->
        [one] un minut
        [few] { $minutes } minute
       *[other] { $minutes } de minute
    }.

    Dacă nu ați cerut acest cod, ignorați acest e-mail: fără cod nu se întâmplă nimic.

## Language
lang-choose = 🌐 Alegeți limba:
lang-changed = ✅ Gata: de acum vă scriu în limba română.

## Invite a colleague (super users)
invite-ask-role =
    Pe cine invitați? Alegeți rolul:
    • <b>Utilizator</b>: raportează probleme și își urmărește propriile solicitări.
    • <b>Utilizator restricționat</b>: ca un utilizator, dar solicitările lui noi așteaptă autorizarea unui administrator.
    • <b>Administrator</b>: vede și toate solicitările firmei, scrie suportului și invită colegi.
invite-role-member = 👤 Utilizator
invite-role-restricted = 🔒 Utilizator restricționat
invite-role-super_user = ⭐ Administrator
invite-use-buttons = Alegeți un rol cu butoanele.
invite-created =
    ✉️ <b>Invitație pentru { $company }</b>
    Rol: { $role }
    Valabilă până la: { $expires }
    { $platform ->
        [slack]
            Cod de invitație: <code>{ $link }</code>

            Trimiteți acest cod colegului: mi-l trimite într-un mesaj direct în Slack, iar chatul său se leagă singur. Funcționează o singură dată: cine îl trimite primul intră în firma dumneavoastră, așa că trimiteți-l doar acelei persoane.
       *[other]
            { $link }

            Trimiteți acest link colegului. Funcționează o singură dată: cine îl deschide primul intră în firma dumneavoastră, așa că trimiteți-l doar acelei persoane.
    }
invite-cancelled = Nu s-a creat nicio invitație.
