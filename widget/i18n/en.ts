/**
 * English texts of the widget, in two parts: the component's (`enChat`, on every page) and
 * the extras bundle's (`enExtras`, loaded on demand: see widget/extras). Every other
 * catalogue has exactly these keys (see `ChatTexts`, `ExtrasTexts`).
 */
export const enChat = {
  open: "Open chat",
  openUnread: (n: number) => `Open chat, ${n} unread`,
  close: "Close chat",
  more: "More",
  chat: "Chat",
  greeting: "Hi! Ask us anything — we read every message.",
  online: "We are online",
  away: "We'll answer as soon as we can",
  connecting: "Connecting…",
  offline: "You're offline. Messages will be sent when you're back.",
  unavailable: "The chat is unavailable on this page.",
  messages: "Messages",
  you: "You",
  input: "Your message",
  placeholder: "Write a message…",
  send: "Send",
  sending: "Sending…",
  sent: "Sent",
  read: "Read",
  typing: (name: string) => `${name} is typing…`,
  newMessage: (name: string, text: string) => `New message from ${name}: ${text}`,
  about: "About:",
  tooLong: (max: number) => `Sent ${max} characters; the rest is below.`,
  failed: "Something went wrong. Please try again.",
};

export const enExtras = {
  emailAsk: "Leave your email so our answer reaches you even if you leave.",
  emailLabel: "Your email",
  emailSave: "Save",
  emailDecline: "No thanks",
  emailInvalid: "Enter an email like name@example.com.",
  emailThanks: "Thanks! We'll answer by email if you've left.",
  videoCall: "Video call",
  book: "Book a video consultation",
  bookAbout: (product: string) => `About: ${product}`,
  bookZone: (zone: string) => `Times in your time zone (${zone})`,
  bookLoading: "Loading free times…",
  bookNone: "No free times in the next four weeks. Write to us in the chat.",
  bookName: "Your name (optional)",
  bookPick: "Pick a time",
  bookSubmit: (when: string) => `Book ${when}`,
  booked: (when: string, email: string) =>
    `Booked for ${when}. The confirmation with a calendar invitation is on its way to ${email}.`,
  bookTaken: "Someone has just booked that time. Please pick another.",
  bookGone: "That time is no longer available. Please pick another.",
  bookFailed: "We couldn't book it. Please try again.",
  transcript: "Email me this conversation",
  transcriptAsk: "Leave your email, and we'll send the conversation to it.",
  transcriptSending: "Sending the conversation…",
  transcriptSent: (email: string) => `Sent to ${email}`,
  transcriptFailed: "We couldn't send the conversation. Please try again.",
  attach: "Attach a file",
  uploading: (name: string, percent: number) => `Sending ${name}… ${percent}%`,
  uploadFailed: (name: string, why: string) => `${name} was not sent: ${why}`,
  uploadNetwork: "the connection was lost",
  /** Why the server refused a file: its own English words, which name the site's limits. */
  uploadRefused: (_code: string, serverMessage: string) => serverMessage,
  retry: "Retry",
  dismiss: "Dismiss",
  deleted: "Message deleted",
  byEmail: (from: string) => `from ${from} by email`,
  offline: "the chat is not connected yet",
  rateAsk: "How did we do?",
  rateScore: (n: number) => `${n} of 5`,
  rateUp: "Helpful",
  rateDown: "Not helpful",
  rateComment: "Comment (optional)",
  rateSend: "Send rating",
  rateLater: "Not now",
  rateThanks: "Thank you for your rating!",
  ratePick: "Choose a rating first.",
};

/** All the texts. A pure call, so a bundle that uses one part does not carry the other. */
export const en = /* @__PURE__ */ Object.assign({}, enChat, enExtras);

export type ChatTexts = typeof enChat;
export type ExtrasTexts = typeof enExtras;
export type Catalogue = typeof en;

/** The engage bundle's texts (a message or greeting beside the launcher). */
export const enEngage = {
  reply: "Reply",
  dismissOffer: "Dismiss",
  offerFrom: (name: string) => `Message from ${name}`,
};
export type EngageTexts = typeof enEngage;
