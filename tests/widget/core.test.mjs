// The widget's protocol core (web/widget/net-widget-core.js), with Node's own test runner:
//   node --test tests/widget/        (make test-widget; part of make check)
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import vm from "node:vm";

import * as core from "../../web/widget/net-widget-core.js";

const TEXTS_FILE = new URL("../../web/widget/net-widget-texts.js", import.meta.url);

/** A Web Storage in memory; `refuse` makes every write throw (private mode, quota). */
class MemoryStorage {
  constructor(refuse = false) { this.items = new Map(); this.refuse = refuse; }
  getItem(key) { return this.items.has(key) ? this.items.get(key) : null; }
  setItem(key, value) { if (this.refuse) throw new Error("QuotaExceededError"); this.items.set(key, String(value)); }
  removeItem(key) { this.items.delete(key); }
}

const S = core.STRINGS.en;

function answer(fields) {
  return { id: 1, from: "bot", paragraphs: ["PRRT is a treatment."], quickReplies: [], ...fields };
}

describe("configuration", () => {
  test("defaults, with the English interface texts", () => {
    const config = core.readConfig({});
    assert.equal(config.serverUrl, "http://localhost:5005");
    assert.equal(config.transport, "socketio");
    assert.equal(config.open, false);
    assert.equal(config.strings, core.STRINGS.en);
  });

  test("data-* attributes win over NetWidgetConfig; booleans and the server address are normalised", () => {
    const config = core.readConfig({
      globalConfig: { serverUrl: "https://a.example", title: "Global", open: "false" },
      dataset: { serverUrl: "https://b.example///", open: "" },
    });
    assert.equal(config.serverUrl, "https://b.example");
    assert.equal(config.title, "Global");
    assert.equal(config.open, true); // a bare data-open attribute
  });

  test("?netw-… parameters count only when the page allows them", () => {
    const search = "?netw-server-url=http://evil.example&netw-title=Other&unrelated=1";
    assert.equal(core.readConfig({ search }).serverUrl, "http://localhost:5005");
    const allowed = core.readConfig({ dataset: { allowQueryOverrides: "true" }, search });
    assert.equal(allowed.serverUrl, "http://evil.example");
    assert.equal(allowed.title, "Other");
    assert.equal(allowed.unrelated, undefined);
  });

  test("a language without interface texts falls back to English, with a warning", () => {
    const warnings = [];
    const config = core.readConfig({ dataset: { lang: "de" } }, (text) => warnings.push(text));
    assert.equal(config.lang, "de");
    assert.equal(config.strings, core.STRINGS.en);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /language de/);
  });

  test("camelCase and asBoolean", () => {
    assert.equal(core.camelCase("server-url"), "serverUrl");
    assert.equal(core.camelCase("allow-query-overrides"), "allowQueryOverrides");
    for (const yes of [true, "true", "", "1"]) assert.equal(core.asBoolean(yes), true);
    for (const no of [false, "false", "0", "yes", undefined, null]) assert.equal(core.asBoolean(no), false);
  });
});

describe("the disclaimer (the assistant's words, from net-widget-texts.js)", () => {
  function generatedTexts() {
    const window = {};
    vm.runInNewContext(readFileSync(TEXTS_FILE, "utf8"), { window });
    return window.NetWidgetTexts;
  }

  test("the generated file gives the English disclaimer, for any language without its own", () => {
    const all = generatedTexts();
    const texts = core.assistantTexts(all, "en");
    assert.match(texts.disclaimer, /^Welcome\./);
    assert.match(texts.disclaimer, /emergency/);
    assert.equal(core.assistantTexts(all, "fr"), texts);
  });

  test("a language's own texts win; without a disclaimer there are no texts (the widget does not start)", () => {
    const all = { en: { disclaimer: "English." }, fr: { disclaimer: "Français." } };
    assert.equal(core.assistantTexts(all, "fr").disclaimer, "Français.");
    assert.equal(core.assistantTexts(undefined, "en"), null);
    assert.equal(core.assistantTexts({ en: {} }, "en"), null);
    assert.equal(core.assistantTexts({ en: { disclaimer: 42 } }, "en"), null);
  });

  test("the summary starts with the title and the disclaimer, then the answers", () => {
    const messages = [
      { id: 1, from: "user", text: "what is prrt?" },
      answer({ id: 2, kind: "answer", paragraphs: ["PRRT is …", "It is given …"], citation: "Source: NET Patient Foundation" }),
    ];
    assert.equal(core.summaryText("NET information", "Disclaimer.", messages),
      "NET information\n\nDisclaimer.\n\nPRRT is …\n\nIt is given …\n\nSource: NET Patient Foundation\n");
    assert.equal(core.summaryText("T", "D.", []), "T\n\nD.\n");
  });
});

describe("colours (WCAG AA)", () => {
  test("hex colours, short and long", () => {
    assert.deepEqual(core.parseHexColor("#005a70"), [0, 90, 112]);
    assert.deepEqual(core.parseHexColor("fa0"), [255, 170, 0]);
    assert.equal(core.parseHexColor("red"), null);
    assert.equal(core.parseHexColor("#12345"), null);
  });

  test("contrast ratios as WCAG defines them", () => {
    assert.equal(Math.round(core.contrastRatio([0, 0, 0], [255, 255, 255])), 21);
    assert.equal(core.contrastRatio([0, 90, 112], [0, 90, 112]), 1);
    assert.ok(core.contrastRatio([0, 90, 112], [255, 255, 255]) > 7.5); // the default: 7.8:1
  });

  test("text on the primary colour is white on dark colours, near-black on light ones", () => {
    assert.equal(core.textColorOn([0, 90, 112]), "#ffffff");
    assert.equal(core.textColorOn([255, 221, 0]), "#1b1f23");
  });

  test("an accent too light for text on white is refused for the default, with a warning", () => {
    const warnings = [];
    const light = core.colorProperties({ primaryColor: "#ffdd00", accentColor: "#ffdd00" }, (w) => warnings.push(w));
    assert.deepEqual(light, {
      "--netw-primary": "rgb(255, 221, 0)", "--netw-on-primary": "#1b1f23", "--netw-accent": "rgb(0, 90, 112)",
    });
    assert.equal(warnings.length, 1);
    const defaults = core.colorProperties({ primaryColor: "nonsense", accentColor: core.DEFAULTS.accentColor }, (w) => warnings.push(w));
    assert.equal(defaults["--netw-primary"], "rgb(0, 90, 112)");
    assert.equal(warnings.length, 1); // the default accent is never warned about
  });
});

describe("session id and history in storage", () => {
  test("Socket.IO: no stored id means null (the server issues one) and nothing is written", () => {
    const storage = new MemoryStorage();
    const store = new core.Store(storage, "http://localhost:5005");
    assert.equal(store.sessionId(false), null);
    assert.equal(storage.items.size, 0);
    store.setSessionId("signed.id");
    assert.equal(store.sessionId(false), "signed.id");
    assert.equal(storage.getItem("netWidget:session:http://localhost:5005"), '"signed.id"');
  });

  test("REST: a new random id of our own, kept, and the same on the next call", () => {
    const storage = new MemoryStorage();
    const store = new core.Store(storage, "http://localhost:5005");
    const id = store.sessionId(true);
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.equal(store.sessionId(true), id);
    assert.equal(new core.Store(storage, "http://localhost:5005").sessionId(false), id); // a reload
    assert.notEqual(new core.Store(new MemoryStorage(), "x").sessionId(true), id);
  });

  test("one session per Rasa server", () => {
    const storage = new MemoryStorage();
    new core.Store(storage, "https://a.example").setSessionId("a");
    assert.equal(new core.Store(storage, "https://b.example").sessionId(false), null);
    assert.equal(new core.Store(storage, "https://a.example").sessionId(false), "a");
  });

  test("a stored id that is not a non-empty string is not used", () => {
    for (const stored of ["42", '""', "null", "{not json"]) {
      const storage = new MemoryStorage();
      storage.setItem("netWidget:session:s", stored);
      const store = new core.Store(storage, "s");
      assert.equal(store.sessionId(false), null, stored);
      assert.match(store.sessionId(true), /^[0-9a-f]{32}$/, stored);
    }
  });

  test("history: only well-formed messages come back, at most the last 200 are kept", () => {
    const storage = new MemoryStorage();
    const store = new core.Store(storage, "s");
    storage.setItem(store.historyKey("abc"), JSON.stringify([
      { id: 1, from: "user", text: "hello" },
      { id: 2, from: "bot", paragraphs: ["hi"] },
      { id: 3, from: "bot", paragraphs: [1] },
      { id: 4, from: "user", text: null },
      { id: 5, from: "server", text: "x" },
      null,
    ]));
    assert.deepEqual(store.history("abc").map((m) => m.id), [1, 2]);
    assert.deepEqual(store.history("other"), []);
    const many = Array.from({ length: 250 }, (_, i) => ({ id: i + 1, from: "user", text: String(i) }));
    store.saveHistory("abc", many);
    const kept = store.history("abc");
    assert.equal(kept.length, core.HISTORY_LIMIT);
    assert.equal(kept[0].id, 51);
    assert.equal(store.historyKey("abc"), "netWidget:history:abc");
  });

  test("without storage (private mode) the widget works and keeps nothing", () => {
    assert.equal(core.openStorage("local", { localStorage: new MemoryStorage(true) }), null);
    assert.equal(core.openStorage("local", {}), null);
    const session = new MemoryStorage();
    assert.equal(core.openStorage("session", { sessionStorage: session, localStorage: new MemoryStorage() }), session);
    assert.equal(session.items.size, 0); // the probe is removed
    const store = new core.Store(null, "s");
    assert.equal(store.sessionId(false), null);
    assert.match(store.sessionId(true), /^[0-9a-f]{32}$/);
    store.setOpen(true);
    assert.equal(store.isOpen(), false);
  });

  test("the open state is kept", () => {
    const store = new core.Store(new MemoryStorage(), "s");
    assert.equal(store.isOpen(), false);
    store.setOpen(true);
    assert.equal(store.isOpen(), true);
  });

  test("what is kept of a message, and the next id after a reload", () => {
    const user = { id: 3, from: "user", text: "hi", extra: "dropped" };
    const bot = { id: 7, from: "bot", paragraphs: ["a"], quickReplies: undefined };
    assert.deepEqual(core.storedMessages([user, bot]), [
      { id: 3, from: "user", text: "hi" },
      { id: 7, from: "bot", paragraphs: ["a"], kind: null, citation: null, organisations: null, quickReplies: [], feedback: null },
    ]);
    assert.equal(core.nextMessageId([user, bot]), 8);
    assert.equal(core.nextMessageId([]), 1);
  });
});

describe("links", () => {
  test("only absolute http(s) addresses", () => {
    assert.equal(core.safeHttpUrl("https://example.org/a"), "https://example.org/a");
    assert.equal(core.safeHttpUrl("HTTP://Example.org"), "http://example.org/");
    for (const bad of ["javascript:alert(1)", "data:text/html,x", "/relative", "www.example.org", "", null]) {
      assert.equal(core.safeHttpUrl(bad), null, String(bad));
    }
  });

  test("web addresses in a text become links, trailing punctuation stays text", () => {
    assert.deepEqual(core.linkSegments("See https://netpatient.org/prrt. Or www.example.org!"), [
      { text: "See " },
      { href: "https://netpatient.org/prrt", label: "https://netpatient.org/prrt" },
      { text: ". Or " },
      { href: "https://www.example.org/", label: "www.example.org" },
      { text: "!" },
    ]);
    assert.deepEqual(core.linkSegments("no links here"), [{ text: "no links here" }]);
  });

  test("markup around an address is never part of a link", () => {
    const segments = core.linkSegments('<a href="https://x.example">x</a>');
    assert.deepEqual(segments.filter((s) => s.href).map((s) => s.href), ["https://x.example/"]);
    assert.equal(segments.map((s) => s.text ?? s.label).join(""), '<a href="https://x.example">x</a>');
  });
});

describe("parsing the server's messages", () => {
  test("metadata: custom, or data.custom (Rasa's REST channel)", () => {
    assert.deepEqual(core.normaliseBotMessage({ custom: { kind: "answer" } }), [{ custom: { kind: "answer" } }]);
    assert.deepEqual(core.normaliseBotMessage({ data: { custom: { kind: "support" } }, text: "ignored" }),
      [{ custom: { kind: "support" } }]);
  });

  test("a text with its quick replies (quick_replies or buttons); the payload defaults to the title", () => {
    assert.deepEqual(core.normaliseBotMessage({
      text: "What next?",
      quick_replies: [{ title: "Side effects", payload: "/ask_followup" }, { title: "Just a title" }, { payload: "/no_title" }, null],
    }), [{ text: "What next?", quickReplies: [
      { title: "Side effects", payload: "/ask_followup" }, { title: "Just a title", payload: "Just a title" },
    ] }]);
    assert.deepEqual(core.normaliseBotMessage({ text: "x", buttons: [{ title: "B", payload: "/b" }] })[0].quickReplies,
      [{ title: "B", payload: "/b" }]);
    assert.deepEqual(core.normaliseBotMessage({ text: "x", buttons: "not a list" })[0].quickReplies, []);
  });

  test("a link button opens its page and is never sent as a message; unsafe links are plain replies", () => {
    const [part] = core.normaliseBotMessage({ text: "Groups:", buttons: [
      { title: "NET Patient Foundation", payload: "https://www.netpatientfoundation.org" },
      { title: "Site", url: "https://example.org/x", payload: "/ignored" },
      { title: "Evil", payload: "javascript:alert(1)" },
    ] });
    assert.deepEqual(part.quickReplies, [
      { title: "NET Patient Foundation", url: "https://www.netpatientfoundation.org/" },
      { title: "Site", url: "https://example.org/x" },
      { title: "Evil", payload: "javascript:alert(1)" },
    ]);
  });

  test("nothing to show: no text, an empty text, not an object", () => {
    for (const message of [null, "text", 3, {}, { text: "  \n" }, { text: 5 }]) {
      assert.deepEqual(core.normaliseBotMessage(message), [], JSON.stringify(message));
    }
  });

  test("REST: a text with blank lines becomes the socket channel's messages, buttons on the last", () => {
    const buttons = [{ title: "More", payload: "/more" }];
    assert.deepEqual(core.splitRestMessage({ text: "One.\n\nTwo.\n\nThree.\n", buttons }), [
      { text: "One.", buttons: null }, { text: "Two.", buttons: null }, { text: "Three.", buttons },
    ]);
    const single = { text: "One.\nStill one.", buttons };
    assert.deepEqual(core.splitRestMessage(single), [single]);
    const custom = { custom: { kind: "answer" } };
    assert.deepEqual(core.splitRestMessage(custom), [custom]);
  });

  test("what a stored feedback row and an organisation must look like", () => {
    assert.equal(core.isFeedback({ question: "Helpful?", replies: [{ title: "Yes", payload: "/feedback_helpful" }] }), true);
    assert.equal(core.isFeedback({ thanks: ["Thank you."] }), true);
    assert.equal(core.isFeedback({ thanks: [1] }), false);
    assert.equal(core.isFeedback({ question: "Helpful?", replies: [{ title: "Yes" }] }), false);
    assert.equal(core.isFeedback(null), false);
    assert.ok(core.isOrganisation({ name: "NPF", website: "https://npf.example" }));
    assert.ok(!core.isOrganisation({ name: "NPF", website: "javascript:alert(1)" }));
    assert.ok(!core.isOrganisation({ website: "https://npf.example" }));
  });
});

describe("an answer's metadata", () => {
  test("the paragraph repeating the citation becomes the citation; the kind is set", () => {
    const message = answer({ paragraphs: ["PRRT is …", "It is given …", " Source: Ipsen "] });
    const changes = core.applyMetadata(message, { kind: "answer", citation: "Source: Ipsen" });
    assert.deepEqual(changes, { removedParagraph: 2, quickRepliesChanged: false, feedbackAdded: false });
    assert.deepEqual(message.paragraphs, ["PRRT is …", "It is given …"]);
    assert.equal(message.citation, "Source: Ipsen");
    assert.equal(message.kind, "answer");
  });

  test("the first paragraph is never taken away, and a citation not in the text is still shown", () => {
    const first = answer({ paragraphs: ["Source: Ipsen"] });
    assert.equal(core.applyMetadata(first, { citation: "Source: Ipsen" }).removedParagraph, -1);
    assert.deepEqual(first.paragraphs, ["Source: Ipsen"]);
    assert.equal(first.kind, null); // no kind given
    const elsewhere = answer({});
    core.applyMetadata(elsewhere, { kind: "answer", citation: "Sources: A; B" });
    assert.equal(elsewhere.citation, "Sources: A; B");
  });

  test("organisations: bad links are dropped, and their links leave the quick replies", () => {
    const message = answer({ quickReplies: [
      { title: "NPF", url: "https://npf.example/" }, { title: "Other", url: "https://other.example/" },
      { title: "Ask again", payload: "/ask" },
    ] });
    const changes = core.applyMetadata(message, { kind: "support", organisations: [
      { name: "NPF", website: "https://npf.example" }, { name: "Bad", website: "javascript:x" },
    ] });
    assert.equal(changes.quickRepliesChanged, true);
    assert.deepEqual(message.organisations, [{ name: "NPF", website: "https://npf.example" }]);
    assert.deepEqual(message.quickReplies.map((r) => r.title), ["Other", "Ask again"]);
  });

  test("organisations whose links are not quick replies change no buttons", () => {
    const message = answer({ quickReplies: [{ title: "Ask again", payload: "/ask" }] });
    const changes = core.applyMetadata(message, { organisations: [{ name: "NPF", website: "https://npf.example" }] });
    assert.equal(changes.quickRepliesChanged, false);
    assert.equal(message.quickReplies.length, 1);
  });
});

describe("the feedback row", () => {
  const offer = { question: "Was this answer helpful?", payloads: ["/feedback_helpful", "/feedback_not_helpful"] };
  const helpful = { title: "Helpful", payload: "/feedback_helpful" };
  const notHelpful = { title: "Not helpful", payload: "/feedback_not_helpful" };
  const suggestion = { title: "How is it given?", payload: '/ask_followup{"aspect": "how_given"}' };

  test("the rating buttons leave the suggested replies for the row", () => {
    const message = answer({ quickReplies: [suggestion, helpful, notHelpful] });
    const changes = core.applyMetadata(message, { kind: "answer", feedback: offer });
    assert.deepEqual(changes, { removedParagraph: -1, quickRepliesChanged: true, feedbackAdded: true });
    assert.deepEqual(message.quickReplies, [suggestion]);
    assert.deepEqual(message.feedback, { question: offer.question, replies: [helpful, notHelpful], thanks: null });
    assert.ok(core.isFeedback(message.feedback));
  });

  test("no row without a valid offer, or when no button is a rating", () => {
    for (const bad of [undefined, { payloads: offer.payloads }, { question: "Q?", payloads: "/feedback_helpful" }]) {
      const message = answer({ quickReplies: [suggestion, helpful] });
      assert.equal(core.takeFeedbackButtons(message, bad), false);
      assert.deepEqual(message.quickReplies, [suggestion, helpful]);
      assert.equal(message.feedback, undefined);
    }
    const message = answer({ quickReplies: [suggestion] });
    assert.equal(core.takeFeedbackButtons(message, offer), false);
    assert.equal(message.feedback, undefined);
  });

  test("a link button is never a rating", () => {
    const message = answer({ quickReplies: [{ title: "Helpful", url: "https://x.example/" }] });
    assert.equal(core.takeFeedbackButtons(message, offer), false);
  });

  test("after a rating: texts wait for their metadata, the reply of kind feedback is the thanks", () => {
    const pending = { message: answer({}), parts: [] };
    assert.deepEqual(core.afterFeedback(pending, { text: "Thank you.", quickReplies: [] }), { wait: true });
    assert.deepEqual(core.afterFeedback(pending, { text: "Tell us more.", quickReplies: [] }), { wait: true });
    assert.deepEqual(core.afterFeedback(pending, { custom: { kind: "feedback" } }), { thanks: ["Thank you.", "Tell us more."] });
    assert.deepEqual(pending.parts, []);
  });

  test("after a rating: anything else the turn brings is shown as usual", () => {
    const pending = { message: answer({}), parts: [] };
    const call = { text: "Call your emergency number.", quickReplies: [] };
    core.afterFeedback(pending, call);
    const custom = { kind: "emergency" };
    assert.deepEqual(core.afterFeedback(pending, { custom }), { show: [call], custom });
    // metadata with no text before it is no thanks either
    assert.deepEqual(core.afterFeedback(pending, { custom: { kind: "feedback" } }), { show: [], custom: { kind: "feedback" } });
  });

  test("the thanks replaces the buttons, and survives carrying on; unused rows go", () => {
    const rated = answer({ id: 1, feedback: { question: "Q?", replies: [helpful], thanks: null } });
    const unrated = answer({ id: 2, feedback: { question: "Q?", replies: [helpful], thanks: null } });
    core.giveThanks(rated, ["Thank you."]);
    assert.deepEqual(rated.feedback.thanks, ["Thank you."]);
    assert.deepEqual(core.retireFeedback([rated, unrated]), [unrated]);
    assert.equal(unrated.feedback, null);
    assert.deepEqual(rated.feedback.thanks, ["Thank you."]);
    const restored = answer({ feedback: null });
    core.giveThanks(restored, ["Thanks."]);
    assert.deepEqual(restored.feedback, { question: "", replies: [], thanks: ["Thanks."] });
  });

  test("quick replies are used up when the person answers", () => {
    const a = answer({ id: 1, quickReplies: [suggestion] });
    const b = answer({ id: 2, quickReplies: [] });
    const user = { id: 3, from: "user", text: "x" };
    assert.deepEqual(core.retireQuickReplies([a, b, user]), [a]);
    assert.deepEqual(a.quickReplies, []);
  });
});

describe("what is shown under an answer", () => {
  test("the citation line: Source or Sources, and the rest of the server's text", () => {
    assert.deepEqual(core.citationLine("Source: Ipsen, “PRRT”", S), { label: "Source", text: ": Ipsen, “PRRT”" });
    assert.deepEqual(core.citationLine("sources : A; B", S), { label: "Sources", text: ": A; B" });
    assert.deepEqual(core.citationLine("Ipsen", S), { label: "Source", text: ": Ipsen" });
  });

  test("an organisation's link text", () => {
    assert.equal(core.organisationLabel({ name: "NPF", country: "UK" }), "NPF (UK)");
    assert.equal(core.organisationLabel({ name: "NPF" }), "NPF");
  });
});

describe("the take-away summary", () => {
  const messages = [
    { id: 1, from: "user", text: "hello" },
    answer({ id: 2, kind: "smalltalk", paragraphs: ["Hello!"] }),
    answer({ id: 3, kind: "answer", paragraphs: ["PRRT is …"], citation: "Source: Ipsen" }),
    answer({ id: 4, kind: "escalation", paragraphs: ["Ask your team."] }),
    answer({ id: 5, kind: "support", paragraphs: ["Groups:"], organisations: [{ name: "NPF", website: "https://npf.example" }] }),
    answer({ id: 6, kind: "support", paragraphs: ["No groups listed."], organisations: [] }),
    answer({ id: 7, kind: "feedback", paragraphs: ["Thank you."] }),
    answer({ id: 8, kind: "answer", paragraphs: ["Without a citation."] }),
  ];

  test("only answers and the hand-offs that listed organisations, in order", () => {
    assert.deepEqual(core.summaryItems(messages), [
      { paragraphs: ["PRRT is …"], citation: "Source: Ipsen" },
      { paragraphs: ["Groups:"], citation: null },
      { paragraphs: ["Without a citation."], citation: null },
    ]);
  });

  test("the text file: blank lines between the blocks, nothing else", () => {
    assert.equal(core.summaryText("Title", "Disclaimer.", messages),
      "Title\n\nDisclaimer.\n\nPRRT is …\n\nSource: Ipsen\n\nGroups:\n\nWithout a citation.\n");
  });

  test("the items are copies: the conversation is not changed", () => {
    const items = core.summaryItems(messages);
    items[0].paragraphs.push("changed");
    assert.deepEqual(messages[2].paragraphs, ["PRRT is …"]);
  });

  test("the file name carries the day", () => {
    assert.equal(core.summaryFileName(S, new Date("2024-03-05T23:00:00Z")), "net-conversation-2024-03-05.txt");
  });
});
