// Progressive enhancement only: every page works without this file.
"use strict";

// "Tilføj person": clone the formset's empty form and bump TOTAL_FORMS.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-formset-add]");
  if (!button) return;
  const prefix = button.dataset.formsetAdd;
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const template = document.getElementById(`${prefix}-empty`);
  const target = document.getElementById(`${prefix}-forms`);
  if (!total || !template || !target) return;
  const index = Number(total.value);
  const html = template.innerHTML.replaceAll("__prefix__", String(index));
  target.insertAdjacentHTML("beforeend", html);
  total.value = String(index + 1);
  const first = target.lastElementChild?.querySelector("select, input:not([type=hidden])");
  if (first) first.focus();
});

// "Vurdér mål": keep the typed score and its slider in step.
document.addEventListener("input", (event) => {
  const source = event.target.closest?.("[data-sync]");
  if (!source) return;
  const other = document.getElementById(source.dataset.sync);
  if (other && other.value !== source.value) other.value = source.value;
});

// Signing out: remove the copies of half-written visits kept on this device (they hold the
// journal note; a tablet may be shared). Keys are "fb-visit-draft:<user>:<course>".
document.addEventListener("submit", (event) => {
  if (!event.target.matches?.("form[data-clears-device-drafts]")) return;
  try {
    for (const key of Object.keys(window.localStorage)) {
      if (key.startsWith("fb-visit-draft:")) window.localStorage.removeItem(key);
    }
  } catch {
    // Storage unavailable (private mode): nothing was kept.
  }
});
