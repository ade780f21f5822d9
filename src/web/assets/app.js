// helpdesk web panel: a few enhancements of our own. Every page works
// without them: forms post, links navigate, the server renders everything.
(function () {
  'use strict';

  // A list that keeps itself current: the region with data-fragment is
  // fetched again (the same URL, asking for the fragment only) whenever the
  // server says the help desk changed.
  var region = document.querySelector('[data-fragment]');
  var badge = document.querySelector('[data-live]');
  if (region && window.EventSource && window.fetch) {
    var busy = false;
    var again = false;
    var refresh = function () {
      if (busy) { again = true; return; }
      busy = true;
      fetch(region.getAttribute('data-fragment'), { headers: { 'X-Fragment': '1' }, credentials: 'same-origin' })
        .then(function (r) { if (r.ok) { return r.text(); } throw new Error(String(r.status)); })
        .then(function (html) { region.innerHTML = html; })
        .catch(function () { /* the next change tries again */ })
        .then(function () { busy = false; if (again) { again = false; refresh(); } });
    };
    var events = new EventSource('/events');
    events.addEventListener('changed', refresh);
    if (badge) {
      events.onopen = function () { badge.classList.add('on'); };
      events.onerror = function () { badge.classList.remove('on'); };
    }
  }

  // On a wide screen the filters stay open; they apply as soon as one
  // changes (the search box on Enter).
  var box = document.querySelector('details.filterbox');
  if (box && window.matchMedia && window.matchMedia('(min-width: 721px)').matches) { box.open = true; }
  var filters = box && box.closest('form');
  if (filters) {
    // The URL keeps only what is set, so a view stays a short bookmark.
    filters.addEventListener('submit', function (e) {
      if (!window.URLSearchParams || !window.FormData) { return; }
      e.preventDefault();
      var params = new URLSearchParams();
      new FormData(filters).forEach(function (value, key) { if (value !== '') { params.append(key, value); } });
      var query = params.toString();
      window.location.assign(filters.getAttribute('action') + (query ? '?' + query : ''));
    });
    filters.addEventListener('change', function (e) {
      if (e.target.name === 'q') { return; }
      if (filters.requestSubmit) { filters.requestSubmit(); } else { filters.dispatchEvent(new Event('submit', { cancelable: true })); }
    });
  }

  // A page's own print button (the handover document).
  document.addEventListener('click', function (e) {
    if (e.target.closest && e.target.closest('[data-print]')) { window.print(); }
  });

  // The order form's − and + beside each quantity.
  document.addEventListener('click', function (e) {
    var step = e.target.closest && e.target.closest('button.step');
    if (!step) { return; }
    var input = step.parentNode.querySelector('input.qty');
    var max = parseInt(input.max, 10) || 50;
    var n = (parseInt(input.value, 10) || 0) + parseInt(step.getAttribute('data-step'), 10);
    input.value = Math.max(0, Math.min(max, n));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });

  // Forms that ask first.
  document.addEventListener('submit', function (e) {
    var question = e.target.getAttribute('data-confirm');
    if (question && !window.confirm(question)) { e.preventDefault(); }
  });

  // The Mini App's entry: hand the launch data Telegram gave this page to the
  // server, which checks its signature. Telegram's script puts it in
  // Telegram.WebApp.initData; without that script it is the tgWebAppData
  // parameter of the URL's fragment (which never reaches the server by itself).
  var launch = document.getElementById('tg-signin');
  if (launch) {
    var data = '';
    var tg = window.Telegram && window.Telegram.WebApp;
    if (tg && tg.initData) { data = tg.initData; }
    if (!data && window.location.hash.length > 1 && window.URLSearchParams) {
      data = new URLSearchParams(window.location.hash.slice(1)).get('tgWebAppData') || '';
    }
    if (data && tg && tg.initData) {
      // From Telegram's own script: this is the person Telegram opened the app for.
      launch.elements.init_data.value = data;
      launch.submit();
    } else if (data) {
      // From the address alone, which anyone can hand over as a link: the
      // person says it is them before signing in.
      launch.elements.init_data.value = data;
      var who = '';
      try {
        var user = JSON.parse(new URLSearchParams(data).get('user') || '{}');
        who = [user.first_name, user.last_name].filter(Boolean).join(' ');
      } catch (e) { /* the server says what is wrong with it */ }
      var button = document.getElementById('tg-continue');
      button.textContent = button.getAttribute('data-label') + (who ? ' ' + who : '');
      document.getElementById('tg-wait').classList.add('hidden');
      launch.classList.remove('hidden');
    } else {
      document.getElementById('tg-wait').classList.add('hidden');
      document.getElementById('tg-none').classList.remove('hidden');
    }
  }

  // Inside Telegram: its theme, its main button for a page's form, and its back
  // button. Without Telegram's script (tests, Telegram Web behind a proxy that
  // blocks it) the page keeps its own colours and plain buttons.
  var app = window.Telegram && window.Telegram.WebApp;
  if (app && app.initData) {
    paint(app.themeParams || {}, app.colorScheme);
    app.onEvent('themeChanged', function () { paint(app.themeParams || {}, app.colorScheme); });
    app.ready();
    app.expand();
    // The page's main form (marked data-main) is sent with Telegram's main button.
    var main = document.querySelector('form[data-main]');
    if (main && app.MainButton) {
      var submit = main.querySelector('button[type=submit]');
      app.MainButton.setText(submit ? submit.textContent.trim() : 'OK');
      app.MainButton.onClick(function () {
        if (main.requestSubmit) { main.requestSubmit(); } else { main.submit(); }
      });
      app.MainButton.show();
    }
    // Back goes back, except on the first screen.
    if (app.BackButton && window.history.length > 1 && !document.getElementById('tg-signin')) {
      app.BackButton.onClick(function () { window.history.back(); });
      app.BackButton.show();
    }
  }

  // Telegram's theme over our tokens. The client's scheme picks our light or
  // dark palette (whatever the system's); its colours replace the surfaces,
  // text, links and buttons; the tinted backgrounds of notices and badges are
  // mixed from its surface; and every text colour is then nudged, only as far
  // as needed, to read at 4.5:1 (WCAG AA) on each background it is put on:
  // Telegram's own hint and button colours often fall short of that.
  function paint(p, scheme) {
    var root = document.documentElement;
    var tokens = ['--bg', '--surface', '--surface-2', '--text', '--muted', '--line', '--link', '--accent',
      '--accent-text', '--ok', '--warn', '--bad', '--on-bad', '--info', '--ok-bg', '--warn-bg', '--bad-bg', '--info-bg'];
    tokens.forEach(function (t) { root.style.removeProperty(t); });
    var base = rgb(p.bg_color);
    if (scheme !== 'dark' && scheme !== 'light') { scheme = base && luminance(base) < 0.18 ? 'dark' : 'light'; }
    root.setAttribute('data-scheme', scheme);
    var css = window.getComputedStyle(root);
    var c = {};
    tokens.forEach(function (t) { c[t] = rgb(css.getPropertyValue(t)); });
    if (tokens.some(function (t) { return !c[t]; })) { return; }
    var take = function (t, value) { var v = rgb(value); if (v) { c[t] = v; } };
    take('--surface', p.section_bg_color || p.bg_color);
    take('--bg', p.secondary_bg_color || p.bg_color);
    take('--surface-2', p.secondary_bg_color);
    take('--text', p.text_color);
    take('--muted', p.hint_color || p.subtitle_text_color);
    take('--link', p.link_color);
    take('--accent', p.button_color);
    take('--accent-text', p.button_text_color);
    take('--bad', p.destructive_text_color);
    var tints = ['ok', 'warn', 'bad', 'info'];
    c['--line'] = mix(c['--surface'], c['--text'], 0.14);
    tints.forEach(function (k) { c['--' + k + '-bg'] = mix(c['--surface'], c['--' + k], scheme === 'dark' ? 0.2 : 0.12); });
    var grounds = ['--bg', '--surface', '--surface-2', '--ok-bg', '--warn-bg', '--bad-bg', '--info-bg']
      .map(function (t) { return c[t]; });
    ['--text', '--muted', '--link'].forEach(function (t) { c[t] = readable(c[t], grounds); });
    tints.forEach(function (k) { c['--' + k] = readable(c['--' + k], [c['--bg'], c['--surface'], c['--' + k + '-bg']]); });
    c['--on-bad'] = readable(c['--on-bad'], [c['--bad']]);
    c['--accent'] = backing(c['--accent'], c['--accent-text']);
    tokens.forEach(function (t) { root.style.setProperty(t, hex(c[t])); });
  }

  // Colours as [r, g, b]: from '#rgb' or '#rrggbb' (Telegram's form and our tokens'), else null.
  function rgb(s) {
    var m = /^\s*#([0-9a-f]{3}|[0-9a-f]{6})\s*$/i.exec(s || '');
    if (!m) { return null; }
    var h = m[1].length === 3 ? m[1].replace(/(.)/g, '$1$1') : m[1];
    return [0, 2, 4].map(function (i) { return parseInt(h.substr(i, 2), 16); });
  }
  function hex(c) {
    return '#' + c.map(function (v) { return ('0' + Math.round(v).toString(16)).slice(-2); }).join('');
  }
  function mix(a, b, t) { return a.map(function (v, i) { return v + (b[i] - v) * t; }); }
  // WCAG's relative luminance and contrast ratio.
  function luminance(c) {
    var l = c.map(function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
  }
  function contrast(a, b) {
    var x = luminance(a);
    var y = luminance(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }
  // A text colour `fg` moved towards black or white until it reads on every one of `grounds`.
  function readable(fg, grounds) {
    var worst = function (c) { return Math.min.apply(null, grounds.map(function (g) { return contrast(c, g); })); };
    return nudge(fg, function (c) { return worst(c); }, worst([0, 0, 0]) > worst([255, 255, 255]));
  }
  // A button's colour `bg` moved away from its text colour `fg` until the text reads on it.
  function backing(bg, fg) {
    return nudge(bg, function (c) { return contrast(fg, c); }, contrast(fg, [0, 0, 0]) > contrast(fg, [255, 255, 255]));
  }
  // `c` mixed with black (or white) in steps of 5% until `ratio` of it is at least AA's
  // 4.5:1, with a little to spare so that rounding to whole channels never falls under.
  function nudge(c, ratio, darker) {
    var to = darker ? [0, 0, 0] : [255, 255, 255];
    var now = c;
    for (var t = 0.05; ratio(now) < 4.6 && t < 1.025; t += 0.05) { now = mix(c, to, t); }
    return now;
  }
})();
