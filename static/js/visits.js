// The visit form (issue 5), loaded only by the visit templates. Progressive enhancement:
// without this file every section shows at once and the form still saves.
//
// * steps: one section at a time, "Forrige"/"Næste", opening at the first error;
// * FIT: each slider kept in step with its typed number, the block marked "Udfyldt" when
//   touched (an untouched block is never sent), a live total, blocks shown only for the
//   family members ticked as taking part, the version by age on the chosen date;
// * "Tilføj en mere" copies an empty collateral ORS block;
// * a copy of the form on this device (localStorage), restored with a notice when it is
//   newer than the draft on the server — so a dropped connection loses nothing. The copy is
//   removed when the visit is saved or the draft discarded, and forgotten after a day.
"use strict";

(() => {
  const MAX_AGE_MS = 24 * 60 * 60 * 1000;

  const storage = {
    get(key) {
      try {
        return JSON.parse(window.localStorage.getItem(key) || "null");
      } catch {
        return null;
      }
    },
    set(key, value) {
      try {
        window.localStorage.setItem(key, JSON.stringify(value));
      } catch {
        // Private mode or a full store: the server draft still works.
      }
    },
    remove(key) {
      try {
        window.localStorage.removeItem(key);
      } catch {
        // Nothing stored, nothing to remove.
      }
    },
  };

  // After a visit is saved: forget this device's copy.
  for (const marker of document.querySelectorAll("[data-clear-draft]")) {
    storage.remove(marker.dataset.clearDraft);
  }

  const form = document.getElementById("visit-form");
  if (!form) return;

  // Steps ------------------------------------------------------------------------------------
  const steps = [...form.querySelectorAll("[data-step]")];
  const links = [...form.querySelectorAll("[data-step-go]")];
  const prev = form.querySelector("[data-step-prev]");
  const next = form.querySelector("[data-step-next]");
  let current = 0;

  function showStep(index, focus) {
    current = Math.max(0, Math.min(index, steps.length - 1));
    const name = steps[current].dataset.step;
    steps.forEach((step, i) => step.classList.toggle("is-current", i === current));
    for (const link of links) {
      const on = link.dataset.stepGo === name;
      link.classList.toggle("active", on);
      if (on) link.setAttribute("aria-current", "step");
      else link.removeAttribute("aria-current");
    }
    prev.classList.toggle("is-hidden", current === 0);
    next.classList.toggle("is-hidden", current === steps.length - 1);
    if (focus) {
      const heading = steps[current].querySelector("h2");
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  }

  form.classList.add("is-stepped");
  for (const link of links) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      showStep(
        steps.findIndex((step) => step.dataset.step === link.dataset.stepGo),
        true,
      );
    });
  }
  prev.addEventListener("click", () => showStep(current - 1, true));
  next.addEventListener("click", () => showStep(current + 1, true));
  const firstError = steps.findIndex((step) => step.hasAttribute("data-step-error"));
  showStep(firstError >= 0 ? firstError : 0, false);

  // FIT --------------------------------------------------------------------------------------
  const parse = (text) => {
    const trimmed = String(text).trim();
    if (trimmed === "") return null;
    const value = Number(trimmed.replace(",", "."));
    return Number.isFinite(value) ? value : null;
  };
  const format = (value) => value.toFixed(1).replace(".", ",");
  const inRange = (value) => value !== null && value >= 0 && value <= 10;

  function updateTotal(block) {
    const values = [...block.querySelectorAll("[data-fit-number]")].map((n) => parse(n.value));
    const total = block.querySelector("[data-fit-total]");
    total.textContent = values.every(inRange)
      ? format(values.reduce((sum, value) => sum + value, 0))
      : "–";
  }

  function markFilled(block) {
    const box = block.querySelector("[data-fit-filled]");
    if (box) box.checked = true;
  }

  function fromSlider(range) {
    const number = document.getElementById(range.dataset.fitRange);
    number.value = format(Number(range.value));
    range.classList.remove("fit-untouched");
    const block = range.closest("[data-fit-block]");
    markFilled(block);
    updateTotal(block);
  }

  function fromNumber(number) {
    const range = document.getElementById(`${number.id}-range`);
    const value = parse(number.value);
    if (range && inRange(value)) {
      range.value = String(value);
      range.classList.remove("fit-untouched");
    }
    const block = number.closest("[data-fit-block]");
    if (number.value.trim() !== "") markFilled(block);
    updateTotal(block);
  }

  function clearBlock(block) {
    for (const number of block.querySelectorAll("[data-fit-number]")) number.value = "";
    for (const range of block.querySelectorAll("[data-fit-range]")) {
      range.value = "5";
      range.classList.add("fit-untouched");
    }
    updateTotal(block);
  }

  function syncMembers() {
    const ticked = new Set(
      [...form.querySelectorAll("[data-family-member]:checked")].map((box) => box.value),
    );
    let anyone = false;
    for (const fieldset of form.querySelectorAll("[data-fit-member]")) {
      const on = ticked.has(fieldset.dataset.fitMember);
      fieldset.classList.toggle("is-hidden", !on);
      fieldset.disabled = !on; // a hidden block is not sent
      anyone = anyone || on;
    }
    form.querySelector("[data-fit-nobody]")?.classList.toggle("is-hidden", anyone);
  }

  function syncVersions() {
    const day = form.querySelector("[name=day]")?.value || "";
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return;
    for (const fieldset of form.querySelectorAll("[data-fit-member]")) {
      const d = fieldset.dataset;
      let label = d.labelYoung;
      if (day < d.born) label = d.labelUnborn;
      else if (day >= d.adultFrom) label = d.labelAdult;
      else if (day >= d.childFrom) label = d.labelChild;
      fieldset.querySelector("[data-fit-version]").textContent = label;
    }
  }

  form.addEventListener("input", (event) => {
    const target = event.target;
    if (target.matches("[data-fit-range]")) fromSlider(target);
    else if (target.matches("[data-fit-number]")) fromNumber(target);
  });
  // A tap on a slider where it already stands changes nothing, but still means "this".
  form.addEventListener("click", (event) => {
    const range = event.target.closest("[data-fit-range]");
    if (range && document.getElementById(range.dataset.fitRange).value === "") fromSlider(range);
  });
  form.addEventListener("change", (event) => {
    const target = event.target;
    if (target.matches("[data-fit-filled]") && !target.checked) {
      clearBlock(target.closest("[data-fit-block]"));
    } else if (target.matches("[data-family-member]")) {
      syncMembers();
    } else if (target.name === "day") {
      syncVersions();
    }
  });

  // Collateral ORS ---------------------------------------------------------------------------
  const addButton = form.querySelector("[data-collateral-add]");
  const template = document.getElementById("visit-collateral-template");
  const list = form.querySelector("[data-collateral-list]");

  function addCollateral(index) {
    list.insertAdjacentHTML("beforeend", template.innerHTML.replaceAll("__i__", String(index)));
    addButton.dataset.nextIndex = String(Math.max(Number(addButton.dataset.nextIndex), index + 1));
    return list.lastElementChild;
  }

  if (addButton && template && list) {
    addButton.classList.remove("is-hidden");
    addButton.addEventListener("click", () => {
      const card = addCollateral(Number(addButton.dataset.nextIndex));
      card.querySelector("select")?.focus();
    });
  }

  // The copy on this device -------------------------------------------------------------------
  const key = form.dataset.draftKey;

  function serialize() {
    const data = {};
    for (const [name, value] of new FormData(form)) {
      if (name === "csrfmiddlewaretoken") continue;
      (data[name] ||= []).push(String(value));
    }
    return data;
  }

  function restore(data) {
    for (const name of Object.keys(data)) {
      const match = /^col-(\d+)-/.exec(name);
      if (match && addButton && !form.elements.namedItem(name)) addCollateral(Number(match[1]));
    }
    for (const field of form.querySelectorAll("input[name], select[name], textarea[name]")) {
      if (field.name === "csrfmiddlewaretoken" || field.type === "hidden") continue;
      const values = data[field.name];
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = Array.isArray(values) && values.includes(field.value);
      } else if (Array.isArray(values)) {
        field.value = values[values.length - 1];
      }
    }
    syncMembers();
    for (const number of form.querySelectorAll("[data-fit-number]")) fromNumber(number);
  }

  let timer = null;
  function saveLocal() {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => storage.set(key, { saved: Date.now(), data: serialize() }), 300);
  }

  // Once the form is sent (or the draft discarded) no autosave may follow: a late one would
  // bring back a draft of the visit just saved.
  let leaving = false;
  form.addEventListener("submit", () => {
    leaving = true;
  });
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    if (leaving && form.contains(event.target)) event.preventDefault();
  });

  if (key) {
    const copy = storage.get(key);
    if (copy && Date.now() - copy.saved > MAX_AGE_MS) storage.remove(key);
    const serverSaved = Number(form.dataset.serverDraft || "0") * 1000;
    if (
      form.dataset.restoreLocal === "1" &&
      copy &&
      Date.now() - copy.saved <= MAX_AGE_MS &&
      copy.saved > serverSaved + 1000
    ) {
      restore(copy.data);
      form.querySelector("[data-local-restored]")?.classList.remove("is-hidden");
      form.querySelector("[data-testid=visit-draft-restored]")?.classList.add("is-hidden");
      // Let the autosave carry the restored fields to the server (once htmx listens:
      // it starts on DOMContentLoaded, after this deferred script).
      const send = () =>
        form.querySelector(".visit-fields")?.dispatchEvent(new Event("change", { bubbles: true }));
      if (document.readyState === "complete") send();
      else window.addEventListener("load", send, { once: true });
    }
    form.addEventListener("input", saveLocal);
    form.addEventListener("change", saveLocal);
    for (const button of form.querySelectorAll("[data-discard-draft]")) {
      button.addEventListener("click", () => {
        leaving = true;
        window.clearTimeout(timer);
        storage.remove(key);
      });
    }
    const status = document.getElementById("visit-draft-status");
    const failed = (event) => {
      if (!status || !form.contains(event.target)) return;
      const offline = !event.detail.xhr || event.detail.xhr.status === 0;
      status.textContent = offline ? status.dataset.offline : status.dataset.failed;
    };
    document.body.addEventListener("htmx:sendError", failed);
    document.body.addEventListener("htmx:responseError", failed);
  }

  syncMembers();
  syncVersions();
})();
