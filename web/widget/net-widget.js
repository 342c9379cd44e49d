/*
 * NET information assistant: the website chat widget.
 *
 * Embed with one script tag (see docs/widget.md):
 *   <script src="widget/net-widget.js" data-server-url="http://localhost:5005"
 *           data-title="NET treatment information" data-lang="en" defer></script>
 * or set `window.NetWidgetConfig = {serverUrl: ...}` before the tag.
 *
 * It talks to Rasa's Socket.IO channel (socket.io-client, vendored next to this file) or,
 * with data-transport="rest", to Rasa's REST channel. Every text from either side is put in
 * the page as DOM text nodes (never as HTML), so neither a user nor a server can inject markup.
 */
(function () {
  "use strict";

  var SCRIPT = document.currentScript;
  var BASE_URL = SCRIPT && SCRIPT.src ? new URL(".", SCRIPT.src).href : new URL("widget/", document.baseURI).href;
  var STORAGE_PREFIX = "netWidget:";
  var HISTORY_LIMIT = 200;
  var TYPING_TIMEOUT_MS = 20000;
  var REST_HEALTH_RETRY_MS = 3000;

  var STRINGS = {
    en: {
      launcher: "Questions about NET treatments? Chat with our assistant",
      launcherShort: "Chat",
      close: "Close chat",
      newConversation: "New conversation",
      conversation: "Conversation",
      inputLabel: "Your question",
      placeholder: "Type your question…",
      send: "Send",
      disclaimerTitle: "Please note",
      disclaimer:
        "This assistant gives general information about NET treatments from curated sources. " +
        "It is not medical advice: talk to your doctor or specialist team about your own care. " +
        "In an emergency call your local emergency number.",
      you: "You",
      assistant: "Assistant",
      source: "Source",
      sources: "Sources",
      typing: "The assistant is typing…",
      connecting: "Connecting to the assistant…",
      unreachable:
        "We can't reach the assistant at the moment. We'll keep trying to reconnect " +
        "automatically. In an emergency call your local emergency number.",
      reconnected: "Connected again. You can carry on.",
      notSent: "Not connected: your message was not sent. It is still in the box, please try again in a moment.",
      emergency: "Emergency",
      escalation: "For your care team",
      organisations: "Support organisations",
      suggestions: "Suggested replies",
      newTab: "(opens in a new tab)",
    },
  };

  var DEFAULTS = {
    serverUrl: "http://localhost:5005",
    socketPath: "/socket.io",
    transport: "socketio",
    title: "NET treatment information",
    lang: "en",
    primaryColor: "#005a70",
    accentColor: "#005a70",
    open: false,
    storage: "local",
    allowQueryOverrides: false,
  };

  var BOOLEAN_KEYS = { open: true, allowQueryOverrides: true };

  /* ---------------------------------------------------------------- configuration */

  function camelCase(name) {
    return name.replace(/-([a-z])/g, function (_, c) { return c.toUpperCase(); });
  }

  function asBoolean(value) {
    return value === true || value === "true" || value === "" || value === "1";
  }

  /** Defaults, then window.NetWidgetConfig, then data-* attributes of the script tag, then
   * (only when the page allows it, as the demo page does) ?netw-<key>= query parameters. */
  function readConfig() {
    var config = Object.assign({}, DEFAULTS, window.NetWidgetConfig || {});
    if (SCRIPT) {
      Object.keys(SCRIPT.dataset).forEach(function (key) { config[key] = SCRIPT.dataset[key]; });
    }
    if (asBoolean(config.allowQueryOverrides)) {
      new URLSearchParams(window.location.search).forEach(function (value, name) {
        if (name.indexOf("netw-") === 0) config[camelCase(name.slice(5))] = value;
      });
    }
    Object.keys(BOOLEAN_KEYS).forEach(function (key) { config[key] = asBoolean(config[key]); });
    config.serverUrl = String(config.serverUrl).replace(/\/+$/, "");
    if (!STRINGS[config.lang]) {
      console.warn("net-widget: no interface texts for language " + config.lang + ", using English");
    }
    config.strings = STRINGS[config.lang] || STRINGS.en;
    return config;
  }

  /* ---------------------------------------------------------------- colours (WCAG AA) */

  function parseHexColor(hex) {
    var match = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(hex).trim());
    if (!match) return null;
    var digits = match[1].length === 3 ? match[1].replace(/./g, "$&$&") : match[1];
    return [0, 2, 4].map(function (i) { return parseInt(digits.slice(i, i + 2), 16); });
  }

  function relativeLuminance(rgb) {
    var linear = rgb.map(function (channel) {
      var c = channel / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
  }

  function contrastRatio(rgbA, rgbB) {
    var a = relativeLuminance(rgbA);
    var b = relativeLuminance(rgbB);
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }

  var WHITE = [255, 255, 255];
  var NEAR_BLACK = [27, 31, 35];

  /** The site picks any primary colour; the text on it is white or near-black, whichever
   * contrasts more, so a light brand colour never produces unreadable buttons. */
  function textColorOn(background) {
    return contrastRatio(background, WHITE) >= contrastRatio(background, NEAR_BLACK) ? "#ffffff" : "#1b1f23";
  }

  function applyColors(root, config) {
    var primary = parseHexColor(config.primaryColor) || parseHexColor(DEFAULTS.primaryColor);
    var accent = parseHexColor(config.accentColor);
    if (!accent || contrastRatio(accent, WHITE) < 4.5) {
      if (config.accentColor !== DEFAULTS.accentColor) {
        console.warn("net-widget: accentColor " + config.accentColor + " is too light for text on white (WCAG AA), using the default");
      }
      accent = parseHexColor(DEFAULTS.accentColor);
    }
    var toCss = function (rgb) { return "rgb(" + rgb.join(", ") + ")"; };
    root.style.setProperty("--netw-primary", toCss(primary));
    root.style.setProperty("--netw-on-primary", textColorOn(primary));
    root.style.setProperty("--netw-accent", toCss(accent));
  }

  /* ---------------------------------------------------------------- storage */

  function openStorage(kind) {
    try {
      var storage = kind === "session" ? window.sessionStorage : window.localStorage;
      var probe = STORAGE_PREFIX + "probe";
      storage.setItem(probe, "1");
      storage.removeItem(probe);
      return storage;
    } catch (error) {
      return null; // private mode or storage disabled: the widget works, without persistence
    }
  }

  function Store(config) {
    this.storage = openStorage(config.storage);
    this.sessionKey = STORAGE_PREFIX + "session:" + config.serverUrl;
  }

  Store.prototype.get = function (key) {
    try { return this.storage ? JSON.parse(this.storage.getItem(key)) : null; } catch (error) { return null; }
  };
  Store.prototype.set = function (key, value) {
    try { if (this.storage) this.storage.setItem(key, JSON.stringify(value)); } catch (error) { /* full */ }
  };
  Store.prototype.remove = function (key) {
    if (this.storage) this.storage.removeItem(key);
  };
  /** The stored session id; without one, a new id of our own if `generate` (REST: the sender
   * is the client's choice), else null (Socket.IO: the server issues signed ids). */
  Store.prototype.sessionId = function (generate) {
    var id = this.get(this.sessionKey);
    if ((typeof id !== "string" || !id) && generate) {
      id = newSessionId();
      this.set(this.sessionKey, id);
    }
    return typeof id === "string" && id ? id : null;
  };
  Store.prototype.setSessionId = function (id) { this.set(this.sessionKey, id); };
  Store.prototype.historyKey = function (sessionId) { return STORAGE_PREFIX + "history:" + sessionId; };
  Store.prototype.history = function (sessionId) {
    var messages = this.get(this.historyKey(sessionId));
    return Array.isArray(messages) ? messages.filter(isStoredMessage) : [];
  };
  Store.prototype.saveHistory = function (sessionId, messages) {
    this.set(this.historyKey(sessionId), messages.slice(-HISTORY_LIMIT));
  };
  Store.prototype.isOpen = function () { return this.get(STORAGE_PREFIX + "open") === true; };
  Store.prototype.setOpen = function (open) { this.set(STORAGE_PREFIX + "open", open); };

  function isStoredMessage(message) {
    if (!message || typeof message !== "object") return false;
    if (message.from === "user") return typeof message.text === "string";
    return message.from === "bot" && Array.isArray(message.paragraphs) &&
      message.paragraphs.every(function (p) { return typeof p === "string"; });
  }

  function newSessionId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID().replace(/-/g, "");
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

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

  /** A speech-bubble icon drawn in SVG (emoji fonts are not on every machine). */
  function chatIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("class", "netw-launcher-icon");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    return svg;
  }

  function srOnly(text) {
    return el("span", { className: "netw-sr-only", text: text });
  }

  /** Only absolute http(s) addresses become links: no javascript:, data: or relative URLs. */
  function safeHttpUrl(candidate) {
    try {
      var url = new URL(candidate);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function externalLink(href, label, strings, className) {
    return el("a", { href: href, target: "_blank", rel: "noopener noreferrer", className: className || null },
      [label, srOnly(" " + strings.newTab)]);
  }

  var URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi;
  var TRAILING_PUNCTUATION = /[.,;:!?'")\]]+$/;

  /** Text with its web addresses as links, built from text nodes and <a> elements. */
  function linkifiedText(text, strings) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    text.replace(URL_PATTERN, function (match, offset) {
      var trailing = (TRAILING_PUNCTUATION.exec(match) || [""])[0];
      var address = match.slice(0, match.length - trailing.length);
      var href = safeHttpUrl(address.indexOf("www.") === 0 ? "https://" + address : address);
      if (!href) return match;
      fragment.appendChild(document.createTextNode(text.slice(last, offset)));
      fragment.appendChild(externalLink(href, address, strings));
      last = offset + address.length;
      return match;
    });
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  /* ---------------------------------------------------------------- messages from the server */

  /** One bot_uttered payload (Socket.IO) or one REST response item, as a list of parts:
   * {text, quickReplies} bubbles and {custom} metadata. */
  function normaliseBotMessage(message) {
    if (!message || typeof message !== "object") return [];
    var custom = message.custom || (message.data && message.data.custom);
    if (custom && typeof custom === "object") return [{ custom: custom }];
    if (typeof message.text !== "string" || !message.text.trim()) return [];
    var replies = message.quick_replies || message.buttons || [];
    var quickReplies = (Array.isArray(replies) ? replies : [])
      .filter(function (reply) { return reply && typeof reply.title === "string"; })
      .map(function (reply) {
        var payload = typeof reply.payload === "string" ? reply.payload : reply.title;
        // A link button (Rasa sends its address as the payload too) opens the page; it is
        // never sent to the assistant as if the person had typed it.
        var url = safeHttpUrl(reply.url) || (/^https?:\/\//i.test(payload) ? safeHttpUrl(payload) : null);
        return url ? { title: reply.title, url: url } : { title: reply.title, payload: payload };
      });
    return [{ text: message.text, quickReplies: quickReplies }];
  }

  /* ---------------------------------------------------------------- transports */

  /** Rasa's Socket.IO channel with session persistence: the server issues the session id
   * (session_confirm); it is kept in storage and sent with session_request on every
   * (re)connect, so a reload continues the conversation. Without one (a first visit, a new
   * conversation) session_request carries null and the server issues a new id. */
  function SocketTransport(config, sessionId, events) {
    this.config = config;
    this.sessionId = sessionId;
    this.events = events;
    this.ready = false;
  }

  SocketTransport.prototype.start = function () {
    var self = this;
    loadScript(BASE_URL + "vendor/socket.io.min.js", function (error) {
      if (error || typeof window.io !== "function") {
        console.error("net-widget: socket.io-client is missing (run `npm ci` to vendor it)");
        self.events.onDisconnected();
        return;
      }
      self.connect();
    });
  };

  SocketTransport.prototype.connect = function () {
    var self = this;
    var socket = window.io(this.config.serverUrl, {
      path: this.config.socketPath,
      transports: ["websocket", "polling"],
      tryAllTransports: true, // behind a proxy that blocks WebSockets, fall back to HTTP polling
      reconnection: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000,
      timeout: 8000,
    });
    this.socket = socket;
    socket.on("connect", function () {
      socket.emit("session_request", { session_id: self.sessionId });
    });
    socket.on("session_confirm", function (data) {
      var confirmed = typeof data === "string" ? data : data && data.session_id;
      if (confirmed && confirmed !== self.sessionId) {
        self.sessionId = confirmed;
        self.events.onSessionId(confirmed);
      }
      self.ready = true;
      self.events.onConnected();
    });
    socket.on("bot_uttered", function (message) { self.events.onBotMessage(message); });
    socket.on("disconnect", function (reason) {
      self.ready = false;
      self.events.onDisconnected();
      if (reason === "io server disconnect") socket.connect(); // the server hung up: try again
    });
    socket.on("connect_error", function () {
      self.ready = false;
      self.events.onDisconnected();
    });
  };

  SocketTransport.prototype.send = function (text) {
    if (!this.ready) return false;
    this.socket.emit("user_uttered", { message: text, session_id: this.sessionId });
    return true;
  };

  SocketTransport.prototype.restart = function (sessionId) {
    this.sessionId = sessionId;
    if (this.socket && this.socket.connected) {
      this.ready = false; // until the server confirms the new session
      this.socket.emit("session_request", { session_id: sessionId });
    }
  };

  /** Rasa's REST channel: one POST per message, the answers in the response. */
  function RestTransport(config, sessionId, events) {
    this.config = config;
    this.sessionId = sessionId;
    this.events = events;
    this.ready = false;
  }

  RestTransport.prototype.start = function () { this.checkHealth(); };

  RestTransport.prototype.checkHealth = function () {
    var self = this;
    fetch(this.config.serverUrl + "/", { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        self.ready = true;
        self.events.onConnected();
      })
      .catch(function () { self.unreachable(); });
  };

  RestTransport.prototype.unreachable = function () {
    var self = this;
    var wasWaiting = Boolean(this.retryTimer);
    this.ready = false;
    this.events.onDisconnected();
    if (!wasWaiting) {
      this.retryTimer = window.setTimeout(function () {
        self.retryTimer = null;
        self.checkHealth();
      }, REST_HEALTH_RETRY_MS);
    }
  };

  RestTransport.prototype.send = function (text) {
    if (!this.ready) return false;
    var self = this;
    fetch(this.config.serverUrl + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: this.sessionId, message: text }),
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (messages) {
        (Array.isArray(messages) ? messages : []).forEach(function (message) {
          // Rasa's REST channel doesn't split texts on blank lines as the socket channel does.
          if (typeof message.text === "string" && message.text.indexOf("\n\n") >= 0) {
            var parts = message.text.trim().split("\n\n");
            parts.forEach(function (part, index) {
              var last = index === parts.length - 1;
              self.events.onBotMessage({ text: part, buttons: last ? message.buttons : null });
            });
          } else {
            self.events.onBotMessage(message);
          }
        });
      })
      .catch(function () {
        self.unreachable();
        self.events.onNotSent(text);
      });
    return true;
  };

  RestTransport.prototype.restart = function (sessionId) { this.sessionId = sessionId; };

  function loadScript(src, done) {
    if (typeof window.io === "function") return done(null);
    var script = el("script", { src: src });
    script.onload = function () { done(null); };
    script.onerror = function () { done(new Error("could not load " + src)); };
    document.head.appendChild(script);
  }

  function loadStylesheet(href, done) {
    var link = el("link", { rel: "stylesheet", href: href });
    link.onload = done;
    link.onerror = done;
    document.head.appendChild(link);
  }

  /* ---------------------------------------------------------------- the widget */

  function Widget(config) {
    this.config = config;
    this.strings = config.strings;
    this.store = new Store(config);
    this.sessionId = this.store.sessionId(this.config.transport === "rest");
    this.messages = this.store.history(this.sessionId);
    this.openTurn = null; // the bot bubble still taking paragraphs, until its metadata comes
    this.nodes = new Map();
    this.nextId = this.messages.reduce(function (max, m) { return Math.max(max, m.id || 0); }, 0) + 1;
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

    this.closeButton = el("button", { type: "button", className: "netw-icon-button netw-close", "aria-label": s.close },
      [el("span", { "aria-hidden": "true", text: "×" })]);
    this.newButton = el("button", { type: "button", className: "netw-text-button netw-new", text: s.newConversation });
    var heading = el("h2", { className: "netw-title", id: "netw-title", text: config.title });

    this.status = el("div", { className: "netw-status", role: "status", "aria-live": "polite", hidden: true });
    this.log = el("div", {
      className: "netw-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
      "aria-label": s.conversation, tabindex: "0",
    });
    this.disclaimer = el("div", { className: "netw-disclaimer", id: "netw-disclaimer", role: "note" },
      [el("strong", { text: s.disclaimerTitle + ": " }), s.disclaimer]);
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

    this.panel = el("section", {
      // Entering the chat, a screen reader reads the disclaimer as the panel's description.
      id: "netw-panel", className: "netw-panel", "aria-labelledby": "netw-title", "aria-describedby": "netw-disclaimer", hidden: true,
    }, [
      el("header", { className: "netw-header" }, [heading, el("div", { className: "netw-header-actions" }, [this.newButton, this.closeButton])]),
      this.status,
      el("div", { className: "netw-scroller" }, [this.disclaimer, this.log, this.typing]),
      this.form,
    ]);
    this.scroller = this.panel.querySelector(".netw-scroller");
    this.root.appendChild(this.panel);
    this.root.appendChild(this.launcher);
    document.body.appendChild(this.root);

    this.bindEvents();
    this.renderHistory();
    this.setStatus(s.connecting, "info");
    if (config.open || this.store.isOpen()) this.open(false);
  };

  Widget.prototype.bindEvents = function () {
    var self = this;
    this.launcher.addEventListener("click", function () {
      if (self.panel.hidden) self.open(true); else self.close();
    });
    this.closeButton.addEventListener("click", function () { self.close(); });
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

  Widget.prototype.connect = function () {
    var self = this;
    var Transport = this.config.transport === "rest" ? RestTransport : SocketTransport;
    this.transport = new Transport(this.config, this.sessionId, {
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
    this.hideTyping();
    if (this.transport) this.transport.restart(this.sessionId);
    this.input.focus();
  };

  /** Sends `payload` to the assistant and shows `shownText` as the user's bubble. */
  /** Sends `payload` to the assistant and shows `shownText` as the user's bubble. */
  Widget.prototype.send = function (shownText, payload) {
    if (!this.transport || !this.transport.send(payload)) {
      this.setStatus(this.strings.notSent, "error");
      return false;
    }
    this.retireQuickReplies();
    this.closeTurn();
    this.add({ from: "user", text: shownText });
    this.showTyping();
    return true;
  };

  /* A bot turn is one bubble: the text events of one answer (Rasa splits a text on blank
   * lines) become its paragraphs, until the answer's metadata or the user's next message. */

  Widget.prototype.receive = function (raw) {
    var self = this;
    normaliseBotMessage(raw).forEach(function (part) {
      if (part.custom) {
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
   * citation becomes the "Source" line under the answer, and the bubble gets its kind. */
  Widget.prototype.applyMetadata = function (custom) {
    var message = this.openTurn;
    this.closeTurn();
    if (!message) return;
    var node = this.nodes.get(message.id);
    var citation = typeof custom.citation === "string" ? custom.citation.trim() : "";
    if (citation) {
      var index = message.paragraphs.map(function (p) { return p.trim(); }).lastIndexOf(citation);
      if (index > 0) {
        message.paragraphs.splice(index, 1);
        node.querySelectorAll(".netw-para")[index].remove();
      }
      message.citation = citation;
    }
    var organisations = Array.isArray(custom.organisations) ? custom.organisations.filter(isOrganisation) : [];
    if (organisations.length) {
      message.organisations = organisations;
      this.dropLinksShownAsOrganisations(message, node);
    }
    message.kind = typeof custom.kind === "string" ? custom.kind : null;
    this.decorate(node, message, true);
    this.scrollToLatest();
    this.persist();
  };

  /** The organisations' own link buttons replace the same links sent as quick replies. */
  Widget.prototype.dropLinksShownAsOrganisations = function (message, node) {
    var websites = message.organisations.map(function (org) { return safeHttpUrl(org.website); });
    var before = (message.quickReplies || []).length;
    message.quickReplies = (message.quickReplies || []).filter(function (reply) {
      return !reply.url || websites.indexOf(reply.url) < 0;
    });
    if (message.quickReplies.length === before) return;
    var group = node.querySelector(".netw-quick-replies");
    if (group) group.remove();
    if (message.quickReplies.length) node.appendChild(this.quickReplyButtons(message.quickReplies));
  };

  function isOrganisation(org) {
    return org && typeof org.name === "string" && safeHttpUrl(org.website);
  }

  Widget.prototype.retireQuickReplies = function () {
    var self = this;
    this.messages.forEach(function (m) {
      if (m.quickReplies && m.quickReplies.length) {
        m.quickReplies = [];
        var group = self.nodes.get(m.id) && self.nodes.get(m.id).querySelector(".netw-quick-replies");
        if (group) group.remove();
      }
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
      var match = /^(sources?)\s*:\s*/i.exec(message.citation);
      var label = match && match[1].toLowerCase() === "sources" ? s.sources : s.source;
      node.insertBefore(el("p", { className: "netw-citation" },
        [el("span", { className: "netw-citation-label", text: label }), ": " + message.citation.slice(match ? match[0].length : 0)]), after);
    }
    if (message.organisations && message.organisations.length) {
      node.insertBefore(this.organisationLinks(message.organisations), after);
    }
  };

  Widget.prototype.organisationLinks = function (organisations) {
    var s = this.strings;
    return el("ul", { className: "netw-orgs", "aria-label": s.organisations }, organisations.map(function (org) {
      var label = org.name + (org.country ? " (" + org.country + ")" : "");
      return el("li", {}, [externalLink(safeHttpUrl(org.website), label, s, "netw-org")]);
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

  Widget.prototype.persist = function () {
    this.store.saveHistory(this.sessionId, this.messages.map(function (m) {
      return m.from === "user" ? { id: m.id, from: "user", text: m.text } : {
        id: m.id, from: "bot", paragraphs: m.paragraphs, kind: m.kind || null, citation: m.citation || null,
        organisations: m.organisations || null, quickReplies: m.quickReplies || [],
      };
    }));
  };

  /* ---------------------------------------------------------------- start */

  function start() {
    if (window.NetWidget && window.NetWidget.widget) return; // embedded twice: keep the first
    var config = readConfig();
    var widget = new Widget(config);
    window.NetWidget = { widget: widget, version: "1.0.0" };
    loadStylesheet(BASE_URL + "net-widget.css", function () {
      widget.mount();
      widget.root.hidden = false;
      widget.connect();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
