/** Texts of the emails a new site's owner gets: confirm the email (open signup) or set a password. */
import type { MailContent } from "../team/mail";

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function mail(subject: string, lines: string[], link: string, button: string): MailContent {
  const body = lines.map((p) => `<p>${escapeHtml(p)}</p>`).join("");
  return {
    subject,
    text: `${lines.join("\n\n")}\n\n${link}\n`,
    html: `${body}<p><a href="${escapeHtml(link)}">${escapeHtml(button)}</a></p>`,
  };
}

/** Open signup: the chat goes live once the owner confirms this email. */
export function confirmMail(
  locale: string,
  m: { siteName: string; url: string | null; link: string; days: number },
): MailContent {
  const where = m.url ? ` (${m.url})` : "";
  if (locale === "ru") {
    return mail(
      `Подтвердите почту, чтобы включить чат «${m.siteName}»`,
      [
        `Кто-то (надеемся, вы) подключил живой чат Edgechat к сайту «${m.siteName}»${where} и указал этот адрес.`,
        `Подтвердите его — чат заработает, и вы зададите пароль для входа. Ссылка действует ${m.days} дн.`,
        "Если это были не вы, просто удалите письмо: неподтверждённый сайт будет удалён.",
      ],
      m.link,
      "Подтвердить и задать пароль",
    );
  }
  return mail(
    `Confirm your email to put ${m.siteName}'s chat live`,
    [
      `Someone (hopefully you) connected the live chat Edgechat to ${m.siteName}${where} with this email address.`,
      `Confirm it to put the chat live and to set your password. The link works for ${m.days} days.`,
      "If it was not you, ignore this email: the unconfirmed site will be deleted.",
    ],
    m.link,
    "Confirm and set a password",
  );
}

/** The site is live: the owner sets a password for the admin. */
export function welcomeMail(
  locale: string,
  m: { siteName: string; siteKey: string; link: string; days: number },
): MailContent {
  if (locale === "ru") {
    return mail(
      `Чат «${m.siteName}» готов`,
      [
        `Живой чат для «${m.siteName}» создан (ключ сайта: ${m.siteKey}).`,
        `Задайте пароль, чтобы войти в панель операторов. Ссылка действует ${m.days} дн.`,
      ],
      m.link,
      "Задать пароль",
    );
  }
  return mail(
    `Your live chat for ${m.siteName} is ready`,
    [
      `The live chat for ${m.siteName} is set up (site key: ${m.siteKey}).`,
      `Set your password to sign in to the operators' admin. The link works for ${m.days} days.`,
    ],
    m.link,
    "Set your password",
  );
}
