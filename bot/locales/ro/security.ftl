## Protecție împotriva abuzurilor: prea multe mesaje, tipuri de fișiere, tichete pe oră
flood-slow-down = Trimiteți mesaje mai repede decât le pot citi. Le voi parcurge imediat, puțin mai încet; vă rog să așteptați răspunsul meu înainte de a trimite altele.
report-file-type-refused = „{ $name }” nu a fost adăugat: fișierele de acest tip ({ $type }) nu sunt acceptate aici. Vă rog să trimiteți în schimb un PDF, o imagine sau un document.
error-ticket-rate = Ați deschis { $limit } tichete în ultima oră, cât este permis. Vă rog să adăugați la unul dintre ele sau să încercați din nou mai târziu.
