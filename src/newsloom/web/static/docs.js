// Starts Swagger UI or ReDoc on /docs and /redoc from the bundled copies (no inline script:
// the Content-Security-Policy allows scripts from this origin only).
(function () {
  "use strict";
  var root = document.getElementById("api-docs");
  var url = root.getAttribute("data-openapi");
  if (root.getAttribute("data-kind") === "swagger") {
    window.ui = SwaggerUIBundle({
      url: url, dom_id: "#api-docs", deepLinking: true, validatorUrl: null,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
      layout: "BaseLayout"
    });
  } else {
    Redoc.init(url, { hideDownloadButton: false }, root);
  }
})();
