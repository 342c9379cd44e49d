/*
 * NET information assistant, chat widget: the page (DOM rendering and accessibility).
 *
 * The Widget draws what the protocol core (net-widget-core.js) decides: the launcher and
 * the panel, the bubbles, quick replies, feedback row and summary dialog, focus, the live
 * log, scrolling. Every text from either side is put in the page as DOM text nodes (never
 * as HTML), so neither a user nor a server can inject markup. It talks to the server through
 * a transport (net-widget-transport.js) that the bootstrap (net-widget-main.js) gives it.
 */
import {
  Store, openStorage, newSessionId, nextMessageId, storedMessages, colorProperties,
  linkSegments, safeHttpUrl, normaliseBotMessage, isFeedback, applyMetadata, afterFeedback,
  giveThanks, retireFeedback, retireQuickReplies, citationLine, organisationLabel,
  summaryItems, summaryText, summaryFileName,
} from "./net-widget-core.js";

var TYPING_TIMEOUT_MS = 20000;

/* ---------------------------------------------------------------- safe DOM building */

function el(tag, attributes, children) {
  var node = document.createElement(tag);
  Object.keys(attributes || {}).forEach(function (name) {
    var value = attributes[name];
    if (value === null || value === undefined || value === false) return;
    if (name === "className") node.className = value;
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  });
  (children || []).forEach(function (child) {
    if (child !== null && child !== undefined) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
  });
  return node;
}

/** A decorative SVG icon (emoji fonts are not on every machine): one path in a 24×24 box. */
function svgIcon(className, pathAttributes) {
  var ns = "http://www.w3.org/2000/svg";
  var svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", className);
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  var path = document.createElementNS(ns, "path");
  Object.keys(pathAttributes).forEach(function (name) {
    path.setAttribute(name, pathAttributes[name]);
  });
  svg.appendChild(path);
  return svg;
}

/** A speech bubble, on the launcher. */
function chatIcon() {
  return svgIcon("netw-launcher-icon", {
    d: "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z",
    fill: "currentColor",
  });
}

/** A cross, on the close button. */
function closeIcon() {
  return svgIcon("netw-close-icon", {
    d: "M6 6l12 12M18 6L6 18", stroke: "currentColor", "stroke-width": "2.5",
    "stroke-linecap": "round",
  });
}

function srOnly(text) {
  return el("span", { className: "netw-sr-only", text: text });
}

function externalLink(href, label, strings, className) {
  return el("a", { href: href, target: "_blank", rel: "noopener noreferrer", className: className || null },
    [label, srOnly(" " + strings.newTab)]);
}

/** Text with its web addresses as links, built from text nodes and <a> elements. */
function linkifiedText(text, strings) {
  var fragment = document.createDocumentFragment();
  linkSegments(text).forEach(function (segment) {
    fragment.appendChild(segment.href ? externalLink(segment.href, segment.label, strings)
      : document.createTextNode(segment.text));
  });
  return fragment;
}

/** The widget's colours on its root element (see colorProperties). */
function applyColors(root, config) {
  var properties = colorProperties(config);
  Object.keys(properties).forEach(function (name) { root.style.setProperty(name, properties[name]); });
}

/* ---------------------------------------------------------------- the widget */

/** The widget for a configuration (net-widget-core.js readConfig); `texts` (the assistant's
 * words, with the disclaimer) must be set before mount(). */
export function Widget(config) {
  this.config = config;
  this.strings = config.strings;
  this.store = new Store(openStorage(config.storage, window), config.serverUrl);
  this.sessionId = this.store.sessionId(this.config.transport === "rest");
  this.messages = this.store.history(this.sessionId);
  this.openTurn = null; // the bot bubble still taking paragraphs, until its metadata comes
  this.nodes = new Map();
  this.nextId = nextMessageId(this.messages);
  this.everConnected = false;
}

Widget.prototype.mount = function () {
  var s = this.strings;
  var config = this.config;
  this.root = el("div", { className: "netw-root", lang: config.lang, hidden: true });
  applyColors(this.root, config);

  this.launcher = el("button", {
    type: "button", className: "netw-launcher", "aria-expanded": "false", "aria-controls": "netw-panel",
  }, [chatIcon(), el("span", { className: "netw-launcher-text", text: s.launcher })]);

  // An icon, not a "×" character: the button's name is its label alone (axe: label in name).
  this.closeButton = el("button", { type: "button", className: "netw-icon-button netw-close", "aria-label": s.close },
    [closeIcon()]);
  this.newButton = el("button", { type: "button", className: "netw-text-button netw-new", text: s.newConversation });
  var heading = el("h2", { className: "netw-title", id: "netw-title", text: config.title });

  this.status = el("div", { className: "netw-status", role: "status", "aria-live": "polite", hidden: true });
  this.log = el("div", {
    className: "netw-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    "aria-label": s.conversation, tabindex: "0",
  });
  this.disclaimer = el("div", { className: "netw-disclaimer", id: "netw-disclaimer", role: "note",
    text: this.texts.disclaimer });
  this.typing = el("div", { className: "netw-typing", hidden: true },
    [el("span", { className: "netw-dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
      el("span", { className: "netw-typing-text", text: s.typing })]);

  this.input = el("input", {
    type: "text", id: "netw-input", className: "netw-input", autocomplete: "off", maxlength: "1000",
    placeholder: s.placeholder,
  });
  var label = el("label", { for: "netw-input", className: "netw-sr-only", text: s.inputLabel });
  this.sendButton = el("button", { type: "submit", className: "netw-send", text: s.send });
  this.form = el("form", { className: "netw-form", "aria-label": s.inputLabel }, [label, this.input, this.sendButton]);
  this.saveButton = el("button", { type: "button", className: "netw-save", text: s.save, hidden: true,
    "aria-haspopup": "dialog" });
  this.tools = el("div", { className: "netw-tools" }, [this.saveButton]);

  this.panel = el("section", {
    // Entering the chat, a screen reader reads the disclaimer as the panel's description.
    id: "netw-panel", className: "netw-panel", "aria-labelledby": "netw-title", "aria-describedby": "netw-disclaimer", hidden: true,
  }, [
    el("header", { className: "netw-header" }, [heading, el("div", { className: "netw-header-actions" }, [this.newButton, this.closeButton])]),
    this.status,
    el("div", { className: "netw-scroller" }, [this.disclaimer, this.log, this.typing]),
    this.tools,
    this.form,
  ]);
  this.scroller = this.panel.querySelector(".netw-scroller");
  this.root.appendChild(this.panel);
  this.root.appendChild(this.launcher);
  document.body.appendChild(this.root);

  this.bindEvents();
  this.renderHistory();
  this.updateSaveButton();
  this.setStatus(s.connecting, "info");
  if (config.open || this.store.isOpen()) this.open(false);
};

Widget.prototype.bindEvents = function () {
  var self = this;
  this.launcher.addEventListener("click", function () {
    if (self.panel.hidden) self.open(true); else self.close();
  });
  this.closeButton.addEventListener("click", function () { self.close(); });
  this.saveButton.addEventListener("click", function () { self.openSummary(); });
  this.newButton.addEventListener("click", function () { self.startNewConversation(); });
  this.panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); self.close(); }
  });
  this.form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = self.input.value.trim();
    if (!text) return;
    if (self.send(text, text)) self.input.value = "";
  });
};

Widget.prototype.open = function (moveFocus) {
  this.panel.hidden = false;
  this.root.classList.add("netw-is-open");
  this.launcher.setAttribute("aria-expanded", "true");
  this.store.setOpen(true);
  this.scrollToLatest();
  if (moveFocus) this.input.focus();
};

/** Closing hands focus back to the launcher, so keyboard users stay where they were. */
Widget.prototype.close = function () {
  this.panel.hidden = true;
  this.root.classList.remove("netw-is-open");
  this.launcher.setAttribute("aria-expanded", "false");
  this.store.setOpen(false);
  this.launcher.focus();
};

/** `createTransport(events)` makes the transport (net-widget-transport.js), for this.sessionId. */
Widget.prototype.connect = function (createTransport) {
  var self = this;
  this.transport = createTransport({
    onConnected: function () { self.onConnected(); },
    onDisconnected: function () { self.onDisconnected(); },
    onSessionId: function (id) { self.adoptSessionId(id); },
    onBotMessage: function (message) { self.receive(message); },
    onNotSent: function (text) { self.onNotSent(text); },
  });
  this.transport.start();
};

Widget.prototype.onConnected = function () {
  var wasDown = this.isDown;
  this.isDown = false;
  this.sendButton.removeAttribute("aria-disabled");
  if (wasDown && this.everConnected) {
    this.setStatus(this.strings.reconnected, "ok");
    var self = this;
    window.setTimeout(function () { if (!self.isDown) self.setStatus(null); }, 4000);
  } else {
    this.setStatus(null);
  }
  this.everConnected = true;
};

Widget.prototype.onDisconnected = function () {
  if (this.isDown) return;
  this.isDown = true;
  this.hideTyping();
  this.sendButton.setAttribute("aria-disabled", "true");
  this.setStatus(this.strings.unreachable, "error");
};

/** A message that never reached the server goes back in the box, so nothing is lost. */
Widget.prototype.onNotSent = function (text) {
  this.hideTyping();
  if (!this.input.value) this.input.value = text;
  this.setStatus(this.strings.notSent, "error");
};

Widget.prototype.setStatus = function (text, tone) {
  this.status.hidden = !text;
  this.status.textContent = text || "";
  this.status.className = "netw-status" + (tone ? " netw-status--" + tone : "");
};

Widget.prototype.adoptSessionId = function (id) {
  this.sessionId = id;
  this.store.setSessionId(id);
  this.persist();
};

Widget.prototype.startNewConversation = function () {
  this.store.remove(this.store.historyKey(this.sessionId));
  this.sessionId = this.config.transport === "rest" ? newSessionId() : null;
  if (this.sessionId) this.store.setSessionId(this.sessionId);
  else this.store.remove(this.store.sessionKey);
  this.messages = [];
  this.openTurn = null;
  this.nodes.clear();
  this.log.textContent = "";
  this.pendingFeedback = null;
  this.updateSaveButton();
  this.hideTyping();
  if (this.transport) this.transport.restart(this.sessionId);
  this.input.focus();
};

/** Sends `payload` to the assistant and shows `shownText` as the user's bubble. */
Widget.prototype.send = function (shownText, payload) {
  if (!this.transport || !this.transport.send(payload)) {
    this.setStatus(this.strings.notSent, "error");
    return false;
  }
  this.retireQuickReplies();
  this.closeTurn();
  this.pendingFeedback = null;
  this.add({ from: "user", text: shownText });
  this.showTyping();
  return true;
};

/* A bot turn is one bubble: the text events of one answer (Rasa splits a text on blank
 * lines) become its paragraphs, until the answer's metadata or the user's next message. */

Widget.prototype.receive = function (raw) {
  var self = this;
  normaliseBotMessage(raw).forEach(function (part) {
    if (self.pendingFeedback) {
      self.receiveAfterFeedback(part);
    } else if (part.custom) {
      self.applyMetadata(part.custom);
    } else {
      self.hideTyping();
      self.addParagraph(part.text, part.quickReplies);
    }
  });
};

Widget.prototype.addParagraph = function (text, quickReplies) {
  var message = this.openTurn;
  if (!message) {
    this.openTurn = this.add({ from: "bot", paragraphs: [text], quickReplies: quickReplies });
    return;
  }
  message.paragraphs.push(text);
  var node = this.nodes.get(message.id);
  node.querySelector(".netw-body").appendChild(this.paragraphNode(text, false));
  if (quickReplies.length) {
    message.quickReplies = quickReplies;
    var old = node.querySelector(".netw-quick-replies");
    if (old) old.remove();
    node.appendChild(this.quickReplyButtons(quickReplies));
  }
  this.scrollToLatest();
  this.persist();
};

Widget.prototype.closeTurn = function () {
  this.openTurn = null;
};

Widget.prototype.add = function (fields) {
  var message = Object.assign({ id: this.nextId++ }, fields);
  this.messages.push(message);
  var node = this.buildNode(message, true);
  this.nodes.set(message.id, node);
  this.log.appendChild(node);
  this.scrollToLatest();
  this.persist();
  return message;
};

/** The metadata comes after the texts of its answer: the paragraph that repeats the
 * citation becomes the "Source" line under the answer, and the bubble gets its kind
 * (net-widget-core.js applyMetadata decides; here the bubble is redrawn to match). */
Widget.prototype.applyMetadata = function (custom) {
  var message = this.openTurn;
  this.closeTurn();
  if (!message) return;
  var node = this.nodes.get(message.id);
  var changes = applyMetadata(message, custom);
  if (changes.removedParagraph > 0) node.querySelectorAll(".netw-para")[changes.removedParagraph].remove();
  if (changes.quickRepliesChanged) {
    var group = node.querySelector(".netw-quick-replies");
    if (group) group.remove();
    if (message.quickReplies.length) node.appendChild(this.quickReplyButtons(message.quickReplies));
  }
  if (changes.feedbackAdded) node.appendChild(this.feedbackRow(message));
  this.decorate(node, message, true);
  this.scrollToLatest();
  this.persist();
};

/* ---------------------------------------------------------------- feedback on answers */

Widget.prototype.feedbackRow = function (message) {
  var self = this;
  var feedback = message.feedback;
  if (feedback.thanks) {
    return el("div", { className: "netw-feedback netw-feedback--given" }, feedback.thanks.map(function (text) {
      return el("p", { className: "netw-feedback-thanks", text: text });
    }));
  }
  var questionId = "netw-feedback-" + message.id;
  return el("div", { className: "netw-feedback", role: "group", "aria-labelledby": questionId }, [
    el("span", { className: "netw-feedback-question", id: questionId, text: feedback.question }),
  ].concat(feedback.replies.map(function (reply) {
    var button = el("button", {
      type: "button", className: "netw-feedback-button", text: reply.title,
      "aria-label": reply.title + " (" + self.strings.rateAnswer + ")",
    });
    button.addEventListener("click", function () { self.sendFeedback(message, reply); });
    return button;
  })));
};

/** A rating is no turn of the conversation: no bubble of the person's, the suggested replies
 * stay, and the assistant's thanks takes the place of the buttons. */
Widget.prototype.sendFeedback = function (message, reply) {
  if (!this.transport || !this.transport.send(reply.payload)) {
    this.setStatus(this.strings.notSent, "error");
    return;
  }
  this.closeTurn();
  this.pendingFeedback = { message: message, parts: [] };
  this.input.focus(); // the buttons are about to go
  this.showTyping();
};

/** While a rating's reply is awaited, its texts go in the feedback row, other turns are
 * shown as usual (net-widget-core.js afterFeedback). */
Widget.prototype.receiveAfterFeedback = function (part) {
  var pending = this.pendingFeedback;
  var next = afterFeedback(pending, part);
  if (next.wait) return;
  var self = this;
  this.hideTyping();
  if (next.thanks) {
    this.pendingFeedback = null;
    this.showFeedbackThanks(pending.message, next.thanks);
    return;
  }
  next.show.forEach(function (p) { self.addParagraph(p.text, p.quickReplies); });
  this.applyMetadata(next.custom);
};

Widget.prototype.showFeedbackThanks = function (message, texts) {
  var node = this.nodes.get(message.id);
  giveThanks(message, texts);
  var old = node && node.querySelector(".netw-feedback");
  if (old) old.remove();
  if (node) node.appendChild(this.feedbackRow(message));
  this.scrollToEnd();
  this.persist();
};

/** A rating is for the latest answer only: unused rows go when the person carries on. */
Widget.prototype.retireFeedback = function () {
  var self = this;
  retireFeedback(this.messages).forEach(function (m) {
    var row = self.nodes.get(m.id) && self.nodes.get(m.id).querySelector(".netw-feedback");
    if (row) row.remove();
  });
};

Widget.prototype.retireQuickReplies = function () {
  var self = this;
  this.retireFeedback();
  retireQuickReplies(this.messages).forEach(function (m) {
    var group = self.nodes.get(m.id) && self.nodes.get(m.id).querySelector(".netw-quick-replies");
    if (group) group.remove();
  });
};

Widget.prototype.renderHistory = function () {
  var self = this;
  this.messages.forEach(function (message) {
    var node = self.buildNode(message, false);
    self.nodes.set(message.id, node);
    self.log.appendChild(node);
  });
};

Widget.prototype.buildNode = function (message, live) {
  var s = this.strings;
  var self = this;
  var node = el("div", { className: "netw-msg netw-msg--" + message.from });
  if (message.from === "user") {
    node.appendChild(el("div", { className: "netw-body" },
      [el("p", { className: "netw-para" }, [srOnly(s.you + ": "), message.text])]));
    return node;
  }
  node.appendChild(el("div", { className: "netw-body" }, message.paragraphs.map(function (text, index) {
    return self.paragraphNode(text, index === 0);
  })));
  if (message.quickReplies && message.quickReplies.length) node.appendChild(this.quickReplyButtons(message.quickReplies));
  if (isFeedback(message.feedback)) node.appendChild(this.feedbackRow(message));
  this.decorate(node, message, live);
  return node;
};

Widget.prototype.paragraphNode = function (text, first) {
  var s = this.strings;
  return el("p", { className: "netw-para" }, [first ? srOnly(s.assistant + ": ") : null, linkifiedText(text, s)]);
};

/** Kind, badge, citation and organisations of a bot bubble. Added into the existing bubble
 * (not by replacing it) so the live log announces only what is new. */
Widget.prototype.decorate = function (node, message, live) {
  var s = this.strings;
  var kind = message.kind || null;
  node.className = "netw-msg netw-msg--bot" + (kind ? " netw-kind--" + kind : "");
  if (kind) node.setAttribute("data-kind", kind);
  // An emergency is announced at once, interrupting anything else (when it arrives, not on reload).
  if (kind === "emergency" && live) node.setAttribute("role", "alert");
  var body = node.querySelector(".netw-body");
  if (kind === "emergency" || kind === "escalation") {
    var badge = kind === "emergency"
      ? el("p", { className: "netw-badge netw-badge--emergency" }, [el("span", { "aria-hidden": "true", text: "⚠ " }), s.emergency])
      : el("p", { className: "netw-badge netw-badge--escalation", text: s.escalation });
    node.insertBefore(badge, body);
  }
  var after = body.nextSibling;
  if (message.citation) {
    var line = citationLine(message.citation, s);
    node.insertBefore(el("p", { className: "netw-citation" },
      [el("span", { className: "netw-citation-label", text: line.label }), line.text]), after);
  }
  if (message.organisations && message.organisations.length) {
    node.insertBefore(this.organisationLinks(message.organisations), after);
  }
};

Widget.prototype.organisationLinks = function (organisations) {
  var s = this.strings;
  return el("ul", { className: "netw-orgs", "aria-label": s.organisations }, organisations.map(function (org) {
    return el("li", {}, [externalLink(safeHttpUrl(org.website), organisationLabel(org), s, "netw-org")]);
  }));
};

Widget.prototype.quickReplyButtons = function (replies) {
  var self = this;
  return el("div", { className: "netw-quick-replies", role: "group", "aria-label": this.strings.suggestions },
    replies.map(function (reply) {
      if (reply.url) return externalLink(reply.url, reply.title, self.strings, "netw-quick-reply netw-quick-link");
      var button = el("button", { type: "button", className: "netw-quick-reply", text: reply.title });
      button.addEventListener("click", function () {
        if (self.send(reply.title, reply.payload)) self.input.focus(); // the button is gone now
      });
      return button;
    }));
};

Widget.prototype.showTyping = function () {
  var self = this;
  this.typing.hidden = false;
  window.clearTimeout(this.typingTimer);
  this.typingTimer = window.setTimeout(function () { self.hideTyping(); }, TYPING_TIMEOUT_MS);
  this.scrollToEnd();
};

Widget.prototype.hideTyping = function () {
  window.clearTimeout(this.typingTimer);
  this.typing.hidden = true;
};

Widget.prototype.scrollToEnd = function () {
  this.scroller.scrollTop = this.scroller.scrollHeight;
};

/** To the end, unless the latest answer is taller than the view: then to its first line,
 * so people read a long answer from its beginning. */
Widget.prototype.scrollToLatest = function () {
  var last = this.messages[this.messages.length - 1];
  var node = last && last.from === "bot" && this.nodes.get(last.id);
  if (!node) return this.scrollToEnd();
  var scroller = this.scroller;
  var answerTop = scroller.scrollTop + node.getBoundingClientRect().top - scroller.getBoundingClientRect().top - 12;
  scroller.scrollTop = Math.min(scroller.scrollHeight - scroller.clientHeight, answerTop);
};

/* ---------------------------------------------------------------- take-away summary */

/** The summary's items and text (net-widget-core.js summaryItems, summaryText). */
Widget.prototype.summaryItems = function () {
  return summaryItems(this.messages);
};

Widget.prototype.summaryText = function () {
  return summaryText(this.config.title, this.texts.disclaimer, this.messages);
};

Widget.prototype.updateSaveButton = function () {
  if (this.saveButton) this.saveButton.hidden = this.summaryItems().length === 0;
};

Widget.prototype.summaryContent = function () {
  var content = el("article", { className: "netw-summary-content" }, [
    el("h3", { className: "netw-summary-heading", text: this.config.title }),
    el("p", { className: "netw-summary-disclaimer", text: this.texts.disclaimer }),
  ]);
  this.summaryItems().forEach(function (item) {
    content.appendChild(el("section", { className: "netw-summary-item" }, item.paragraphs.map(function (text) {
      return el("p", { className: "netw-summary-para", text: text });
    }).concat(item.citation ? [el("p", { className: "netw-summary-citation", text: item.citation })] : [])));
  });
  return content;
};

/** A print view of the summary (printing shows nothing else of the page) and a text file,
 * both made here in the browser: nothing is sent to any server. */
Widget.prototype.openSummary = function () {
  var s = this.strings;
  var self = this;
  if (this.summary) this.closeSummary();
  this.summaryUrl = URL.createObjectURL(new Blob([this.summaryText()], { type: "text/plain;charset=utf-8" }));
  var printButton = el("button", { type: "button", className: "netw-summary-button", text: s.print });
  var download = el("a", { className: "netw-summary-button", href: this.summaryUrl,
    download: summaryFileName(s, new Date()), text: s.download });
  var closeButton = el("button", { type: "button", className: "netw-summary-button", text: s.closeSummary });
  this.summary = el("div", {
    className: "netw-summary", role: "dialog", "aria-modal": "true", "aria-labelledby": "netw-summary-title",
    "aria-describedby": "netw-summary-note",
  }, [el("div", { className: "netw-summary-box" }, [
    el("div", { className: "netw-summary-bar" }, [
      el("h2", { className: "netw-summary-title", id: "netw-summary-title", text: s.save }),
      el("p", { className: "netw-summary-note", id: "netw-summary-note", text: s.saveNote }),
      el("div", { className: "netw-summary-actions" }, [printButton, download, closeButton]),
    ]),
    this.summaryContent(),
  ])]);
  printButton.addEventListener("click", function () { window.print(); });
  closeButton.addEventListener("click", function () { self.closeSummary(); });
  // On the document: after a download or a print the focus may be on the page itself.
  this.summaryKeys = function (event) {
    if (event.key === "Escape") { event.preventDefault(); self.closeSummary(); }
    if (event.key === "Tab") trapFocus(event, [printButton, download, closeButton]);
  };
  document.addEventListener("keydown", this.summaryKeys);
  this.panel.inert = true;
  this.launcher.inert = true;
  document.documentElement.classList.add("netw-printing");
  this.root.appendChild(this.summary);
  printButton.focus();
};

Widget.prototype.closeSummary = function () {
  if (!this.summary) return;
  this.summary.remove();
  this.summary = null;
  document.removeEventListener("keydown", this.summaryKeys);
  URL.revokeObjectURL(this.summaryUrl);
  this.panel.inert = false;
  this.launcher.inert = false;
  document.documentElement.classList.remove("netw-printing");
  this.saveButton.focus();
};

/** Tab and Shift+Tab go round the dialog's controls. */
function trapFocus(event, controls) {
  var index = controls.indexOf(document.activeElement);
  var next = event.shiftKey ? index - 1 : index + 1;
  if (index < 0 || next < 0 || next >= controls.length) {
    event.preventDefault();
    controls[(next + controls.length) % controls.length].focus();
  }
}

Widget.prototype.persist = function () {
  this.updateSaveButton();
  this.store.saveHistory(this.sessionId, storedMessages(this.messages));
};
