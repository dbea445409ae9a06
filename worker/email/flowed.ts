/**
 * `format=flowed` text (RFC 3676), decoded so that quote depth survives. postal-mime joins
 * a line ending in a space to the next one whatever their quote depth, so a Thunderbird
 * bottom-post ("> quoted line⎵" then the visitor's unquoted answer) came out as one quoted
 * line and the answer vanished with the quote. RFC 3676 §4.5 says lines of different depth
 * are never joined; here they are not. Inbound parsing hides the `format` parameter from
 * postal-mime (`takeFlowedParts`) and decodes the text with `decodeFlowed` instead.
 */

/** How a message's text part is flowed, or null when it is not. */
export interface FlowedParams {
  delSp: boolean;
}

/**
 * Decodes flowed text: removes space-stuffing, joins soft-broken lines of the same quote
 * depth (deleting the soft-break space when `delSp`), and writes quotes back as "> ".
 *
 * @example decodeFlowed("> Which size do \n> you need?\nM, please.", { delSp: false })
 * // "> Which size do you need?\nM, please."
 */
export function decodeFlowed(text: string, { delSp }: FlowedParams): string {
  const out: string[] = [];
  let open: { depth: number; text: string } | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const depth = /^>*/.exec(raw)![0].length;
    let body = raw.slice(depth);
    if (body.startsWith(" ")) body = body.slice(1);
    // "-- " is the signature delimiter: a line of its own, never joined either way.
    const delimiter = body === "-- ";
    const soft = body.endsWith(" ") && !delimiter;
    if (open && open.depth === depth && !delimiter) open.text += body;
    else {
      if (open) out.push(quoteLine(open));
      open = { depth, text: body };
    }
    if (soft && delSp) open.text = open.text.slice(0, -1);
    if (!soft) {
      out.push(quoteLine(open));
      open = null;
    }
  }
  if (open) out.push(quoteLine(open));
  return out.join("\n");
}

function quoteLine({ depth, text }: { depth: number; text: string }): string {
  return depth === 0 ? text : `${">".repeat(depth)} ${text}`.trimEnd();
}

const TEXT_PLAIN = /^content-type:[ \t]*text\/plain\b/gim;

/**
 * Finds the inline text/plain parts of a raw message that declare `format=flowed` and hides
 * that parameter from the MIME parser by renaming it in place ("format" → "x-flow", the same
 * byte length, so nothing else moves; the caller's bytes are copied first). Returns the bytes
 * to parse and how to decode the text afterwards.
 */
export function takeFlowedParts(bytes: Uint8Array): { bytes: Uint8Array; flowed: FlowedParams | null } {
  // windows-1252 maps every byte to one UTF-16 unit, so string offsets are byte offsets.
  const raw = new TextDecoder("latin1").decode(bytes);
  let copy: Uint8Array | null = null;
  let delSp = false;
  for (const m of raw.matchAll(TEXT_PLAIN)) {
    const end = raw.slice(m.index).search(/\r?\n\r?\n/);
    const block = raw.slice(m.index, end < 0 ? raw.length : m.index + end);
    const header = block.match(/^content-type:[^\n]*(?:\r?\n[ \t][^\n]*)*/i)![0];
    const param = /;\s*(format)\s*=\s*"?flowed"?/i.exec(header);
    if (!param || /^content-disposition:[ \t]*attachment/im.test(block)) continue;
    copy ??= bytes.slice();
    const at = m.index + param.index + param[0].indexOf(param[1]);
    copy.set(new TextEncoder().encode("x-flow"), at);
    delSp ||= /;\s*delsp\s*=\s*"?yes"?/i.test(header);
  }
  return copy ? { bytes: copy, flowed: { delSp } } : { bytes, flowed: null };
}
