/*
 * NET information assistant, chat widget: the transports to Rasa, and loading the widget's
 * other files (texts, stylesheet, the vendored socket.io-client).
 *
 * Both transports take the same `events` ({onConnected, onDisconnected, onSessionId,
 * onBotMessage, onNotSent}) and have start(), send(text) (false when not connected) and
 * restart(sessionId).
 */
import { splitRestMessage } from "./net-widget-core.js";

var REST_HEALTH_RETRY_MS = 3000;

/** Rasa's Socket.IO channel with session persistence: the server issues the session id
 * (session_confirm); it is kept in storage and sent with session_request on every
 * (re)connect, so a reload continues the conversation. Without one (a first visit, a new
 * conversation) session_request carries null and the server issues a new id. */
export function SocketTransport(config, sessionId, events, baseUrl) {
  this.config = config;
  this.sessionId = sessionId;
  this.events = events;
  this.baseUrl = baseUrl;
  this.ready = false;
}

SocketTransport.prototype.start = function () {
  var self = this;
  loadScript(this.baseUrl + "vendor/socket.io.min.js", function (error) {
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
export function RestTransport(config, sessionId, events) {
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
        splitRestMessage(message).forEach(function (part) { self.events.onBotMessage(part); });
      });
    })
    .catch(function () {
      self.unreachable();
      self.events.onNotSent(text);
    });
  return true;
};

RestTransport.prototype.restart = function (sessionId) { this.sessionId = sessionId; };

/** A classic script (the texts, socket.io-client), unless `isLoaded()` says it is there. */
export function loadScript(src, done, isLoaded) {
  if ((isLoaded || function () { return typeof window.io === "function"; })()) return done(null);
  var script = document.createElement("script");
  script.setAttribute("src", src);
  script.onload = function () { done(null); };
  script.onerror = function () { done(new Error("could not load " + src)); };
  document.head.appendChild(script);
}

export function loadStylesheet(href, done) {
  var link = document.createElement("link");
  link.setAttribute("rel", "stylesheet");
  link.setAttribute("href", href);
  link.onload = done;
  link.onerror = done;
  document.head.appendChild(link);
}
