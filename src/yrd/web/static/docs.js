// Starts Swagger UI on /docs from the server's own OpenAPI document. A same-origin file rather than an
// inline script, so the page runs under the same Content-Security-Policy as the rest (script-src 'self').
/* global SwaggerUIBundle */
window.addEventListener("DOMContentLoaded", () => {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    validatorUrl: null,          // never send the document to an outside validator
    tryItOutEnabled: false,
    displayRequestDuration: true,
  });
});
