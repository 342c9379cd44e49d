/*
 * NET information assistant, chat widget: the bootstrap.
 *
 * net-widget.js (the one script tag of an embedding page) imports this module and calls
 * start() with its tag's data-* attributes and its folder. start() reads the configuration,
 * loads the assistant's words (net-widget-texts.js) and the stylesheet, then mounts the widget
 * (net-widget-dom.js) and connects it through its transport (net-widget-transport.js).
 */
import { readConfig, assistantTexts } from "./net-widget-core.js";
import { Widget } from "./net-widget-dom.js";
import { SocketTransport, RestTransport, loadScript, loadStylesheet } from "./net-widget-transport.js";

export var VERSION = "1.0.0";

/** `tag`: {dataset (the script tag's data-* attributes), baseUrl (the widget's folder)}. */
export function start(tag) {
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { startNow(tag); });
  } else {
    startNow(tag);
  }
}

function startNow(tag) {
  if (window.NetWidget && window.NetWidget.widget) return; // embedded twice: keep the first
  var baseUrl = tag.baseUrl;
  var config = readConfig({
    globalConfig: window.NetWidgetConfig, dataset: tag.dataset, search: window.location.search,
  });
  var widget = new Widget(config);
  window.NetWidget = { widget: widget, version: VERSION };
  // Without the disclaimer there is no chat: it is what the panel opens with.
  loadScript(baseUrl + "net-widget-texts.js", function () {
    widget.texts = assistantTexts(window.NetWidgetTexts, config.lang);
    if (!widget.texts) {
      console.error("net-widget: net-widget-texts.js is missing or has no disclaimer (make setup writes it)");
      return;
    }
    loadStylesheet(baseUrl + "net-widget.css", function () {
      widget.mount();
      widget.root.hidden = false;
      widget.connect(function (events) {
        var Transport = config.transport === "rest" ? RestTransport : SocketTransport;
        return new Transport(config, widget.sessionId, events, baseUrl);
      });
    });
  }, function () { return Boolean(assistantTexts(window.NetWidgetTexts, config.lang)); });
}
