### Super users only (seed 003): "Message support" and support access tokens (bot/flows/super_user/).
### Mini-HTML; the code escapes every variable a person typed. $number is a ticket number as text.
### Button labels are plain text.

## Message support
su-message-ask-subject =
    ✉️ <b>Mesaj către echipa de suport</b>
    Pentru orice ar trebui să știe echipa de suport și nu este raportarea unei probleme: o schimbare în firma dumneavoastră, informații suplimentare, o întrebare despre colaborarea noastră. Pentru a raporta o problemă, folosiți „Raportează o problemă”.

    Mai întâi, subiectul, într-un rând:
su-message-type-subject = Scrieți subiectul ca text.
su-message-subject-too-long = Subiectul are { $length } { $length ->
    [one] caracter
    [few] caractere
   *[other] de caractere
}, dar poate avea cel mult { $max }. Scurtați-l; mesajul propriu-zis urmează.
su-message-ask-text = Acum scrieți mesajul. Puteți atașa și fișiere (cel mult { $max }, câte { $mb } MB).
su-message-write-text = Scrieți mesajul ca text.
su-message-text-still-needed = Am primit. Scrieți și câteva cuvinte pentru echipa de suport.
su-message-too-long = Astfel mesajul ar avea { $length } { $length ->
    [one] caracter
    [few] caractere
   *[other] de caractere
}, dar poate avea cel mult { $max }. Scurtați-l sau trimiteți restul ca fișier.
su-message-files-added = 📎 Adăugate: { $names } ({ $count } din { $max }).
su-message-summary =
    <b>Verificați mesajul</b>

    <b>Subiect:</b> { $subject }
    <b>Mesaj:</b>
    { $text }

    <b>Fișiere:</b> { $files }
su-message-send = ✅ Trimite echipei de suport
su-message-text-added = Am adăugat asta la mesaj.
su-message-send-or-back = Apăsați „Trimite echipei de suport” sau reveniți pentru a modifica ceva.
su-message-sent = { $files ->
    [0] ✉️ Mesajul a ajuns la echipa de suport ca solicitarea <b>#{ $number }</b>. Vă vom răspunde aici.
    [one] ✉️ Mesajul și { $files } fișier au ajuns la echipa de suport ca solicitarea <b>#{ $number }</b>. Vă vom răspunde aici.
    [few] ✉️ Mesajul și { $files } fișiere au ajuns la echipa de suport ca solicitarea <b>#{ $number }</b>. Vă vom răspunde aici.
   *[other] ✉️ Mesajul și { $files } de fișiere au ajuns la echipa de suport ca solicitarea <b>#{ $number }</b>. Vă vom răspunde aici.
}
su-message-cancelled = Mesajul a fost anulat; nu s-a trimis nimic.

## Support access tokens: the list
su-tokens-intro =
    🔑 <b>Tokenuri de acces pentru suport</b>
    Un token este un cod cu care echipa noastră de suport poate intra în mediul dumneavoastră până când expiră. Atașați-l unei solicitări și echipa de suport îl va vedea acolo. Revocați-l imediat ce nu mai este necesar.
su-tokens-count = { $count ->
    [0] Nu aveți niciun token valabil.
    [one] Aveți un token valabil:
    [few] Aveți { $count } tokenuri valabile:
   *[other] Aveți { $count } de tokenuri valabile:
}
su-token-line-free = • <code>{ $code }</code>, valabil până la { $expires }, neatașat niciunei solicitări
su-token-line-attached = • <code>{ $code }</code>, valabil până la { $expires }, atașat solicitării <b>#{ $number }</b>
su-tokens-more = { $count ->
    [one] …și încă { $count } token mai vechi, care va expira singur.
    [few] …și încă { $count } tokenuri mai vechi, care vor expira singure.
   *[other] …și încă { $count } de tokenuri mai vechi, care vor expira singure.
}
su-token-button-create = ➕ Creează un token
su-token-button-attach = 📎 Atașează { $code }
su-token-button-revoke = 🚫 Revocă
su-token-button-menu = ⬅️ Meniul principal
su-token-gone = <code>{ $code }</code> nu se află printre tokenurile dumneavoastră valabile: poate a expirat sau a fost revocat.

## Creating one
su-token-ask-validity = Cât timp să fie valabil noul token? Alegeți cel mai scurt timp de care are nevoie echipa de suport; puteți oricând crea altul.
su-token-hours = { $count ->
    [one] { $count } oră
    [few] { $count } ore
   *[other] { $count } de ore
}
su-token-days = { $count ->
    [one] { $count } zi
    [few] { $count } zile
   *[other] { $count } de zile
}
su-token-weeks = { $count ->
    [one] { $count } săptămână
    [few] { $count } săptămâni
   *[other] { $count } de săptămâni
}
su-token-created =
    ✅ <b>Noul dumneavoastră token de acces pentru suport</b>

    <code>{ $code }</code>

    Valabil până la { $expires }.
    ⚠️ Comunicați-l doar echipei noastre de suport: oricine îl are poate intra în mediul dumneavoastră până când expiră sau până când îl revocați.
    Atașați-l unei solicitări, ca echipa de suport să îl vadă acolo.

## Attaching one to a ticket
su-token-pick-ticket = Cărei solicitări să atașăm <code>{ $code }</code>? Echipa de suport îl va vedea în acea solicitare.
su-token-pick-moves = Acum este atașat solicitării <b>#{ $number }</b>; dacă alegeți alta, va fi mutat acolo.
su-token-older-tickets = Solicitări mai vechi ➡️
su-token-no-tickets = Nu există nicio solicitare deschisă căreia să i se atașeze <code>{ $code }</code>. Raportați mai întâi problema, apoi atașați-i tokenul.
su-token-attached = 📎 <code>{ $code }</code> este atașat solicitării <b>#{ $number }</b>: echipa de suport îl vede deja acolo.

## Revoking one
su-token-revoke-confirm = { $attached ->
    [1] Revocați <code>{ $code }</code>? Echipa de suport nu îl va mai putea folosi; o vom anunța în solicitarea <b>#{ $number }</b>.
   *[other] Revocați <code>{ $code }</code>? Nimeni nu îl va mai putea folosi.
}
su-token-revoke-yes = 🚫 Da, revocă-l
su-token-revoked = 🚫 <code>{ $code }</code> a fost revocat: nimeni nu îl mai poate folosi.
