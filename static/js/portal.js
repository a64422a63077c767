// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the error summary so screen-reader users hear what failed.
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});
