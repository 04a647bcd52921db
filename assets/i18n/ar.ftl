## Pantry's member-facing text in Arabic (العربية).
## Written without a native speaker's check: please correct it (see README.md).

language-name = العربية
# "yes" once a native speaker has checked this file.
translation-checked = no
translation-unchecked = لم يراجع هذه الترجمة متحدث أصلي باللغة بعد.

welcome-title = مرحبًا بكم في { $pantry }
welcome-intro = { $pantry } مخزن طعام للأعضاء. يدفع الأعضاء رسمًا صغيرًا ويختارون طعامًا وأغراضًا منزلية قيمتها أكبر بكثير.

how-heading = كيف يعمل المخزن
how-fee = الرسم { $fee } في الأسبوع.
how-fee-free = لا يوجد رسم.
how-items = في كل زيارة تختار حتى { $items } من الأغراض.
how-visits-week = عدد الزيارات المسموح بها كل أسبوع: { $visits }.
how-visits-days = عدد الأيام بين الزيارات: { $days }.
how-opening = أوقات العمل: { $times }
how-card = يرجى إحضار بطاقة العضوية في كل زيارة.

data-heading = معلوماتك
data-held = نحتفظ باسم العضو الرئيسي، وعدد البالغين والأطفال في الأسرة، والرمز البريدي والحي، ورقم الهاتف والبريد الإلكتروني إن قدمتهما، والاحتياجات الغذائية والحساسية، والأسماء الأولى وسنوات ميلاد الأعضاء الآخرين، وزياراتك، وأي إحالات للاستشارة طلبتها.
data-why = نحتفظ بها لإدارة عضويتك، ولحمايتك من الأطعمة التي لديك حساسية منها، ولإحالتك للاستشارة عندما تطلب ذلك. نعتمد في ذلك على موافقتك.
data-kept = نحتفظ بها ما دمت عضوًا. إذا لم تزرنا لمدة { $months } شهرًا، تُحذف بياناتك.
data-who = لا يراها إلا متطوعو المخزن، على حاسوب المخزن نفسه. لا يتلقى { $landlord } إلا أرقامًا لا تذكر اسم أحد. لا نعطي بياناتك أبدًا لأي جهة استشارية دون موافقتك المسبقة.

rights-heading = حقوقك
rights-copy = يمكنك طلب نسخة من كل ما نحتفظ به عنك.
rights-erase = يمكنك أن تطلب منا تصحيح بياناتك أو حذفها في أي وقت.
rights-how = للطلب، تحدث إلى أحد المتطوعين أو اكتب إلى { $pantry }، { $address }.
rights-complain = إذا لم تكن راضيًا عن طريقة استخدامنا لمعلوماتك، يمكنك تقديم شكوى إلى Information Commissioner's Office (ico.org.uk, 0303 123 1113).

privacy-version = إصدار معلومات الخصوصية: { $version }.
consent-recorded = وافقت في { $date } على نص الإصدار { $version }.
consent-missing = لم تُسجَّل أي موافقة بعد.

card-bring = يرجى إحضار هذه البطاقة في كل زيارة.
slip-member-copy = نسخة العضو: يرجى الاحتفاظ بها.
slip-member-note = ستتواصل معك { $agency } بشأن هذه الإحالة. إذا تواصلت معهم أولًا، فاذكر الرقم المرجعي { $reference }.
