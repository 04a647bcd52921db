## Pantry's member-facing text in Polish (polski).
## Written without a native speaker's check: please correct it (see README.md).

language-name = polski
# "yes" once a native speaker has checked this file.
translation-checked = no
translation-unchecked = To tłumaczenie nie zostało jeszcze sprawdzone przez rodzimego użytkownika języka.

welcome-title = Witamy w { $pantry }
welcome-intro = { $pantry } to spiżarnia członkowska. Członkowie płacą niewielką opłatę i wybierają żywność oraz artykuły domowe o znacznie większej wartości.

how-heading = Jak działa spiżarnia
how-fee = Opłata wynosi { $fee } tygodniowo.
how-fee-free = Nie ma opłaty.
how-items = Podczas każdej wizyty możesz wybrać do { $items } produktów.
how-visits-week = Liczba wizyt w tygodniu: { $visits }.
how-visits-days = Liczba dni między wizytami: { $days }.
how-opening = Godziny otwarcia: { $times }
how-card = Prosimy przynosić kartę członkowską na każdą wizytę.

data-heading = Twoje dane
data-held = Przechowujemy imię i nazwisko głównego członka, liczbę dorosłych i dzieci w gospodarstwie domowym, kod pocztowy i okolicę, numer telefonu i adres e-mail, jeśli je podano, potrzeby żywieniowe i alergie, imiona i lata urodzenia pozostałych członków, Twoje wizyty oraz skierowania do poradni, o które prosiłeś(-aś).
data-why = Przechowujemy je, aby prowadzić Twoje członkostwo, chronić Cię przed produktami, na które masz alergię, i kierować Cię po poradę, gdy o to poprosisz. Podstawą jest Twoja zgoda.
data-kept = Przechowujemy je, dopóki jesteś członkiem. Jeśli nie odwiedzisz nas przez { $months } miesięcy, Twoje dane zostaną usunięte.
data-who = Widzą je tylko wolontariusze spiżarni, na jej własnym komputerze. { $landlord } otrzymuje wyłącznie liczby, które nikogo nie identyfikują. Nigdy nie przekazujemy Twoich danych poradni bez Twojej wcześniejszej zgody.

rights-heading = Twoje prawa
rights-copy = Możesz poprosić o kopię wszystkich danych, które o Tobie przechowujemy.
rights-erase = W każdej chwili możesz poprosić o poprawienie lub usunięcie swoich danych.
rights-how = Aby o to poprosić, porozmawiaj z wolontariuszem lub napisz do { $pantry }, { $address }.
rights-complain = Jeśli nie jesteś zadowolony(-a) ze sposobu wykorzystania Twoich danych, możesz złożyć skargę do Information Commissioner's Office (ico.org.uk, 0303 123 1113).

privacy-version = Wersja informacji o prywatności: { $version }.
consent-recorded = Dnia { $date } wyraziłeś(-aś) zgodę na treść w wersji { $version }.
consent-missing = Nie zapisano jeszcze zgody.

card-bring = Prosimy przynosić tę kartę na każdą wizytę.
slip-member-copy = Kopia członka: prosimy ją zachować.
slip-member-note = { $agency } skontaktuje się z Tobą w sprawie tego skierowania. Jeśli skontaktujesz się pierwszy(-a), podaj numer { $reference }.
