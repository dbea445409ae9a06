/**
 * Words that mark quoted history in the mail clients common in each language we support:
 * English, Russian, Ukrainian, German, French, Spanish, Italian, Portuguese, Dutch, Polish,
 * Swedish, Norwegian, Danish, Finnish and Vietnamese. Only data lives here; `markers.ts`
 * builds the patterns. Adding a language is adding its words to these lists.
 */

/**
 * The verb that closes an attribution line ("On …, Anna wrote:"). Gmail, Apple Mail,
 * Thunderbird, Outlook.com, Yahoo and Zoho all end the line with it; Zoho drops the colon
 * and adds dashes, some clients drop the colon altogether.
 */
export const WROTE_VERBS = [
  // en (talon also meets "sent:" from older Outlook and BlackBerry clients)
  "wrote",
  "sent",
  "writes",
  // ru: Thunderbird, Apple Mail, Rambler, The Bat!
  "пишет",
  "писал",
  "писала",
  "писал\\(а\\)",
  "написал",
  "написала",
  "написал\\(а\\)",
  // uk
  "пише",
  "писав",
  "писала",
  "написав",
  "написала",
  "написав\\(ла\\)",
  // de: Thunderbird and Apple put the verb before the name, see VERB_BEFORE_NAME
  "schrieb",
  "geschrieben",
  // fr, es, it, pt
  "a écrit",
  "a ecrit",
  "escribió",
  "escribio",
  "ha escrito",
  "ha scritto",
  "scrisse",
  "escreveu",
  // nl: Apple Mail says "heeft Anna het volgende geschreven:"
  "schreef",
  "het volgende geschreven",
  // pl
  "napisał",
  "napisała",
  "napisał\\(a\\)",
  "pisze",
  "napisal",
  // sv, no, da
  "skrev",
  "skriver",
  // fi
  "kirjoitti",
  // vi
  "đã viết",
  "viết",
];

/**
 * Verbs that stand between the date and the name: German "Am … schrieb Anna:", Dutch
 * "Op … schreef Anna <…>:", Nordic Gmail "Den … skrev Anna <…>:".
 */
export const VERB_BEFORE_NAME = ["schrieb", "schreef", "skrev", "kirjoitti", "pisze", "napisał\\(a\\)", "napisał"];

/**
 * Words that open an attribution, used to tell an attribution written on the same line as
 * the person's words ("Ok On Wed, … wrote:") from one that starts the line.
 */
export const OPENERS = [
  "On",
  "Le",
  "El",
  "Il giorno",
  "Il",
  "In data",
  "Em",
  "No dia",
  "Às",
  "Am",
  "Op",
  "W dniu",
  "Dnia",
  "Den",
  "Vào",
  "Ngày",
  "----",
  "---",
  "\\d{1,4}[./-]\\d{1,2}[./-]\\d{1,4}",
];

/**
 * Separator lines of Outlook, Yahoo, Thunderbird's forward and their translations
 * ("-----Original Message-----", "-------- Пересылаемое сообщение --------").
 */
export const SEPARATOR_LABELS = [
  // en
  "original message",
  "forwarded message",
  "reply message",
  // ru, uk
  "исходное сообщение",
  "пересылаемое сообщение",
  "пересланное сообщение",
  "оригинальное сообщение",
  "исходное письмо",
  "початкове повідомлення",
  "оригінальне повідомлення",
  "переслане повідомлення",
  "пересилане повідомлення",
  "вихідне повідомлення",
  // de
  "ursprüngliche nachricht",
  "weitergeleitete nachricht",
  "antwort nachricht",
  "antwortnachricht",
  "original nachricht",
  "originalnachricht",
  // fr, es, it, pt
  "message d'origine",
  "message d’origine",
  "message transféré",
  "message original",
  "message initial",
  "mensaje original",
  "mensaje reenviado",
  "messaggio originale",
  "messaggio inoltrato",
  "mensagem original",
  "mensagem encaminhada",
  "mensagem reencaminhada",
  // nl, pl
  "oorspronkelijk bericht",
  "origineel bericht",
  "doorgestuurd bericht",
  "wiadomość oryginalna",
  "oryginalna wiadomość",
  "przekazana wiadomość",
  "wiadomość przekazana",
  // sv, no, da, fi
  "ursprungligt meddelande",
  "vidarebefordrat meddelande",
  "originalmeddelande",
  "opprinnelig melding",
  "videresendt melding",
  "original melding",
  "oprindelig meddelelse",
  "videresendt meddelelse",
  "original meddelelse",
  "oprindelig besked",
  "original besked",
  "videresendt besked",
  "alkuperäinen viesti",
  "välitetty viesti",
  // vi
  "thư gốc",
  "tin nhắn gốc",
  "thư chuyển tiếp",
  "thư đã chuyển tiếp",
];

/** Apple Mail's forward opener, "Begin forwarded message:", and its translations. */
export const FORWARD_OPENERS = [
  "begin forwarded message",
  "начало переадресованного сообщения",
  "начало пересылаемого сообщения",
  "anfang der weitergeleiteten nachricht",
  "début du message réexpédié",
  "début du message transféré",
  "inicio del mensaje reenviado",
  "inizio messaggio inoltrato",
  "início da mensagem reencaminhada",
  "início da mensagem encaminhada",
  "begin doorgestuurd bericht",
  "początek przekazywanej wiadomości",
  "vidarebefordrat brev",
  "videresendt e-post",
  "videresendt besked",
  "välitetty viesti alkaa",
];

/**
 * Field names of the header block Outlook, Hotmail, GMX/Web.de, Mail.ru's Outlook-style
 * forward and Yahoo put above unquoted history ("From: … Sent: … To: … Subject: …").
 */
export const HEADER_FIELDS = {
  from: [
    "from",
    "от",
    "від",
    "von",
    "de",
    "da",
    "van",
    "od",
    "från",
    "fra",
    "lähettäjä",
    "từ",
    "remitente",
    "absender",
  ],
  date: [
    "sent",
    "date",
    "отправлено",
    "дата",
    "надіслано",
    "відправлено",
    "gesendet",
    "datum",
    "envoyé",
    "enviado",
    "enviado el",
    "fecha",
    "inviato",
    "data",
    "enviada em",
    "enviado em",
    "verzonden",
    "wysłane",
    "wysłano",
    "skickat",
    "sendt",
    "dato",
    "lähetetty",
    "päivämäärä",
    "đã gửi",
    "ngày",
    "gửi",
  ],
  to: ["to", "кому", "an", "à", "a", "para", "aan", "do", "till", "til", "vastaanottaja", "đến", "tới", "destinatario"],
  cc: ["cc", "копия", "копія", "kopie", "kopia", "kopio", "kopi", "bản sao", "copie", "copia", "cópia"],
  subject: [
    "subject",
    "тема",
    "betreff",
    "objet",
    "sujet",
    "asunto",
    "oggetto",
    "assunto",
    "onderwerp",
    "temat",
    "ämne",
    "emne",
    "aihe",
    "chủ đề",
    "tiêu đề",
  ],
};

/**
 * Openings of the one-line footers mobile and web clients add ("Sent from my iPhone").
 * A line is only taken for a footer when it also names a device or an app (DEVICE_WORDS)
 * and reads like a footer, so "Sent from my desk, …" stays the person's sentence.
 */
export const FOOTER_OPENINGS = [
  "sent from",
  "sent with",
  "sent via",
  "sent using",
  "get outlook for",
  "download outlook for",
  "отправлено (?:с|со|из)",
  "отправлено через",
  "надіслано (?:з|із|зі)",
  "відправлено (?:з|із|зі)",
  "von meinem",
  "gesendet (?:von|mit|über|vom|aus)",
  "envoyé (?:de|depuis|à partir de|avec)",
  "télécharger outlook",
  "enviado (?:desde|do|de|con|com)",
  "obtener outlook",
  "obtenga outlook",
  "obter o outlook",
  "baixe o outlook",
  "inviato da",
  "inviato dal",
  "inviato con",
  "scarica outlook",
  "verzonden (?:vanaf|met|van)",
  "verstuurd (?:vanaf|met)",
  "outlook voor",
  "wysłane z",
  "wysłano z",
  "pobierz outlook",
  "skickat från",
  "hämta outlook",
  "sendt fra",
  "få outlook",
  "hent outlook",
  "lähetetty",
  "hanki outlook",
  "được gửi từ",
  "gửi từ",
  "tải outlook",
];

/** Devices and apps named in footers; a footer without one is read as the person's words. */
export const DEVICE_WORDS = [
  "iphone",
  "ipad",
  "ipod",
  "android",
  "galaxy",
  "samsung",
  "huawei",
  "xiaomi",
  "pixel",
  "blackberry",
  "nokia",
  "outlook",
  "mail",
  "yahoo",
  "gmail",
  "proton",
  "ios",
  "windows",
  "spark",
  "bluemail",
  "web\\.de",
  "gmx",
  "t-online",
  "yandex",
  "яндекс",
  "mail\\.ru",
  "rambler",
  "рамблер",
  "почт",
  "пошт",
  "телефон",
  "мобильн",
  "мобільн",
  "смартфон",
  "mobile",
  "phone",
  "smartphone",
  "handy",
  "appareil",
  "téléphone",
  "móvil",
  "movil",
  "celular",
  "telemóvel",
  "telefono",
  "cellulare",
  "telefoon",
  "mobiel",
  "telefon",
  "smarttelefon",
  "mobil",
  "puhelin",
  "iphonesta",
  "androidista",
  "điện thoại",
  "onet",
  "interia",
  "libero",
  "orange",
  "zoho",
];
