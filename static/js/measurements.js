// The measurement form (issue 6): keep the count of answered items up to date as answers are
// tapped. Progressive enhancement only: the server renders the same count.
"use strict";

(() => {
  const form = document.querySelector("form[data-measurement-form]");
  if (!form) return;
  const counter = form.querySelector("[data-answered-count]");
  if (!counter) return;

  const recount = () => {
    let answered = 0;
    for (const item of form.querySelectorAll("[data-item]")) {
      const checked = item.querySelector("input[type=radio]:checked");
      if (checked && checked.value !== "") answered += 1;
    }
    counter.textContent = String(answered);
  };

  form.addEventListener("change", (event) => {
    if (event.target.closest("[data-item]")) recount();
  });
  recount();
})();
