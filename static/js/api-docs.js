// /api/docs: Swagger UI over our own openapi.json (the URL comes from the page's data attribute).
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    withCredentials: true,
    requestInterceptor: function (request) {
      // Cookie sessions need the CSRF token on writes; token callers send Authorization instead.
      var token = root.dataset.csrfToken;
      if (token && request.method !== "GET" && !request.headers.Authorization) {
        request.headers["X-CSRFToken"] = token;
      }
      return request;
    },
  });
});
