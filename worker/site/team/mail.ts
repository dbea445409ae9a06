/** Texts of the account emails (invite, password reset) in the site's language. */
import { escapeHtml } from "../../email";

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

/** What the site's mailer accepts (see worker/site/outbox.ts). */
export interface AccountMailer {
  send(mail: {
    to: string;
    toName?: string;
    subject: string;
    text: string;
    html?: string;
    kind: string;
  }): Promise<{ id: string }>;
}

function html(paragraphs: string[], link: string, button: string): string {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("");
  return `${body}<p><a href="${escapeHtml(link)}">${escapeHtml(button)}</a></p>`;
}

/** The invite email. */
export function inviteMail(
  locale: string,
  m: { siteName: string; siteKey: string; inviter: string; role: string; link: string; signIn: string },
): MailContent {
  if (locale === "ru") {
    const lines = [
      `${m.inviter} приглашает вас в команду чата «${m.siteName}» (роль: ${m.role}).`,
      "Ссылка действует 7 дней.",
    ];
    const after = `Потом входите на ${m.signIn} с этим email и своим паролем. Если email состоит в нескольких сайтах, выберите «${m.siteName}» (ключ сайта: ${m.siteKey}).`;
    return {
      subject: `Приглашение в чат «${m.siteName}»`,
      text: `${lines.join("\n\n")}\n\n${m.link}\n\n${after}\n`,
      html: `${html(lines, m.link, "Принять приглашение")}<p>${escapeHtml(after)}</p>`,
    };
  }
  const lines = [
    `${m.inviter} invited you to answer chats for ${m.siteName} (role: ${m.role}).`,
    "The link works for 7 days.",
  ];
  const after = `Afterwards, sign in at ${m.signIn} with this email and your password. If your email is on several sites, pick ${m.siteName} (site key: ${m.siteKey}).`;
  return {
    subject: `Join ${m.siteName} on Edgechat`,
    text: `${lines.join("\n\n")}\n\n${m.link}\n\n${after}\n`,
    html: `${html(lines, m.link, "Accept the invite")}<p>${escapeHtml(after)}</p>`,
  };
}

/** The password reset email. */
export function resetMail(locale: string, m: { siteName: string; link: string }): MailContent {
  if (locale === "ru") {
    const lines = [
      `Кто-то (надеемся, вы) попросил сменить пароль в чате «${m.siteName}».`,
      "Ссылка действует час. Если это были не вы, просто удалите письмо.",
    ];
    return {
      subject: `Смена пароля: ${m.siteName}`,
      text: `${lines.join("\n\n")}\n\n${m.link}\n`,
      html: html(lines, m.link, "Задать новый пароль"),
    };
  }
  const lines = [
    `Someone (hopefully you) asked to reset your password for ${m.siteName}.`,
    "The link works for one hour. If it was not you, ignore this email.",
  ];
  return {
    subject: `Reset your ${m.siteName} password`,
    text: `${lines.join("\n\n")}\n\n${m.link}\n`,
    html: html(lines, m.link, "Set a new password"),
  };
}
