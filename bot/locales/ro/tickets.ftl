### Tichetele mele: lista, detaliile unui tichet, butoanele tichetelor și conversația pe un tichet.
### Mini-HTML (<b>, <i>, <code>); codul face escape fiecărei variabile.
### $number este numărul tichetului ca text; $subject, $text, $query și numele sunt scrise de oameni.

## Lista.
tickets-list-header = { $scope ->
    [company] 📋 <b>Tichetele companiei dumneavoastră</b>
   *[own] 📋 <b>Tichetele dumneavoastră</b>
} · { $filter }{ $period }
tickets-list-period = {" · "}{ $period }
tickets-search-header = 🔎 <b>Tichete care conțin „{ $query }”</b>
tickets-list-empty = { $filter ->
    [active] Nu aveți tichete active.
    [archived] Nu există tichete arhivate.
   *[all] Nu există tichete aici.
}
tickets-search-empty = Niciun tichet nu conține „{ $query }”.
tickets-search-more = Aici încap doar cele mai noi rezultate ({ $count }): adăugați un cuvânt pentru a restrânge căutarea.
tickets-list-hint = 🔎 Pentru căutare, scrieți /tickets și un cuvânt, de ex. <code>/tickets factură</code>.
tickets-list-line =
    { $icon } <b>#{ $number }</b> · { $created }{ $product }{ $reporter }{ $unread }
    { $subject } · <i>{ $status }</i>
tickets-list-product = {" · "}{ $name }
tickets-list-reporter = {" · "}👤 { $name }
tickets-list-unread = {" · "}‼️ <b>{ $count ->
    [one] { $count } mesaj necitit
    [few] { $count } mesaje necitite
   *[other] { $count } de mesaje necitite
}</b>
tickets-button = { $unread ->
    [0] {""}
   *[other] ‼️{" "}
}{ $icon } #{ $number } { $subject } · { $status }
tickets-filter-active = Active
tickets-filter-all = Toate
tickets-filter-archived = Arhivate
tickets-current = • { $label }
tickets-button-previous = ◀️ Anterioare
tickets-button-next = Următoare ▶️
tickets-button-period = 📅 { $chosen ->
    [1] { $period }
   *[other] Perioadă
}
tickets-button-menu = 🏠 Meniu
tickets-button-back-to-list = ⬅️ Înapoi la listă
tickets-period-title = 📅 Din ce perioadă doriți să vedeți tichetele?
tickets-period-7 = Ultimele 7 zile
tickets-period-30 = Ultimele 30 de zile
tickets-period-year = Anul acesta
tickets-period-any = Oricând

## Detaliile unui tichet.
tickets-detail-title = <b>#{ $number }</b> · { $subject }
tickets-detail-status = Stare: <b>{ $status }</b>
tickets-detail-urgency = Urgență: { $icon } { $priority }
tickets-detail-product = Program: { $product }
tickets-detail-created = Deschis: { $at }
tickets-detail-reporter = Raportat de: { $name }
tickets-detail-handlers = Se ocupă: { $known ->
    [1] { $names }
   *[other] încă nimeni
}
tickets-detail-expected = Închidere estimată: { $date }
tickets-detail-spent = { $done ->
    [1] Durata intervenției: { $spent }
   *[other] Durata până acum: { $spent }
}
tickets-detail-archived = 📦 Arhivat: ascuns din liste, dar căutarea îl găsește în continuare.
tickets-days = { $count ->
    [one] { $count } zi
    [few] { $count } zile
   *[other] { $count } de zile
}
tickets-hours = { $count ->
    [one] { $count } oră
    [few] { $count } ore
   *[other] { $count } de ore
}
tickets-minutes = { $count ->
    [one] { $count } minut
    [few] { $count } minute
   *[other] { $count } de minute
}
tickets-under-a-minute = mai puțin de un minut
tickets-history-title = <b>Istoric</b>{ $earlier ->
    [0] {""}
    [one] {" "}(1 intrare anterioară: apăsați „Anterioare”)
    [few] {" "}({ $earlier } intrări anterioare: apăsați „Anterioare”)
   *[other] {" "}({ $earlier } de intrări anterioare: apăsați „Anterioare”)
}
tickets-entry-opened = 📝 <b>Solicitare</b> · { $name } · { $at }
tickets-entry-customer = 💬 <b>{ $name }</b> · { $at }{ $seen ->
    [1] {" "}· ✓ citit de suport
   *[other] {""}
}
tickets-entry-agent = { $new ->
    [1] 🆕{" "}
   *[other] {""}
}🎧 <b>{ $name }</b> (suport) · { $at }
tickets-entry-status = 🔄 { $at } · stare: <b>{ $status }</b>
tickets-entry-status-by = 🔄 { $at } · stare: <b>{ $status }</b> · { $name }
tickets-entry-system = ℹ️ { $at }
tickets-entry-text = { $text }
tickets-entry-file = 📎 { $name }
tickets-you = Dumneavoastră
tickets-someone = Cineva
tickets-support = Suport
tickets-rate-prompt = ⭐ Cum vi s-a părut ajutorul nostru? Acordați-ne între 1 și 5 stele.
tickets-button-reply = ✍️ Răspunde
tickets-button-solved = ✅ Rezolvat
tickets-button-not-solved = ❌ Nerezolvat
tickets-button-reopen = 🔄 Redeschide
tickets-button-archive = 📦 Arhivează
tickets-button-unarchive = 📤 Scoate din arhivă
tickets-button-earlier = ⬆️ Anterioare
tickets-button-latest = ⬇️ Cele mai noi
tickets-button-stars = { $stars } ⭐
tickets-archived = 📦 Tichetul <b>#{ $number }</b> a fost arhivat: ascuns din liste, dar căutarea îl găsește în continuare.
tickets-unarchived = 📤 Tichetul <b>#{ $number }</b> apare din nou în listele dumneavoastră.

## Scrierea pe un tichet, redeschiderea.
tickets-write-now = ✍️ Scrieți mesajul pentru tichetul <b>#{ $number }</b>: text, fotografii sau fișiere. Ajunge la echipa de suport imediat ce îl trimiteți.
tickets-reply-solved = Tichetul <b>#{ $number }</b> este deja rezolvat. Pentru a mai adăuga ceva, redeschideți-l sau deschideți un tichet nou.
tickets-reply-closed = Tichetul <b>#{ $number }</b> nu mai poate fi actualizat (stare: { $status }). Vă rugăm să deschideți un tichet nou.
tickets-tell-what-is-wrong = { $pushed ->
    [1] Spuneți-ne ce nu funcționează încă: următorul dumneavoastră mesaj ajunge la tichetul <b>#{ $number }</b>.
   *[other] Tichetul <b>#{ $number }</b> este din nou deschis. Spuneți-ne ce nu funcționează încă: următorul dumneavoastră mesaj ajunge la el.
}
tickets-not-resolved = Tichetul <b>#{ $number }</b> nu așteaptă confirmarea dumneavoastră (stare: { $status }).

## Confirmare și evaluare.
tickets-confirmed = Vă mulțumim: tichetul <b>#{ $number }</b> a fost închis.{ $rate ->
    [1] {" "}Cum vi s-a părut ajutorul nostru? Acordați-ne între 1 și 5 stele.
   *[other] {""}
}
tickets-ask-comment = Vă mulțumim că ați evaluat tichetul <b>#{ $number }</b> cu { $rating } ⭐! Doriți să adăugați câteva cuvinte pentru echipă? Scrieți-le sau apăsați „Sari peste”.
tickets-comment-as-text = Vă rugăm să scrieți comentariul ca text sau să apăsați „Sari peste”.
tickets-comment-thanks = Vă mulțumim, am transmis comentariul dumneavoastră echipei.

## Autorizare (super utilizatori).
tickets-authorized = ✅ Ați autorizat tichetul <b>#{ $number }</b>; a ajuns la echipa de suport.
tickets-already-decided = Tichetul <b>#{ $number }</b> nu mai așteaptă autorizarea (stare: { $status }).
tickets-ask-reason = De ce respingeți tichetul <b>#{ $number }</b> de la { $reporter }? Motivul îi va fi trimis. Scrieți-l sau apăsați butonul pentru a respinge fără motiv.
tickets-button-reject-no-reason = Respinge fără motiv
tickets-reject-as-text = Vă rugăm să scrieți motivul ca text sau să apăsați butonul pentru a respinge fără motiv.
tickets-rejected = Tichetul <b>#{ $number }</b> a fost respins; { $reporter } a fost anunțat.
tickets-reject-cancelled = Nu a fost respins nimic.

## Conversația pe un tichet.
tickets-added = ✓ Adăugat la tichetul #{ $number }
tickets-which = { $count ->
    [one] La ce tichet se referă acest mesaj?
    [few] La ce tichet se referă aceste { $count } mesaje?
   *[other] La ce tichet se referă aceste { $count } de mesaje?
} Nu trimitem nimic până nu alegeți.
tickets-none = Nu aveți tichete deschise, așa că { $count ->
    [one] acest mesaj nu a fost trimis
    [few] aceste { $count } mesaje nu au fost trimise
   *[other] aceste { $count } de mesaje nu au fost trimise
} echipei de suport. Doriți să raportați o problemă nouă?
tickets-solved-prompt = Tichetul <b>#{ $number }</b> este deja rezolvat, așa că mesajul dumneavoastră nu a fost adăugat. Îl redeschidem și trimitem mesajul, sau deschideți un tichet nou?{ $others ->
    [0] {""}
   *[other] {" "}Sau adăugați-l la unul dintre tichetele deschise de mai jos.
}
tickets-closed-prompt = Tichetul <b>#{ $number }</b> este închis și nu mai poate fi actualizat, așa că mesajul dumneavoastră nu a fost adăugat. Doriți să deschideți un tichet nou?{ $others ->
    [0] {""}
   *[other] {" "}Sau adăugați-l la unul dintre tichetele deschise de mai jos.
}
tickets-button-reopen-send = 🔄 Redeschide și trimite
tickets-button-new-report = 🆕 Tichet nou
tickets-files-carried = 📎 { $count ->
    [one] Fișierul trimis va fi atașat la tichetul nou.
    [few] Cele { $count } fișiere trimise vor fi atașate la tichetul nou.
   *[other] Cele { $count } de fișiere trimise vor fi atașate la tichetul nou.
}
tickets-pending-dropped = { $count ->
    [one] Mesajul netrimis a fost lăsat deoparte.
    [few] Cele { $count } mesaje netrimise au fost lăsate deoparte.
   *[other] Cele { $count } de mesaje netrimise au fost lăsate deoparte.
}
tickets-pending-cancelled = Bine, nu s-a trimis nimic.
tickets-edit-not-applied = Modificarea dumneavoastră nu a fost transmisă: tichetul #{ $number } nu mai poate fi modificat.
