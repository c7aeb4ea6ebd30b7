/* Starts Swagger UI on /api/v1/docs (web/api_docs.py): settings come from the JSON block of the
   page, the CSRF token (session log-in) from a data attribute; no inline script (CSP). */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || !window.SwaggerUIBundle) { return; }
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrf = root.getAttribute("data-csrf-token");
  config.dom_id = "#swagger-ui";
  config.presets = [window.SwaggerUIBundle.presets.apis];
  if (csrf) {
    config.requestInterceptor = function (request) {
      request.headers["X-CSRFToken"] = csrf;
      return request;
    };
  }
  window.SwaggerUIBundle(config);
})();
