// Translation files of the WordPress plugin without gettext or wp-cli: extract strings into a
// .pot, read and merge .po files, compile .mo (GNU format) and the JSON the block editor reads.
import { createHash } from 'node:crypto';

const SIMPLE = ['__', '_e', 'esc_html__', 'esc_html_e', 'esc_attr__', 'esc_attr_e'];
const WITH_CONTEXT = ['_x', '_ex', 'esc_html_x', 'esc_attr_x'];
const QUOTED = String.raw`'((?:[^'\\]|\\.)*)'`;

/** Key of an entry in a catalogue: the context and the msgid joined as in .mo files. */
export const keyOf = (entry) => (entry.context ? `${entry.context}\u0004${entry.id}` : entry.id);

const unquotePhp = (text) => text.replace(/\\(['\\])/g, '$1');

/**
 * Gettext calls in PHP or JS source with the given text domain.
 * Example: extractCalls("__( 'Hi', 'edgechat' )", 'a.php', 'edgechat') → [{ id: 'Hi', refs: ['a.php'] }]
 */
export function extractCalls(source, file, domain) {
  const entries = [];
  const calls = [
    { names: SIMPLE, args: `${QUOTED}\\s*,\\s*'${domain}'`, context: false },
    { names: WITH_CONTEXT, args: `${QUOTED}\\s*,\\s*${QUOTED}\\s*,\\s*'${domain}'`, context: true },
  ];
  for (const { names, args, context } of calls) {
    const pattern = new RegExp(`(?<![\\w$>:])(?:${names.join('|')})\\(\\s*${args}\\s*\\)`, 'g');
    for (const match of source.matchAll(pattern)) {
      entries.push({
        at: match.index,
        id: unquotePhp(match[1]),
        context: context ? unquotePhp(match[2]) : undefined,
        comments: translatorComment(source, match.index),
        refs: [file],
      });
    }
  }
  if (/(?<![\w$>:])_n(?:x|_noop)?\(/.test(source)) throw new Error(`${file}: plural forms are not supported by this extractor`);
  return entries.sort((a, b) => a.at - b.at).map(({ at, ...entry }) => entry);
}

/** A "translators:" comment on the line before a call (or earlier on its own line). */
function translatorComment(source, index) {
  const lineStart = source.lastIndexOf('\n', index - 1) + 1;
  const previousStart = source.lastIndexOf('\n', lineStart - 2) + 1;
  const before = source.slice(previousStart, index);
  const match = before.match(/\/\*\s*(translators:[\s\S]*?)\s*\*\/(?![\s\S]*\/\*)/);
  return match ? [match[1].replace(/\s+/g, ' ')] : [];
}

/** Strings of a block.json, with the contexts WordPress translates them with. */
export function extractBlockJson(json, file) {
  const block = JSON.parse(json);
  const entries = [];
  if (block.title) entries.push({ id: block.title, context: 'block title', comments: [], refs: [file] });
  if (block.description) entries.push({ id: block.description, context: 'block description', comments: [], refs: [file] });
  for (const keyword of block.keywords ?? []) entries.push({ id: keyword, context: 'block keyword', comments: [], refs: [file] });
  return entries;
}

/** Translatable plugin headers (Plugin Name, Description, Author). */
export function extractHeaders(source, file) {
  const entries = [];
  for (const header of ['Plugin Name', 'Description', 'Author']) {
    const match = source.match(new RegExp(`^\\s*\\*\\s*${header}:\\s*(.+)$`, 'm'));
    if (match) entries.push({ id: match[1].trim(), comments: [`${header} of the plugin`], refs: [file] });
  }
  return entries;
}

/** One entry per key, references and comments merged, in order of first appearance. */
export function mergeEntries(lists) {
  const byKey = new Map();
  for (const entry of lists.flat()) {
    const seen = byKey.get(keyOf(entry));
    if (!seen) {
      byKey.set(keyOf(entry), { ...entry, comments: [...entry.comments], refs: [...entry.refs] });
      continue;
    }
    for (const ref of entry.refs) if (!seen.refs.includes(ref)) seen.refs.push(ref);
    for (const comment of entry.comments) if (!seen.comments.includes(comment)) seen.comments.push(comment);
  }
  return [...byKey.values()];
}

const escapePo = (text) => text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t');

/** A catalogue as .po/.pot text. header: msgstr of the "" entry; entries with optional str. */
export function formatPo(header, entries) {
  const quote = (text) => `"${escapePo(text)}"`;
  const blocks = [`msgid ""\nmsgstr ""\n${header.split(/(?<=\n)/).map(quote).join('\n')}`];
  for (const entry of entries) {
    const lines = [
      ...entry.comments.map((comment) => `#. ${comment}`),
      ...(entry.refs.length ? [`#: ${entry.refs.join(' ')}`] : []),
      ...(entry.context !== undefined ? [`msgctxt ${quote(entry.context)}`] : []),
      `msgid ${quote(entry.id)}`,
      `msgstr ${quote(entry.str ?? '')}`,
    ];
    blocks.push(lines.join('\n'));
  }
  return `${blocks.join('\n\n')}\n`;
}

/** Parses .po text (no plural forms) into { header, entries }. */
export function parsePo(text) {
  const entries = [];
  let entry = null;
  let field = null;
  const unescape = (s) => s.replace(/\\(.)/g, (_, c) => ({ n: '\n', t: '\t' })[c] ?? c);
  const flush = () => {
    if (entry && entry.id !== undefined) entries.push(entry);
    entry = null;
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') { flush(); continue; }
    entry ??= { comments: [], refs: [] };
    let match;
    if ((match = line.match(/^#\. (.*)$/))) entry.comments.push(match[1]);
    else if ((match = line.match(/^#: (.*)$/))) entry.refs.push(...match[1].split(' '));
    else if (line.startsWith('#')) continue;
    else if ((match = line.match(/^(msgctxt|msgid|msgstr) "(.*)"$/))) {
      field = { msgctxt: 'context', msgid: 'id', msgstr: 'str' }[match[1]];
      if (field === 'id' && entry.id !== undefined) throw new Error(`unexpected msgid: ${line}`);
      entry[field] = unescape(match[2]);
    } else if ((match = line.match(/^"(.*)"$/)) && field) entry[field] += unescape(match[1]);
    else throw new Error(`unsupported .po line: ${line}`);
  }
  flush();
  const headerEntry = entries.find((e) => e.id === '' && e.context === undefined);
  return { header: headerEntry ? headerEntry.str : '', entries: entries.filter((e) => e !== headerEntry) };
}

/** The .po entries of a template, with the translations of an existing .po kept. */
export function mergeTranslations(template, existing) {
  const translated = new Map(existing.map((e) => [keyOf(e), e.str]));
  return template.map((entry) => ({ ...entry, str: translated.get(keyOf(entry)) ?? '' }));
}

/** Compiles a catalogue into a GNU .mo file (little endian, no hash table). */
export function compileMo(header, entries) {
  const pairs = [['', header], ...entries.filter((e) => e.str).map((e) => [keyOf(e), e.str])]
    .map(([k, v]) => [Buffer.from(k, 'utf8'), Buffer.from(v, 'utf8')])
    .sort((a, b) => Buffer.compare(a[0], b[0]));
  const count = pairs.length;
  const tables = 28 + 16 * count;
  const head = Buffer.alloc(tables);
  head.writeUInt32LE(0x950412de, 0);
  head.writeUInt32LE(0, 4);
  head.writeUInt32LE(count, 8);
  head.writeUInt32LE(28, 12);
  head.writeUInt32LE(28 + 8 * count, 16);
  head.writeUInt32LE(0, 20);
  head.writeUInt32LE(tables, 24);
  const strings = [];
  let offset = tables;
  for (const [column, base] of [[0, 28], [1, 28 + 8 * count]]) {
    pairs.forEach((pair, i) => {
      head.writeUInt32LE(pair[column].length, base + 8 * i);
      head.writeUInt32LE(offset, base + 8 * i + 4);
      strings.push(pair[column], Buffer.from([0]));
      offset += pair[column].length + 1;
    });
  }
  return Buffer.concat([head, ...strings]);
}

/** Jed 1.x JSON for wp_set_script_translations(): the entries used by one script. */
export function scriptJson(header, entries, scriptPath) {
  const headerField = (name) => header.match(new RegExp(`^${name}: (.*)$`, 'm'))?.[1] ?? '';
  const messages = { '': { domain: 'messages', lang: headerField('Language'), 'plural-forms': headerField('Plural-Forms') } };
  for (const entry of entries) if (entry.str && entry.refs.includes(scriptPath)) messages[keyOf(entry)] = [entry.str];
  return `${JSON.stringify({ domain: 'messages', locale_data: { messages } }, null, '\t')}\n`;
}

/** md5 of a path, as WordPress names script translation files. */
export const md5 = (text) => createHash('md5').update(text).digest('hex');
