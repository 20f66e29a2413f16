// MOPAC complaint reviews: JavaScript entry point (ES module), loaded with the page's CSP nonce.
// The layout's inline script marks <body> as govuk-frontend-supported before this runs.
import { initAll } from "./govuk-frontend.min.js";
import { initTimeoutWarnings } from "./timeout-warning.js";

initAll();
initTimeoutWarnings();
