## Pantry's member-facing text in Welsh (Cymraeg).
## Written without a native speaker's check: please correct it (see README.md).

language-name = Cymraeg
# "yes" once a native speaker has checked this file.
translation-checked = no
translation-unchecked = Nid yw siaradwr brodorol wedi gwirio'r cyfieithiad hwn eto.

welcome-title = Croeso i { $pantry }
welcome-intro = Pantri bwyd i aelodau yw { $pantry }. Mae aelodau'n talu ffi fach ac yn dewis bwyd a nwyddau i'r cartref sy'n werth llawer mwy.

how-heading = Sut mae'r pantri'n gweithio
how-fee = Y ffi yw { $fee } yr wythnos.
how-fee-free = Does dim ffi.
how-items = Ar bob ymweliad rydych chi'n dewis hyd at { $items } o eitemau.
how-visits-week = Ymweliadau a ganiateir bob wythnos: { $visits }.
how-visits-days = Dyddiau rhwng ymweliadau: { $days }.
how-opening = Oriau agor: { $times }
how-card = Dewch â'ch cerdyn aelodaeth i bob ymweliad, os gwelwch yn dda.

data-heading = Eich gwybodaeth
data-held = Rydym yn cadw enw'r prif aelod, faint o oedolion a phlant sy'n byw yn yr aelwyd, eich cod post a'ch cymdogaeth, eich rhif ffôn a'ch e-bost os rhoesoch chi nhw, anghenion deiet ac alergeddau, enwau cyntaf a blynyddoedd geni aelodau eraill, eich ymweliadau, ac unrhyw atgyfeiriadau am gyngor y gofynnoch amdanynt.
data-why = Rydym yn ei chadw i redeg eich aelodaeth, i'ch cadw'n ddiogel rhag bwydydd y mae gennych alergedd iddynt, ac i'ch atgyfeirio am gyngor pan fyddwch yn gofyn. Rydym yn dibynnu ar eich caniatâd.
data-kept = Rydym yn ei chadw tra byddwch yn aelod. Os na fyddwch yn ymweld am { $months } mis, caiff eich manylion eu dileu.
data-who = Dim ond gwirfoddolwyr y pantri sy'n ei gweld, ar gyfrifiadur y pantri ei hun. Dim ond rhifau nad ydynt yn enwi neb y mae { $landlord } yn eu cael. Nid ydym byth yn rhoi eich manylion i wasanaeth cyngor oni bai eich bod yn cytuno gyntaf.

rights-heading = Eich hawliau
rights-copy = Gallwch ofyn am gopi o bopeth sydd gennym amdanoch chi.
rights-erase = Gallwch ofyn i ni gywiro eich manylion, neu eu dileu, ar unrhyw adeg.
rights-how = I ofyn, siaradwch â gwirfoddolwr neu ysgrifennwch at { $pantry }, { $address }.
rights-complain = Os ydych yn anhapus â sut rydym yn defnyddio eich gwybodaeth, gallwch gwyno i Swyddfa'r Comisiynydd Gwybodaeth (ico.org.uk, 0303 123 1113).

privacy-version = Fersiwn yr wybodaeth preifatrwydd: { $version }.
consent-recorded = Ar { $date } fe gytunoch chi i eiriad fersiwn { $version }.
consent-missing = Nid oes cytundeb wedi'i gofnodi eto.

card-bring = Dewch â'r cerdyn hwn i bob ymweliad, os gwelwch yn dda.
slip-member-copy = Copi'r aelod: cadwch hwn, os gwelwch yn dda.
slip-member-note = Bydd { $agency } yn cysylltu â chi am yr atgyfeiriad hwn. Os byddwch chi'n cysylltu gyntaf, rhowch y cyfeirnod { $reference }.
