/**
 * Text to terms for FAQ matching: lower case, "ё" as "е", words split on anything that is
 * not a letter or digit, stop words dropped, each word stemmed by its script (Cyrillic by
 * the Russian Snowball stemmer, Latin by the English Porter stemmer, both from
 * @orama/stemmers: plain JavaScript generated from the Snowball sources, no WebAssembly
 * or eval, so it runs in workerd and costs ~9 KB). Pure.
 */
import { stemmer as stemEnglish } from "@orama/stemmers/english";
import { stemmer as stemRussian } from "@orama/stemmers/russian";

/** Words too common to tell one question from another. */
const STOP_WORDS = new Set(
  (
    "a an the and or but if of to in on at by for from with about as is are was were be been am do does did " +
    "i you we he she it they me my your our us can could would should will shall may might must have has had " +
    "what how when where which who why whom this that these those there here any some please hi hello thanks " +
    "thank there not no yes so just also get got tell know want need " +
    "и в во на с со к ко по о об от до из у за для а но или ли же бы то не ни да нет это этот эта эти тот та те " +
    "как где когда что кто какой какая какие каков сколько почему зачем можно ли мне меня мой моя мои вы вас вам ваш " +
    "ваша ваши я мы нас нам наш он она они его ее их есть быть будет был была было были все всё уже еще ещё " +
    "здравствуйте привет добрый день вечер утро пожалуйста спасибо подскажите скажите хочу хотел хотела хотим " +
    "надо нужно очень у вас"
  )
    .split(" ")
    .map((w) => w.replace(/ё/g, "е")),
);

const WORD = /[\p{L}\p{N}]+/gu;
const CYRILLIC = /[а-я]/;

/** Lower case, "ё" → "е", accents off Latin letters; the words in order. */
export function words(text: string): string[] {
  const plain = text
    .toLowerCase()
    .replace(/ё/g, "е")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "");
  return plain.match(WORD) ?? [];
}

/** The stem of one lower-case word, by its script; digits stay as they are. */
export function stem(word: string): string {
  if (/^\d+$/.test(word)) return word;
  return CYRILLIC.test(word) ? stemRussian(word) : stemEnglish(word);
}

/** The words of a text that carry meaning (no stop words, no single letters), each with its stem. */
export function keywords(text: string): { word: string; term: string }[] {
  return words(text)
    .filter((w) => !STOP_WORDS.has(w) && w.length > 1)
    .map((word) => ({ word, term: stem(word) }));
}

/** The terms a text is matched by: its words minus stop words, stemmed. */
export function terms(text: string): string[] {
  return keywords(text).map((k) => k.term);
}

/**
 * Edit distance with adjacent transposition (optimal string alignment), stopping early
 * once it must exceed `max`: enough to tell "доставко" or "delviery" from their stems.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/** How many typos a term of this length may have and still count: none below 4 letters. */
export function typoAllowance(term: string): number {
  return term.length < 4 ? 0 : term.length < 8 ? 1 : 2;
}
