/* turnout embeds: draws an organization's petition or RSVP form in the host page and posts it to
   turnout. Served by turnout at /embed.js; asks nothing of any other site. Only DOM APIs and
   textContent: nothing received is ever parsed as HTML. Without JavaScript, or when turnout
   refuses this site, the link inside the div stays and leads to the action's own page. */
(function () {
  'use strict';
  var me = document.currentScript;
  if (!me || !me.src) return;
  var base = new URL(me.src).origin;
  var seen = typeof WeakSet === 'function' ? new WeakSet() : null;
  var counter = 0;
  var TYPES = { petition: 'petitions', event: 'events', form: 'forms' };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) for (var k in attrs) if (attrs[k] !== undefined && attrs[k] !== null && attrs[k] !== false) node.setAttribute(k, attrs[k] === true ? '' : String(attrs[k]));
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function langOf(node) {
    var wanted = node.getAttribute('data-lang') || (document.documentElement.getAttribute('lang') || '');
    wanted = wanted.toLowerCase().slice(0, 2);
    return wanted === 'es' || wanted === 'en' ? wanted : '';
  }

  function endpoint(type, slug, suffix, lang) {
    var url = base + '/embed/v1/' + TYPES[type] + '/' + encodeURIComponent(slug) + (suffix || '');
    return lang ? url + '?lang=' + lang : url;
  }

  function getJson(url, fresh) {
    return fetch(url, { mode: 'cors', credentials: 'omit', cache: fresh ? 'no-store' : 'default', headers: { accept: 'application/json' } }).then(function (r) {
      if (!r.ok) throw new Error('turnout answered ' + r.status);
      return r.json();
    });
  }

  function drawField(form, f, prefix) {
    var id = prefix + (f.name === 'share' ? 'share-' + f.value : f.name);
    var wrap = el('div', { class: 'turnout-field turnout-' + f.type, 'data-field': f.name });
    var group = f.type === 'radios' || f.type === 'checkboxes';
    var holder = group ? el('fieldset') : wrap;
    if (group) {
      holder.appendChild(el('legend', null, f.label));
      wrap.appendChild(holder);
    } else if (f.type !== 'checkbox') holder.appendChild(el('label', { for: id }, f.label));
    var described = [];
    if (f.hint) {
      holder.appendChild(el('span', { class: 'turnout-hint', id: prefix + f.name + '-hint' }, f.hint));
      described.push(prefix + f.name + '-hint');
    }
    holder.appendChild(el('span', { class: 'turnout-error', id: prefix + f.name + '-error', hidden: true }));
    var control;
    if (group) {
      (f.options || []).forEach(function (o, i) {
        var optionId = i === 0 ? prefix + f.name : prefix + f.name + '-' + i;
        var line = el('div', { class: 'turnout-checkbox' });
        line.appendChild(el('input', { type: f.type === 'radios' ? 'radio' : 'checkbox', id: optionId, name: f.name, value: o.value, 'data-many': f.type === 'checkboxes' }));
        line.appendChild(el('label', { for: optionId }, o.label));
        holder.appendChild(line);
      });
      if (described.length) holder.setAttribute('aria-describedby', described.join(' '));
      form.appendChild(wrap);
      return;
    }
    if (f.type === 'checkbox') {
      var box = el('div', { class: 'turnout-checkbox' });
      control = el('input', { type: 'checkbox', id: id, name: f.name, value: f.value, 'data-many': f.name === 'share' });
      box.appendChild(control);
      box.appendChild(el('label', { for: id }, f.label));
      holder.appendChild(box);
    } else if (f.type === 'select') {
      control = el('select', { id: id, name: f.name, autocomplete: f.autocomplete });
      (f.options || []).forEach(function (o) {
        var option = el('option', { value: o.value }, o.label);
        if (o.value === f.selected) option.selected = true;
        control.appendChild(option);
      });
      holder.appendChild(control);
    } else if (f.type === 'textarea') {
      control = el('textarea', { id: id, name: f.name, rows: 3, maxlength: f.maxlength });
      holder.appendChild(control);
    } else {
      control = el('input', {
        type: f.type === 'email' ? 'email' : 'text',
        id: id,
        name: f.name,
        autocomplete: f.autocomplete,
        inputmode: f.inputmode,
        maxlength: f.maxlength,
        required: f.required,
        spellcheck: f.type === 'email' ? 'false' : undefined,
      });
      holder.appendChild(control);
    }
    if (described.length) control.setAttribute('aria-describedby', described.join(' '));
    form.appendChild(wrap);
  }

  function values(form) {
    var out = { share: [] };
    Array.prototype.forEach.call(form.elements, function (c) {
      if (!c.name) return;
      var many = c.hasAttribute('data-many');
      if (many && !out[c.name]) out[c.name] = [];
      if ((c.type === 'checkbox' || c.type === 'radio') && !c.checked) return;
      if (many) out[c.name].push(c.value);
      else out[c.name] = c.value;
    });
    return out;
  }

  function showErrors(root, form, summary, def, errors, prefix) {
    clear(summary);
    Array.prototype.forEach.call(form.querySelectorAll('.turnout-field'), function (wrap) {
      var name = wrap.getAttribute('data-field');
      var error = wrap.querySelector('.turnout-error');
      var hint = wrap.querySelector('.turnout-hint');
      var described = wrap.querySelector('fieldset') || wrap.querySelector('input,select,textarea');
      var ids = hint ? [hint.id] : [];
      var wrong = Boolean(errors[name]);
      error.textContent = wrong ? errors[name] : '';
      error.hidden = !wrong;
      if (wrong) ids.push(error.id);
      wrap.classList.toggle('turnout-has-error', wrong);
      Array.prototype.forEach.call(wrap.querySelectorAll('input,select,textarea'), function (control) {
        if (wrong) control.setAttribute('aria-invalid', 'true');
        else control.removeAttribute('aria-invalid');
      });
      if (ids.length) described.setAttribute('aria-describedby', ids.join(' '));
      else described.removeAttribute('aria-describedby');
    });
    var names = Object.keys(errors);
    if (!names.length) {
      summary.hidden = true;
      return;
    }
    summary.appendChild(el('h3', null, def.messages.summary));
    var list = el('ul');
    names.forEach(function (name) {
      var item = el('li');
      var target = document.getElementById(prefix + name);
      var link = el('a', { href: '#' + prefix + name }, errors[name]);
      link.addEventListener('click', function (event) {
        if (!target) return;
        event.preventDefault();
        target.focus();
      });
      item.appendChild(link);
      list.appendChild(item);
    });
    summary.appendChild(list);
    summary.hidden = false;
    summary.focus();
  }

  function pageLink(def, text) {
    return el('a', { href: def.page, target: '_blank', rel: 'noopener' }, text || def.messages.openPage);
  }

  function drawForm(root, def, source) {
    var prefix = 'turnout-' + ++counter + '-';
    var box = el('div', { class: 'turnout-embed turnout-' + def.type, lang: def.lang });
    box.appendChild(el('h2', { class: 'turnout-title' }, def.title));
    (def.summary || []).forEach(function (line) {
      box.appendChild(el('p', { class: 'turnout-summary' }, line));
    });
    var countLine = el('p', { class: 'turnout-count' }, def.countText);
    box.appendChild(countLine);
    if (!def.open || def.challenge) {
      box.appendChild(el('p', { class: 'turnout-notice' }, def.open ? def.messages.challenge : def.closedText));
      var p = el('p');
      p.appendChild(pageLink(def));
      box.appendChild(p);
      clear(root);
      root.appendChild(box);
      return;
    }
    var summary = el('div', { class: 'turnout-error-summary', role: 'alert', tabindex: '-1', hidden: true });
    box.appendChild(summary);
    var form = el('form', { class: 'turnout-form', novalidate: true, 'aria-label': def.heading });
    def.fields.forEach(function (f) {
      drawField(form, f, prefix);
    });
    var button = el('button', { type: 'submit', class: 'turnout-submit' }, def.submit);
    form.appendChild(button);
    var status = el('p', { class: 'turnout-status', role: 'status', 'aria-live': 'polite' });
    form.appendChild(status);
    box.appendChild(form);
    var foot = el('p', { class: 'turnout-powered' });
    foot.appendChild(pageLink(def, def.messages.powered));
    box.appendChild(foot);

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (button.disabled) return;
      var body = values(form);
      body.lang = def.lang;
      if (source) body.source = source;
      button.disabled = true;
      status.textContent = def.messages.sending;
      fetch(def.post, {
        method: 'POST',
        mode: 'cors',
        credentials: 'omit',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      })
        .then(function (r) {
          return r.json().then(
            function (answer) {
              return { code: r.status, answer: answer };
            },
            function () {
              return { code: r.status, answer: {} };
            },
          );
        })
        .then(function (res) {
          var a = res.answer || {};
          button.disabled = false;
          status.textContent = '';
          if (a.status === 'done') {
            var thanks = el('div', { class: 'turnout-thanks', role: 'status', tabindex: '-1' });
            thanks.appendChild(el('h3', null, a.title));
            thanks.appendChild(el('p', null, a.body));
            box.replaceChild(thanks, form);
            summary.hidden = true;
            thanks.focus();
            // The count moves once turnout's read cache (2 s, refreshed behind the first read) has the new record.
            [2500, 6000].forEach(function (delay) {
              setTimeout(function () {
                getJson(endpoint(def.type, def.slug, '/count', def.lang), true).then(function (c) {
                  countLine.textContent = c.text;
                }, function () {});
              }, delay);
            });
          } else if (a.status === 'invalid') {
            showErrors(root, form, summary, def, a.errors || {}, prefix);
          } else {
            showErrors(root, form, summary, def, {}, prefix);
            status.textContent = a.error || def.messages.network;
            if (a.status === 'challenge' || a.status === 'closed') {
              status.appendChild(document.createTextNode(' '));
              status.appendChild(pageLink(def));
            }
          }
        })
        .catch(function () {
          button.disabled = false;
          status.textContent = def.messages.network;
        });
    });
    clear(root);
    root.appendChild(box);
  }

  function start(root, type, slug) {
    if (seen) {
      if (seen.has(root)) return;
      seen.add(root);
    }
    getJson(endpoint(type, slug, '', langOf(root))).then(
      function (def) {
        drawForm(root, def, root.getAttribute('data-source'));
      },
      function () {
        /* Not reachable or this site is not listed: the link stays. */
      },
    );
  }

  function startCount(root, type, slug) {
    if (seen) {
      if (seen.has(root)) return;
      seen.add(root);
    }
    getJson(endpoint(type, slug, '/count', langOf(root))).then(
      function (c) {
        clear(root);
        root.appendChild(el('span', { class: 'turnout-count' }, c.text));
      },
      function () {},
    );
  }

  function scan() {
    Object.keys(TYPES).forEach(function (type) {
      Array.prototype.forEach.call(document.querySelectorAll('[data-turnout-' + type + ']'), function (root) {
        start(root, type, root.getAttribute('data-turnout-' + type));
      });
      Array.prototype.forEach.call(document.querySelectorAll('[data-turnout-' + type + '-count]'), function (root) {
        startCount(root, type, root.getAttribute('data-turnout-' + type + '-count'));
      });
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', scan);
  else scan();
})();
