// Forwards Instagram's redirect to Instalink's loopback server. Only the
// OAuth result parameters are passed on, only to 127.0.0.1, so the page
// cannot be used as an open redirect (RFC 6749 section 10.15).
(function relay() {
  'use strict';

  var FORWARDED = [
    'code',
    'state',
    'error',
    'error_reason',
    'error_description',
  ];
  var meta = document.querySelector('meta[name="instalink-port"]');
  var port = Number(meta && meta.getAttribute('content'));
  var status = document.getElementById('status');

  if (!Number.isInteger(port) || port < 1024 || port > 65535) {
    status.textContent = 'This relay page has no valid port configured.';
    return;
  }

  var incoming = new URLSearchParams(window.location.search);
  var outgoing = new URLSearchParams();
  FORWARDED.forEach(function copy(name) {
    var value = incoming.get(name);
    if (value !== null) outgoing.set(name, value);
  });

  if (!outgoing.has('state')) {
    status.textContent = 'This page was opened without a sign-in result.';
    return;
  }

  window.location.replace(
    'http://127.0.0.1:' + port + '/callback?' + outgoing.toString(),
  );
})();
