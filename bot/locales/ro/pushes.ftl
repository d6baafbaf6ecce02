### Notificări de stare: ce citește clientul în chat (sau pe e-mail) când i se schimbă tichetul.
### Mini-HTML (<b>, <i>, <code>); codul face escape fiecărei variabile.
### $number este numărul tichetului ca text; $subject, $text etc. sunt texte scrise de oameni.

## Deschidere și autorizare.
push-opened =
    Tichetul <b>#{ $number }</b> a fost deschis: { $subject }
    Vă vom răspunde aici. Stare: { $status }.
push-opened-to-authorize =
    Tichetul <b>#{ $number }</b> a fost înregistrat: { $subject }
    Așteaptă autorizarea administratorului companiei dumneavoastră; vă anunțăm aici. Stare: { $status }.
push-due = Răspuns estimat până la { $due }.
push-status = Stare: { $status }.
push-reason = Motiv: { $reason }
push-auth-request =
    <b>Autorizare necesară</b> pentru tichetul <b>#{ $number }</b>
    De la: { $reporter }
    { $type }: { $subject }

    { $description }
push-authorized = Tichetul <b>#{ $number }</b> a fost autorizat de { $name } și a ajuns la echipa de suport. Stare: { $status }.
push-rejected =
    Tichetul <b>#{ $number }</b> nu a fost autorizat: { $subject }
    Respins de { $name }.

## Cine se ocupă și starea.
push-assigned = <b>{ $agent }</b> se ocupă de tichetul dumneavoastră <b>#{ $number }</b>.
push-in-progress = Tichetul <b>#{ $number }</b> este în lucru: ne ocupăm de el.
push-back-in-progress = Tichetul <b>#{ $number }</b> este din nou în lucru.
push-waiting = Tichetul <b>#{ $number }</b> așteaptă răspunsul dumneavoastră.
push-status-changed = Tichetul <b>#{ $number }</b>: starea nouă este { $status }.
push-info-requested =
    <b>{ $agent }</b> (suport) are nevoie de informații suplimentare pentru tichetul <b>#{ $number }</b>:
    { $text }
push-expected-close = Tichetul <b>#{ $number }</b>: închiderea este estimată până la { $date }.
push-expected-close-removed = Tichetul <b>#{ $number }</b>: nu mai are o dată estimată de închidere.
push-priority-changed = Tichetul <b>#{ $number }</b>: urgență { $icon } { $priority }.

## Mesaje și fișiere de la echipa de suport.
push-agent-reply =
    <b>{ $agent }</b> (suport), tichetul #{ $number }:
    { $text }
push-agent-reply-edited =
    <b>{ $agent }</b> (suport), tichetul #{ $number } (modificat):
    { $text }
push-files = 📎 { $count ->
    [one] { $count } fișier
    [few] { $count } fișiere
   *[other] { $count } de fișiere
}
push-file-from-support = Echipa de suport a trimis un fișier pentru tichetul <b>#{ $number }</b>: { $file }

## Rezolvare, închidere, evaluare, redeschidere.
push-resolved =
    Tichetul <b>#{ $number }</b> a fost rezolvat.
    <b>{ $agent }</b> (suport):
    { $resolution }
push-resolved-question = Problema dumneavoastră este rezolvată?
push-closed-confirmed = Vă mulțumim pentru confirmare: tichetul <b>#{ $number }</b> a fost închis.
push-closed = Tichetul <b>#{ $number }</b> a fost închis.
push-closed-auto = Tichetul <b>#{ $number }</b> a fost închis automat: fusese rezolvat și nu am mai primit niciun răspuns.
push-rate = Cum vi s-a părut ajutorul nostru? Acordați-ne între 1 și 5 stele.
push-rated = Vă mulțumim! Ați evaluat tichetul <b>#{ $number }</b> cu { $rating ->
    [one] { $rating } stea
    [few] { $rating } stele
   *[other] { $rating } de stele
}.
push-reopened = Tichetul <b>#{ $number }</b> a fost redeschis: îl vom analiza din nou.
push-reopened-by-support = Echipa de suport a redeschis tichetul <b>#{ $number }</b>.

## Mesajele super utilizatorilor și codurile de acces pentru suport.
push-extra-message = Mesajul dumneavoastră a ajuns la echipa de suport ca tichetul <b>#{ $number }</b>. Vă vom răspunde aici.
push-token-attached = Codul de acces pentru suport <code>{ $code }</code> este atașat tichetului <b>#{ $number }</b> și este valabil până la { $expires }.
push-token-revoked = Codul de acces pentru suport <code>{ $code }</code> a fost revocat: nu mai poate fi folosit.

## Orice altceva.
push-updated = Tichetul <b>#{ $number }</b> a fost actualizat.
push-updated-unknown = Unul dintre tichetele dumneavoastră a fost actualizat.

## Butoane (text simplu).
push-button-my-tickets = Tichetele mele
push-button-reply = Răspunde
push-button-authorize = Autorizează
push-button-reject = Respinge
push-button-solved = Rezolvat ✅
push-button-not-solved = Nerezolvat ❌
push-button-stars = { $stars } ⭐
