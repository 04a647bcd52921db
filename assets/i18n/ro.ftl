## Pantry's member-facing text in Romanian (română).
## Written without a native speaker's check: please correct it (see README.md).

language-name = română
# "yes" once a native speaker has checked this file.
translation-checked = no
translation-unchecked = Această traducere nu a fost încă verificată de un vorbitor nativ.

welcome-title = Bine ați venit la { $pantry }
welcome-intro = { $pantry } este o cămară alimentară pentru membri. Membrii plătesc o taxă mică și aleg alimente și produse pentru casă care valorează mult mai mult.

how-heading = Cum funcționează cămara
how-fee = Taxa este de { $fee } pe săptămână.
how-fee-free = Nu există nicio taxă.
how-items = La fiecare vizită alegeți până la { $items } produse.
how-visits-week = Vizite permise în fiecare săptămână: { $visits }.
how-visits-days = Zile între vizite: { $days }.
how-opening = Program: { $times }
how-card = Vă rugăm să aduceți cardul de membru la fiecare vizită.

data-heading = Informațiile dumneavoastră
data-held = Păstrăm numele membrului principal, numărul de adulți și copii din gospodărie, codul poștal și cartierul, numărul de telefon și adresa de e-mail dacă le-ați dat, nevoile alimentare și alergiile, prenumele și anii de naștere ai celorlalți membri, vizitele dumneavoastră și orice trimiteri pentru consiliere pe care le-ați cerut.
data-why = Le păstrăm pentru a gestiona calitatea de membru, pentru a vă feri de alimentele la care sunteți alergic și pentru a vă trimite la consiliere când cereți. Ne bazăm pe consimțământul dumneavoastră.
data-kept = Le păstrăm cât timp sunteți membru. Dacă nu ne vizitați timp de { $months } luni, datele dumneavoastră sunt șterse.
data-who = Doar voluntarii cămării le văd, pe calculatorul propriu al cămării. { $landlord } primește doar cifre care nu numesc pe nimeni. Nu dăm niciodată datele dumneavoastră unui serviciu de consiliere fără acordul dumneavoastră prealabil.

rights-heading = Drepturile dumneavoastră
rights-copy = Puteți cere o copie a tuturor informațiilor pe care le deținem despre dumneavoastră.
rights-erase = Puteți cere oricând să vă corectăm datele sau să le ștergem.
rights-how = Pentru a cere, vorbiți cu un voluntar sau scrieți la { $pantry }, { $address }.
rights-complain = Dacă nu sunteți mulțumit de modul în care folosim informațiile dumneavoastră, puteți depune o plângere la Information Commissioner's Office (ico.org.uk, 0303 123 1113).

privacy-version = Versiunea informării privind confidențialitatea: { $version }.
consent-recorded = Pe { $date } ați fost de acord cu textul versiunii { $version }.
consent-missing = Nu a fost înregistrat încă niciun acord.

card-bring = Vă rugăm să aduceți acest card la fiecare vizită.
slip-member-copy = Exemplarul membrului: vă rugăm să îl păstrați.
slip-member-note = { $agency } vă va contacta în legătură cu această trimitere. Dacă îi contactați primul, dați referința { $reference }.
