/*
 * NET information assistant: the website chat widget.
 *
 * Embed with one script tag (see docs/widget.md):
 *   <script src="widget/net-widget.js" data-server-url="http://localhost:5005"
 *           data-title="NET treatment information" data-lang="en" defer></script>
 * or set `window.NetWidgetConfig = {serverUrl: ...}` before the tag.
 *
 * This classic script only notes its tag (its data-* attributes and its folder, which a module
 * cannot see) and imports the widget's native ES modules from the same folder, no build step:
 *   net-widget-main.js       the bootstrap: configuration, texts and stylesheet, then start
 *   net-widget-core.js       the protocol core, pure (tests/widget/, `make test-widget`)
 *   net-widget-dom.js        the page: rendering, focus and screen-reader support
 *   net-widget-transport.js  Rasa's Socket.IO channel (socket.io-client in vendor/) or REST
 * The assistant's words it shows first (the disclaimer) are in net-widget-texts.js, generated
 * from domain.yml (NetWidgetTexts, net_assistant/widget_texts.py).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var baseUrl = script && script.src ? new URL(".", script.src).href : new URL("widget/", document.baseURI).href;
  var dataset = script ? Object.assign({}, script.dataset) : {};
  import(baseUrl + "net-widget-main.js").then(function (main) {
    main.start({ dataset: dataset, baseUrl: baseUrl });
  }, function (error) {
    console.error("net-widget: could not load its modules from " + baseUrl, error);
  });
})();
