/** Russian texts of the widget, in the same two parts as en.ts. */
import type { Catalogue, ChatTexts, EngageTexts, ExtrasTexts } from "./en";

export const ruChat: ChatTexts = {
  open: "Открыть чат",
  // "непрочитанных: 3" reads right for every number, with no plural forms to choose.
  openUnread: (n) => `Открыть чат, непрочитанных: ${n}`,
  close: "Закрыть чат",
  more: "Ещё",
  chat: "Чат",
  greeting: "Здравствуйте! Спросите что угодно — мы читаем всё.",
  online: "Мы на связи",
  away: "Ответим, как только сможем",
  connecting: "Подключаемся…",
  offline: "Нет связи. Сообщения уйдут, когда она появится.",
  unavailable: "Чат недоступен на этой странице.",
  messages: "Сообщения",
  you: "Вы",
  input: "Ваше сообщение",
  placeholder: "Напишите сообщение…",
  send: "Отправить",
  sending: "Отправляется…",
  sent: "Отправлено",
  read: "Прочитано",
  typing: (name) => `${name} печатает…`,
  newMessage: (name, text) => `Новое сообщение от ${name}: ${text}`,
  about: "Вопрос о товаре:",
  tooLong: (max) => `Отправлено ${max} символов, остальное ниже.`,
  failed: "Что-то пошло не так. Попробуйте ещё раз.",
};

export const ruExtras: ExtrasTexts = {
  emailAsk: "Оставьте email — ответ дойдёт, даже если вы уйдёте с сайта.",
  emailLabel: "Ваш email",
  emailSave: "Сохранить",
  emailDecline: "Не нужно",
  emailInvalid: "Введите адрес вида name@example.com.",
  emailThanks: "Спасибо! Если вы уйдёте, ответим на почту.",
  videoCall: "Видеозвонок",
  book: "Записаться на видеоконсультацию",
  bookAbout: (product: string) => `Товар: ${product}`,
  bookZone: (zone: string) => `Время по вашему часовому поясу (${zone})`,
  bookLoading: "Загружаем свободное время…",
  bookNone: "В ближайшие четыре недели свободного времени нет. Напишите нам в чат.",
  bookName: "Ваше имя (необязательно)",
  bookPick: "Выберите время",
  bookSubmit: (when: string) => `Записаться на ${when}`,
  booked: (when: string, email: string) =>
    `Вы записаны на ${when}. Подтверждение с приглашением в календарь отправлено на ${email}.`,
  bookTaken: "Это время только что заняли. Выберите другое.",
  bookGone: "Это время уже недоступно. Выберите другое.",
  bookFailed: "Не удалось записаться. Попробуйте ещё раз.",
  transcript: "Отправить переписку на почту",
  transcriptAsk: "Оставьте email — и мы отправим на него переписку.",
  transcriptSending: "Отправляем переписку…",
  transcriptSent: (email) => `Отправлено на ${email}`,
  transcriptFailed: "Не удалось отправить переписку. Попробуйте ещё раз.",
  attach: "Прикрепить файл",
  uploading: (name, percent) => `Отправляем ${name}… ${percent}%`,
  uploadFailed: (name, why) => `${name} не отправлен: ${why}`,
  uploadNetwork: "связь прервалась",
  uploadRefused: (code: string, serverMessage: string) => {
    const mb = serverMessage.match(/(\d+) MB/)?.[1];
    switch (code) {
      case "file_too_large":
        return mb ? `файл больше ${mb} МБ — это предел этого сайта` : "файл больше, чем принимает этот сайт";
      case "conversation_full":
        return "в этом разговоре больше нет места для файлов";
      case "image_too_large":
        return "изображение слишком большое";
      case "type_not_allowed":
        return "такие файлы не принимаются; можно JPEG, PNG, GIF, WebP, PDF или текст";
      case "type_mismatch":
        return "содержимое файла не совпадает с его расширением";
      case "active_content":
        return "в файле есть активное содержимое, такие файлы не принимаются";
      case "bad_image":
        return "не удалось прочитать изображение";
      case "empty_file":
        return "файл пустой";
      default:
        return "сервер не принял файл";
    }
  },
  retry: "Повторить",
  dismiss: "Закрыть",
  deleted: "Сообщение удалено",
  byEmail: (from) => `письмо с адреса ${from}`,
  offline: "чат ещё не подключён",
  rateAsk: "Как мы вам помогли?",
  rateScore: (n: number) => `${n} из 5`,
  rateUp: "Помогли",
  rateDown: "Не помогли",
  rateComment: "Комментарий (необязательно)",
  rateSend: "Отправить оценку",
  rateLater: "Не сейчас",
  rateThanks: "Спасибо за оценку!",
  ratePick: "Сначала выберите оценку.",
};

/** All the texts (see en.ts). */
export const ru: Catalogue = /* @__PURE__ */ Object.assign({}, ruChat, ruExtras);

export const ruEngage: EngageTexts = {
  reply: "Ответить",
  dismissOffer: "Закрыть",
  offerFrom: (name: string) => `Сообщение от ${name}`,
};
