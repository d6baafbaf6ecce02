## Buttons used everywhere
button-back = ⬅️ Înapoi
button-cancel = ✖️ Anulează
button-confirm = ✅ Trimite solicitarea
button-done = ✅ Gata
button-skip = Sari peste ➡️

## Main menu
menu-title = Bună ziua, { $name }! Cu ce vă putem ajuta?
menu-what-next = Vă mai putem ajuta cu ceva?
menu-report = 🆘 Raportează o problemă
menu-tickets = 📋 Solicitările mele
menu-message = ✉️ Scrie echipei de suport
menu-token = 🔑 Token de acces pentru suport
menu-invite = 👥 Invită un coleg
menu-language = 🌐 Limba

## General replies
flow-expired = Conversația anterioară a stat nefolosită mai mult de { $minutes } minute, așa că am închis-o. Nu s-a trimis nimic. Să începem din nou.
unsupported-message = Ne pare rău, înțeleg doar text, fișiere, fotografii, mesaje vocale și butoane.
not-linked-yet = Acest chat nu este încă legat de un cont de client.
nothing-to-cancel = Nu era nimic de anulat.
unknown-command = Nu cunosc comanda /{ $command }.
button-expired = Acest buton aparține unui mesaj mai vechi și nu mai funcționează.

## Report a problem
report-ask-product = Despre ce program este vorba?
report-ask-type = Ce fel de solicitare este?
report-type-error = 🐞 Ceva nu funcționează
report-type-question = ❓ O întrebare
report-type-request = 🛠 O cerere de modificare
report-type-other = 💬 Altceva
report-ask-subject = Într-un rând, care este problema? (de ex. <i>„Factura tipărită arată TVA greșit”</i>)
report-type-a-line = Scrieți subiectul ca text.
report-subject-too-long = Subiectul are { $length } caractere, dar poate avea cel mult { $max }. Scurtați-l; detaliile urmează.
report-ask-description =
    Acum descrieți problema. Ne ajută cel mai mult:
    • textul exact al mesajului de eroare
    • pașii care duc la ea (ce ecran, ce buton)
    • numărul documentului sau al înregistrării afectate
report-describe-in-words = Descrieți problema în cuvinte.
report-description-still-needed = Am primit fișierul. Descrieți și problema în cuvinte.
report-description-too-long = Descrierea are { $length } caractere, dar poate avea cel mult { $max }. Restul îl puteți trimite ca fișier.
report-ask-files =
    Adăugați capturi de ecran, documente, o înregistrare a ecranului sau un mesaj vocal, dacă aveți (până la { $max } fișiere, câte { $mb } MB).
    Când ați terminat, apăsați butonul.
report-files-added = 📎 Adăugate: { $names } ({ $count } din { $max }).
report-file-too-many = „{ $name }” nu a fost adăugat: o solicitare poate avea cel mult { $max } fișiere.
report-file-too-big = „{ $name }” nu a fost adăugat: fișierele pot avea cel mult { $mb } MB. Trimiteți unul mai mic sau un link.
report-file-failed = „{ $name }” nu a putut fi primit. Încercați să-l trimiteți din nou.
report-text-added-to-description = Am adăugat asta la descriere.
report-send-files-or-done = Trimiteți fișiere sau apăsați butonul pentru a continua.
report-ask-impact = Problema vă împiedică să lucrați?
report-impact-blocked = 🔴 Da, lucrul este blocat
report-impact-can-work = 🟢 Nu, pot lucra în continuare
report-ask-phone = { $known ->
    [1] Vă putem suna la { $phone } dacă e nevoie? Trimiteți alt număr cu butonul de mai jos sau păstrați-l pe acesta.
   *[other] Vă putem suna dacă e nevoie? Trimiteți numărul de telefon cu butonul de mai jos sau săriți peste.
}
report-share-phone = 📱 Trimite numărul meu de telefon
report-phone-keep = Păstrează { $phone }
report-phone-not-understood = Nu pare un număr de telefon. Folosiți butonul, scrieți un număr precum +40 721 100 200 sau săriți peste.
report-phone-noted = { $known ->
    [1] Mulțumim, am notat: { $phone }.
   *[other] Bine, fără număr de telefon.
}
report-summary =
    <b>Verificați solicitarea</b>

    <b>Tip:</b> { $type }
    <b>Program:</b> { $product }
    <b>Subiect:</b> { $subject }
    <b>Descriere:</b>
    { $description }

    <b>Fișiere:</b> { $files }
    <b>Lucru blocat:</b> { $blocked ->
        [yes] da
       *[other] nu
    }
    <b>Telefon:</b> { $phone }
report-confirm-or-back = Apăsați „Trimite solicitarea” sau reveniți pentru a modifica ceva.
report-use-buttons = Alegeți unul dintre butoane.
report-cancelled = Solicitarea a fost anulată; nu s-a trimis nimic.

## A form for a long answer (Slack shows it as a modal; the title has at most 24 characters)
compose-button = ✍️ Scrieți într-un formular
compose-title = Mesajul dumneavoastră
compose-submit = Trimite
compose-label = Scrieți aici: puteți trece pe rânduri noi.
