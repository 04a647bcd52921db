## Pantry's member-facing text in English: the source every translation follows, and the
## text used wherever a translation lacks a message.
## To correct a translation, see "Correcting a translation" in README.md.

language-name = English
# "yes" once a native speaker has checked this file; anything else prints a note on it.
translation-checked = yes
translation-unchecked = This translation has not yet been checked by a native speaker.

welcome-title = Welcome to { $pantry }
welcome-intro = { $pantry } is a membership food pantry. Members pay a small fee and choose food and household items worth much more.

how-heading = How the pantry works
how-fee = The fee is { $fee } a week.
how-fee-free = There is no fee.
how-items = At each visit you choose up to { $items } items.
how-visits-week = Visits allowed each week: { $visits }.
how-visits-days = Days between visits: { $days }.
how-opening = Opening times: { $times }
how-card = Please bring your membership card to every visit.

data-heading = Your information
data-held = We keep the lead member's name, how many adults and children live in the household, your postcode and neighbourhood, your phone number and email if you gave them, dietary needs and allergies, the first names and birth years of other members, your visits, and any referrals for advice that you asked for.
data-why = We keep it to run your membership, to keep you safe from foods you are allergic to, and to refer you for advice when you ask. We rely on your consent.
data-kept = We keep it while you are a member. If you do not visit for { $months } months, your details are removed.
data-who = Only the pantry's volunteers see it, on the pantry's own computer. { $landlord } receives only numbers that do not name anyone. We never give your details to an advice service unless you agree first.

rights-heading = Your rights
rights-copy = You can ask for a copy of everything we hold about you.
rights-erase = You can ask us to correct your details, or to erase them, at any time.
rights-how = To ask, speak to a volunteer or write to { $pantry }, { $address }.
rights-complain = If you are unhappy with how we use your information, you can complain to the Information Commissioner's Office (ico.org.uk, 0303 123 1113).

privacy-version = Privacy information version { $version }.
consent-recorded = You agreed on { $date } to the wording of version { $version }.
consent-missing = No agreement has been recorded yet.

card-bring = Please bring this card to every visit.
slip-member-copy = Member's copy: please keep this.
slip-member-note = { $agency } will contact you about this referral. If you contact them first, give the reference { $reference }.
