// turnout's proof-of-work solver (altcha-lib's v2 challenge, SHA-256, cost 1), served from this
// site and run only on forms that carry the challenge. It fetches a challenge from the URL in
// `data-challenge`, finds the counter whose SHA-256(salt ‖ nonce ‖ counter as 4 bytes) starts
// with the signed prefix, and puts the solution in the form's `altcha` field. Without it the
// form still posts, under a stricter limit. Plain JavaScript, no imports, no other site.
(function () {
  'use strict';
  var box = document.querySelector('[data-challenge]');
  if (!box) return;
  var form = box.closest('form');
  var field = form && form.querySelector('input[name="altcha"]');
  var status = box.querySelector('[data-challenge-status]');
  if (!form || !field) return;
  var note = box.querySelector('[data-challenge-note]');
  if (note) note.hidden = true;
  var maxAge = 8 * 60 * 1000; // under the server's 10 minutes, so a solution is not stale when it arrives
  var solvedAt = 0;
  var solving = null;
  var sending = false;

  var K = new Int32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);
  var H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  var W = new Int32Array(64);
  var out = new Int32Array(8);

  // SHA-256 of one padded block (the message is 36 bytes: 9 words, then the padding).
  function compress(block) {
    var i;
    for (i = 0; i < 16; i++) W[i] = block[i];
    for (i = 16; i < 64; i++) {
      var x = W[i - 15], y = W[i - 2];
      var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
    }
    var a = H0[0], b = H0[1], c = H0[2], d = H0[3], e = H0[4], f = H0[5], g = H0[6], h = H0[7];
    for (i = 0; i < 64; i++) {
      var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      var t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
      var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      var t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    out[0] = (H0[0] + a) | 0; out[1] = (H0[1] + b) | 0; out[2] = (H0[2] + c) | 0; out[3] = (H0[3] + d) | 0;
    out[4] = (H0[4] + e) | 0; out[5] = (H0[5] + f) | 0; out[6] = (H0[6] + g) | 0; out[7] = (H0[7] + h) | 0;
  }

  function hexWords(hex, n) {
    var words = new Int32Array(n);
    for (var i = 0; i < n; i++) words[i] = parseInt(hex.substr(i * 8, 8), 16) | 0;
    return words;
  }

  function hex(words) {
    var s = '';
    for (var i = 0; i < words.length; i++) s += ('0000000' + (words[i] >>> 0).toString(16)).slice(-8);
    return s;
  }

  // Looks through counters in slices of about 30 ms, so the page stays responsive.
  function search(challenge) {
    var p = challenge.parameters;
    var prefix = p.keyPrefix.toLowerCase();
    if (p.algorithm !== 'SHA-256' || p.cost !== 1 || prefix.length % 8 !== 0) return Promise.reject(new Error('unsupported challenge'));
    var block = new Int32Array(16);
    block.set(hexWords(p.salt, 4), 0);
    block.set(hexWords(p.nonce, 4), 4);
    block[9] = 0x80000000 | 0;
    block[15] = 36 * 8;
    var want = hexWords(prefix, prefix.length / 8);
    var counter = 0;
    var started = Date.now();
    return new Promise(function (resolve, reject) {
      function slice() {
        var until = Date.now() + 30;
        while (Date.now() < until) {
          for (var j = 0; j < 2000; j++, counter++) {
            block[8] = counter;
            compress(block);
            var ok = true;
            for (var k = 0; k < want.length; k++) if (out[k] !== want[k]) { ok = false; break; }
            if (ok) {
              resolve({ counter: counter, derivedKey: hex(out), time: Date.now() - started });
              return;
            }
          }
          if (counter > 0xffffffff) { reject(new Error('no solution')); return; }
        }
        setTimeout(slice, 0);
      }
      slice();
    });
  }

  function say(key) {
    if (status) status.textContent = box.getAttribute(key) || '';
  }

  function solve() {
    solving = fetch(box.getAttribute('data-challenge'), { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) {
        if (!r.ok) throw new Error('challenge ' + r.status);
        return r.json();
      })
      .then(function (challenge) {
        return search(challenge).then(function (solution) {
          field.value = btoa(JSON.stringify({ challenge: { parameters: challenge.parameters, signature: challenge.signature }, solution: solution }));
          solvedAt = Date.now();
          box.setAttribute('data-challenge-time', String(solution.time));
        });
      })
      .catch(function () {
        // The form still posts without a solution, under the stricter limit.
        field.value = '';
      });
    return solving;
  }

  function fresh() {
    return field.value !== '' && Date.now() - solvedAt < maxAge;
  }

  // Sent before the solution is ready (or after it grew stale): wait for it, then send.
  form.addEventListener('submit', function (event) {
    if (sending || fresh()) return;
    event.preventDefault();
    sending = true;
    say('data-working');
    (solving || solve())
      .then(function () {
        if (field.value !== '' && !fresh()) return solve();
      })
      .then(function () {
        form.submit();
      });
  });

  solve();
})();
