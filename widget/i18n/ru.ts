/** Russian texts of the widget. */
import type { Catalogue } from "./en";

export const ru: Catalogue = {
  open: "Открыть чат",
  // "непрочитанных: 3" reads right for every number, with no plural forms to choose.
  openUnread: (n) => `Открыть чат, непрочитанных: ${n}`,
  close: "Закрыть чат",
  chat: "Чат",
  greeting: "Здравствуйте! Задайте любой вопрос — мы читаем каждое сообщение.",
  online: "Мы на связи",
  away: "Ответим, как только сможем",
  connecting: "Подключаемся…",
  offline: "Нет связи. Сообщения отправятся, когда она вернётся.",
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
  emailAsk: "Оставьте email — ответ дойдёт, даже если вы уйдёте с сайта.",
  emailLabel: "Ваш email",
  emailSave: "Сохранить",
  emailInvalid: "Введите адрес вида name@example.com.",
  emailThanks: "Спасибо! Если вы уйдёте, ответим на почту.",
  about: "Вопрос о товаре:",
  tooLong: (max) => `Сообщение может быть не длиннее ${max} символов.`,
};
