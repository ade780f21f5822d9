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
    var theme = function () {
      var p = app.themeParams || {};
      var set = function (token, value) { if (value) { document.documentElement.style.setProperty(token, value); } };
      set('--bg', p.secondary_bg_color);
      set('--surface', p.bg_color || p.section_bg_color);
      set('--surface-2', p.secondary_bg_color);
      set('--text', p.text_color);
      set('--muted', p.hint_color || p.subtitle_text_color);
      set('--accent', p.button_color || p.link_color);
      set('--accent-text', p.button_text_color);
      document.documentElement.style.colorScheme = app.colorScheme === 'dark' ? 'dark' : 'light';
    };
    theme();
    app.onEvent('themeChanged', theme);
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
})();
