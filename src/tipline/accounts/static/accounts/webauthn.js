// Security keys (WebAuthn) for staff: register one, or sign in with one.
// Served from this origin; the staff pages' CSP allows 'self' scripts, reporter pages none.
// Without JavaScript the buttons stay hidden and the pages say what to do instead.
"use strict";

(function () {
  function fromBase64url(text) {
    var padded = text.replace(/-/g, "+").replace(/_/g, "/");
    while (padded.length % 4) { padded += "="; }
    var binary = atob(padded);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, fields) {
    var body = new URLSearchParams(fields || {});
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
      body: body,
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.error || response.statusText); }
        return data;
      });
    });
  }

  function credentialJSON(credential) {
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toBase64url(response.clientDataJSON) },
    };
    if (response.attestationObject) {
      json.response.attestationObject = toBase64url(response.attestationObject);
      if (response.getTransports) { json.response.transports = response.getTransports(); }
    } else {
      json.response.authenticatorData = toBase64url(response.authenticatorData);
      json.response.signature = toBase64url(response.signature);
      if (response.userHandle) { json.response.userHandle = toBase64url(response.userHandle); }
    }
    return JSON.stringify(json);
  }

  function register(section, showError) {
    return post(section.dataset.begin).then(function (options) {
      options.challenge = fromBase64url(options.challenge);
      options.user.id = fromBase64url(options.user.id);
      (options.excludeCredentials || []).forEach(function (c) { c.id = fromBase64url(c.id); });
      return navigator.credentials.create({ publicKey: options });
    }).then(function (credential) {
      var name = section.querySelector("input[name=name]");
      return post(section.dataset.finish, {
        credential: credentialJSON(credential),
        name: name ? name.value : "",
      });
    }).then(function () { window.location.reload(); });
  }

  function signIn(section) {
    return post(section.dataset.begin).then(function (options) {
      options.challenge = fromBase64url(options.challenge);
      (options.allowCredentials || []).forEach(function (c) { c.id = fromBase64url(c.id); });
      return navigator.credentials.get({ publicKey: options });
    }).then(function (credential) {
      return post(section.dataset.finish, { credential: credentialJSON(credential) });
    }).then(function (result) { window.location.assign(result.next); });
  }

  function wire(section, action) {
    if (!section || !window.PublicKeyCredential) { return; }
    var button = section.querySelector(".js-security-key");
    var error = section.querySelector(".js-security-key-error");
    var noScript = section.querySelector(".no-script-note");
    button.hidden = false;
    if (noScript) { noScript.hidden = true; }  // the script runs: it is not missing
    button.addEventListener("click", function () {
      error.hidden = true;
      button.disabled = true;
      action(section).catch(function (problem) {
        error.textContent = problem.message || String(problem);
        error.hidden = false;
        button.disabled = false;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    wire(document.getElementById("security-key-add"), register);
    wire(document.getElementById("security-key-signin"), signIn);
  });
})();
