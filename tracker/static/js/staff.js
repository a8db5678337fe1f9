// Staff pages: small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // The release kind only matters for "released": hide it otherwise (it stays in the form).
  function wireReleaseKind() {
    var status = document.getElementById("status");
    var wrapper = document.querySelector(".js-release-kind");
    if (!status || !wrapper || status.form === null || !status.form.querySelector("#release_kind")) {
      return;
    }
    function update() {
      var released = status.value === "released";
      wrapper.hidden = !released;
      if (!released) {
        document.getElementById("release_kind").value = "";
      }
    }
    status.addEventListener("change", update);
    update();
  }

  // Confirm buttons that cannot be undone (deactivate, revoke).
  function wireConfirm() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) {
          event.preventDefault();
        }
      });
    });
  }

  // Put focus on the error summary so keyboard and screen-reader users hear it first.
  function focusErrors() {
    var summary = document.querySelector(".error-summary[tabindex]");
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    wireReleaseKind();
    wireConfirm();
    focusErrors();
  });
})();
