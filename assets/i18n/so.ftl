## Pantry's member-facing text in Somali (Soomaali).
## Written without a native speaker's check: please correct it (see README.md).

language-name = Soomaali
# "yes" once a native speaker has checked this file.
translation-checked = no
translation-unchecked = Tarjumaaddan weli ma hubin qof afka hooyo u ah.

welcome-title = Ku soo dhowow { $pantry }
welcome-intro = { $pantry } waa bakhaar cunto oo xubnaha loogu talagalay. Xubnuhu waxay bixiyaan lacag yar, waxayna doortaan cunto iyo alaab guri oo qiimahoodu aad uga badan yahay.

how-heading = Sida bakhaarku u shaqeeyo
how-fee = Lacagtu waa { $fee } toddobaadkii.
how-fee-free = Lacag ma jirto.
how-items = Booqasho kasta waxaad dooran kartaa ilaa { $items } shay.
how-visits-week = Booqashooyinka la oggol yahay toddobaad kasta: { $visits }.
how-visits-days = Maalmaha u dhexeeya booqashooyinka: { $days }.
how-opening = Saacadaha furitaanka: { $times }
how-card = Fadlan booqasho kasta keen kaarkaaga xubinnimada.

data-heading = Macluumaadkaaga
data-held = Waxaan hayaa magaca xubinta ugu weyn, tirada dadka waaweyn iyo carruurta qoyska, koodka boostada iyo xaafadda, lambarka taleefanka iyo iimaylka haddii aad na siisay, baahiyaha cuntada iyo xasaasiyadaha, magacyada hore iyo sannadaha dhalashada xubnaha kale, booqashooyinkaaga, iyo gudbin kasta oo talo ah oo aad codsatay.
data-why = Waxaan u haynaa si aan u maamulno xubinnimadaada, si aan kaaga ilaalino cuntooyinka aad xasaasiyadda u leedahay, iyo si aan kuu gudbino talo marka aad codsato. Waxaan ku tiirsannahay oggolaanshahaaga.
data-kept = Waxaan haynaa inta aad xubin tahay. Haddii aadan na soo booqan { $months } bilood, faahfaahintaada waa la tirtiraa.
data-who = Kaliya mutadawiciinta bakhaarka ayaa arka, kombiyuutarka bakhaarka laftiisa. { $landlord } waxay helaan oo kaliya tirooyin aan qofna magacaabin. Weligeen faahfaahintaada ma siino adeeg talo bixiya haddii aadan marka hore oggolaan.

rights-heading = Xuquuqdaada
rights-copy = Waxaad codsan kartaa nuqul wax kasta oo aan kaa hayno.
rights-erase = Waxaad na weydiin kartaa inaan saxno faahfaahintaada ama aan tirtirno wakhti kasta.
rights-how = Si aad u codsato, la hadal mutadawac ama u qor { $pantry }, { $address }.
rights-complain = Haddii aadan ku qanacsanayn sida aan u isticmaalno macluumaadkaaga, waxaad cabasho u gudbin kartaa Information Commissioner's Office (ico.org.uk, 0303 123 1113).

privacy-version = Nooca macluumaadka asturnaanta: { $version }.
consent-recorded = { $date } waxaad oggolaatay qoraalka nooca { $version }.
consent-missing = Weli lama diiwaangelin wax oggolaansho ah.

card-bring = Fadlan kaarkan keen booqasho kasta.
slip-member-copy = Nuqulka xubinta: fadlan hay.
slip-member-note = { $agency } ayaa kula soo xiriiri doona gudbintan. Haddii aad adigu marka hore la xiriirto, sii lambarka tixraaca { $reference }.
