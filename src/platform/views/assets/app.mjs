// Progressive enhancement only: every page works without this script.
import { initAll } from '/assets/js/govuk-frontend.min.js';
import { initAll as initMoj } from '/assets/js/moj-frontend.min.js';

initAll();
initMoj();
