/** Russian texts of the widget, in the same two parts as en.ts. */
import type { Catalogue, ChatTexts, ExtrasTexts } from "./en";

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
  transcript: "Отправить переписку на почту",
  transcriptAsk: "Оставьте email — и мы отправим на него переписку.",
  transcriptSending: "Отправляем переписку…",
  transcriptSent: (email) => `Отправлено на ${email}`,
  transcriptFailed: "Не удалось отправить переписку. Попробуйте ещё раз.",
  attach: "Прикрепить файл",
  uploading: (name, percent) => `Отправляем ${name}… ${percent}%`,
  uploadFailed: (name, why) => `${name} не отправлен: ${why}`,
  retry: "Повторить",
  dismiss: "Закрыть",
  deleted: "Сообщение удалено",
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
