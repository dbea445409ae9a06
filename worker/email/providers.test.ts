import { describe, expect, it } from "vitest";
import type { OutboundEmail } from "./mime";
import {
  cloudflareProvider,
  EmailSendError,
  MAILCHANNELS_SEND_URL,
  mailchannelsProvider,
  outboxProvider,
} from "./providers";

const msg: OutboundEmail = {
  from: { address: "support@shop.example", name: "Shop" },
  to: { address: "anna@example.com", name: "Anna" },
  replyTo: { address: "reply+abc.def@in.example.com" },
  subject: "Re: your order",
  text: "Size M is in stock.",
  html: "<p>Size M is in stock.</p>",
  messageId: "<m2@shop.example>",
  inReplyTo: "<m1@shop.example>",
  references: ["<m0@shop.example>", "<m1@shop.example>"],
  listUnsubscribe: { url: "https://chat.example/u/tok" },
  headers: { "Auto-Submitted": "auto-generated" },
};

/** A fetch that records requests and answers from a list. */
function recordingFetch(...answers: (Response | Error)[]) {
  const requests: { url: string; init: RequestInit }[] = [];
  const fetch = async (url: RequestInfo | URL, init?: RequestInit) => {
    requests.push({ url: String(url), init: init ?? {} });
    const answer = answers.shift() ?? new Response("{}", { status: 200 });
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

async function sendError(promise: Promise<unknown>): Promise<EmailSendError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EmailSendError);
  return err as EmailSendError;
}

describe("outboxProvider", () => {
  it("hands the normalised message and its MIME to the store", async () => {
    const stored: { msg: OutboundEmail; raw: string }[] = [];
    const provider = outboxProvider(async (m, raw) => {
      stored.push({ msg: m, raw });
      return "outbox-1";
    });
    expect(provider.name).toBe("outbox");
    expect(await provider.send({ ...msg, headers: {} })).toEqual({ id: "outbox-1" });
    expect(stored[0].msg.to.address).toBe("anna@example.com");
    expect(stored[0].raw).toContain("Reply-To: reply+abc.def@in.example.com\r\n");
  });

  it("refuses an unsafe message without calling the store", async () => {
    let called = false;
    const provider = outboxProvider(async () => {
      called = true;
      return "x";
    });
    const err = await sendError(provider.send({ ...msg, to: { address: "a@b.example\r\nBcc: c@d.example" } }));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/line break/);
    expect(called).toBe(false);
  });

  it("reports a failing store as retryable", async () => {
    const provider = outboxProvider(async () => {
      throw new Error("storage full");
    });
    const err = await sendError(provider.send({ ...msg, headers: {} }));
    expect(err.retryable).toBe(true);
    expect(err.message).toBe("outbox: storage full");
  });
});

describe("mailchannelsProvider", () => {
  const dkim = {
    dkimDomain: "shop.example",
    dkimSelector: "mcdkim",
    dkimPrivateKey: "-----BEGIN PRIVATE KEY-----\nMIIEv\nQIBAD==\n-----END PRIVATE KEY-----\n",
  };

  it("posts the Email API body with the API key and DKIM in the personalization", async () => {
    const { fetch, requests } = recordingFetch(
      Response.json(
        { request_id: "req-1", results: [{ index: 0, message_id: "mc-1", status: "sent" }] },
        { status: 202 },
      ),
    );
    const provider = mailchannelsProvider({ apiKey: "key-1", ...dkim, fetch });
    expect(await provider.send(msg)).toEqual({ id: "mc-1" });

    expect(requests).toHaveLength(1);
    const { url, init } = requests[0];
    expect(url).toBe(MAILCHANNELS_SEND_URL);
    expect(init.method).toBe("POST");
    const headers = new Headers(init.headers);
    expect(headers.get("x-api-key")).toBe("key-1");
    expect(headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(String(init.body))).toEqual({
      personalizations: [
        {
          to: [{ email: "anna@example.com", name: "Anna" }],
          dkim_domain: "shop.example",
          dkim_selector: "mcdkim",
          dkim_private_key: "MIIEvQIBAD==",
        },
      ],
      from: { email: "support@shop.example", name: "Shop" },
      reply_to: { email: "reply+abc.def@in.example.com" },
      subject: "Re: your order",
      content: [
        { type: "text/plain", value: "Size M is in stock." },
        { type: "text/html", value: "<p>Size M is in stock.</p>" },
      ],
      headers: {
        "In-Reply-To": "<m1@shop.example>",
        References: "<m0@shop.example> <m1@shop.example>",
        "List-Unsubscribe": "<https://chat.example/u/tok>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
      },
      transactional: true,
    });
  });

  it("sends attachments as the API's attachments (base64 content, filename, type)", async () => {
    const { fetch, requests } = recordingFetch(Response.json({ request_id: "req-3" }, { status: 202 }));
    const file = {
      filename: "invite.ics",
      contentType: "text/calendar; method=REQUEST",
      content: "QkVHSU46VkNBTEVOREFS",
    };
    await mailchannelsProvider({ apiKey: "key-1", fetch }).send({ ...msg, attachments: [file] });
    expect(JSON.parse(String(requests[0]!.init.body)).attachments).toEqual([
      { content: "QkVHSU46VkNBTEVOREFS", filename: "invite.ics", type: "text/calendar; method=REQUEST" },
    ]);
  });

  it("omits DKIM, reply_to and html when not given", async () => {
    const { fetch, requests } = recordingFetch(Response.json({ request_id: "req-2" }, { status: 202 }));
    const provider = mailchannelsProvider({ apiKey: "key-1", fetch });
    const { replyTo: _r, html: _h, ...plain } = msg;
    expect(await provider.send({ ...plain, headers: {} })).toEqual({ id: "req-2" });
    const body = JSON.parse(String(requests[0].init.body));
    expect(body.personalizations).toEqual([{ to: [{ email: "anna@example.com", name: "Anna" }] }]);
    expect(body.reply_to).toBeUndefined();
    expect(body.content).toEqual([{ type: "text/plain", value: "Size M is in stock." }]);
  });

  it("classifies errors: 5xx, 429 and network are retryable, other 4xx are not", async () => {
    const cases: [Response | Error, boolean, number | undefined][] = [
      [new Response("upstream down", { status: 502 }), true, 502],
      [new Response("oops", { status: 500 }), true, 500],
      [new Response("slow down", { status: 429 }), true, 429],
      [new TypeError("fetch failed"), true, undefined],
      [new Response('{"errors":["bad from"]}', { status: 400 }), false, 400],
      [new Response("forbidden", { status: 403 }), false, 403],
      [new Response("too large", { status: 413 }), false, 413],
    ];
    for (const [answer, retryable, status] of cases) {
      const { fetch } = recordingFetch(answer);
      const err = await sendError(mailchannelsProvider({ apiKey: "k", fetch }).send(msg));
      expect(err.retryable, err.message).toBe(retryable);
      expect(err.status).toBe(status);
      expect(err.message).toMatch(/^mailchannels: /);
    }
  });

  it("treats a failed result inside a 200 as not retryable", async () => {
    const { fetch } = recordingFetch(
      Response.json({ results: [{ index: 0, message_id: "x", status: "failed", reason: "recipient suppressed" }] }),
    );
    const err = await sendError(mailchannelsProvider({ apiKey: "k", fetch }).send(msg));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain("recipient suppressed");
  });

  it("refuses half a DKIM configuration and a missing key", () => {
    expect(() => mailchannelsProvider({ apiKey: "k", dkimDomain: "shop.example" })).toThrow(/together/);
    expect(() => mailchannelsProvider({ apiKey: "" })).toThrow(/API key/);
  });
});

describe("cloudflareProvider", () => {
  function binding(result: EmailSendResult | Error) {
    const sent: EmailMessage[] = [];
    const b = {
      async send(message: EmailMessage) {
        sent.push(message);
        if (result instanceof Error) throw result;
        return result;
      },
    };
    return { binding: b as unknown as SendEmail, sent };
  }

  it("sends an EmailMessage with the envelope addresses", async () => {
    const { binding: b, sent } = binding({ messageId: "cf-1" });
    expect(await cloudflareProvider(b).send(msg)).toEqual({ id: "cf-1" });
    expect(sent).toHaveLength(1);
    expect(sent[0].from).toBe("support@shop.example");
    expect(sent[0].to).toBe("anna@example.com");
  });

  it("writes attachments into the raw MIME (buildMime) and refuses a bad one before the binding", async () => {
    // The binding's EmailMessage keeps its raw text to itself; buildMime's tests read the parts back.
    const { binding: b, sent } = binding({ messageId: "cf-2" });
    const file = {
      filename: "invite.ics",
      contentType: "text/calendar; method=REQUEST",
      content: "QkVHSU46VkNBTEVOREFS",
    };
    expect(await cloudflareProvider(b).send({ ...msg, attachments: [file] })).toEqual({ id: "cf-2" });
    const err = await sendError(cloudflareProvider(b).send({ ...msg, attachments: [{ ...file, filename: "a\r\nb" }] }));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/attachment name/);
    expect(sent).toHaveLength(1);
  });

  it("classifies binding errors by code", async () => {
    const coded = (code: string) => Object.assign(new Error(code.toLowerCase()), { code });
    const cases: [Error, boolean][] = [
      [coded("E_RATE_LIMIT_EXCEEDED"), true],
      [coded("E_INTERNAL_SERVER_ERROR"), true],
      [coded("E_SENDER_NOT_VERIFIED"), false],
      [coded("E_RECIPIENT_SUPPRESSED"), false],
      [new Error("network connection lost"), true],
    ];
    for (const [error, retryable] of cases) {
      const err = await sendError(cloudflareProvider(binding(error).binding).send(msg));
      expect(err.retryable, err.message).toBe(retryable);
      expect(err.message).toMatch(/^cloudflare: /);
    }
  });
});
