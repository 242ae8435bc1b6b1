/* dailypapers site: the theme switch, the search page, the evidence of claims and the order of a
   day's overview. No other script runs on the site. */
(function () {
  "use strict";
  var KEY = "dailypapers-theme";
  var root = document.documentElement;

  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function store(value) {
    try { localStorage.setItem(KEY, value); } catch (e) { /* private mode: this page only */ }
  }
  function systemDark() {
    return !!(window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches);
  }
  function apply(theme) {
    if (theme === "light" || theme === "dark") root.setAttribute("data-theme", theme);
    else root.removeAttribute("data-theme");
  }
  function isDark() {
    var t = root.getAttribute("data-theme");
    return t ? t === "dark" : systemDark();
  }
  apply(stored()); // before the body is drawn: no flash of the other theme

  function initTheme() {
    var button = document.getElementById("theme-toggle");
    if (!button) return;
    function sync() { button.setAttribute("aria-pressed", isDark() ? "true" : "false"); }
    button.hidden = false;
    sync();
    button.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      apply(next);
      store(next);
      sync();
    });
    if (window.matchMedia) {
      var mq = window.matchMedia("(prefers-color-scheme: dark)");
      if (mq.addEventListener) mq.addEventListener("change", sync);
    }
  }

  /* Search: Pagefind's own JS API, loaded from the site's pagefind/ folder. Results are built with
     DOM methods; an excerpt keeps only its <mark> highlights, everything else is text. */
  function excerptNodes(html) {
    var out = document.createDocumentFragment();
    var doc = new DOMParser().parseFromString("<body>" + (html || "") + "</body>", "text/html");
    doc.body.childNodes.forEach(function (node) {
      if (node.nodeType === 1 && node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(node.textContent || ""));
      }
    });
    return out;
  }

  function initSearch(form) {
    var input = form.querySelector("input[name=q]");
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    var msg = form.dataset;
    var pagefind = null;
    var seq = 0;

    function say(text) { status.textContent = text; }
    if (location.protocol === "file:") {
      say(msg.msgFile);
      return;
    }
    var siteRoot = new URL(root.getAttribute("data-root") || "./", location.href);

    function load() {
      if (pagefind) return Promise.resolve(pagefind);
      return import(new URL("pagefind/pagefind.js", siteRoot).href).then(function (pf) {
        return pf.options({ baseUrl: siteRoot.pathname, excerptLength: 24 }).then(function () {
          pagefind = pf;
          return pf;
        });
      });
    }

    function run(query) {
      var mine = ++seq;
      query = (query || "").trim();
      list.textContent = "";
      if (!query) { say(""); return; }
      say(msg.msgBusy);
      load().then(function (pf) {
        return pf.search(query);
      }).then(function (search) {
        if (mine !== seq) return null;
        var top = search.results.slice(0, 30);
        return Promise.all(top.map(function (r) { return r.data(); })).then(function (items) {
          if (mine !== seq) return;
          items.forEach(function (data) {
            var li = document.createElement("li");
            var a = document.createElement("a");
            a.href = data.url;
            a.textContent = (data.meta && data.meta.title) || data.url;
            li.appendChild(a);
            var p = document.createElement("p");
            p.className = "excerpt";
            p.appendChild(excerptNodes(data.excerpt));
            li.appendChild(p);
            list.appendChild(li);
          });
          say(items.length ? msg.msgCount.replace("{n}", String(search.results.length)) : msg.msgNone);
        });
      }).catch(function () {
        if (mine === seq) say(msg.msgUnavailable);
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var q = input.value;
      var url = new URL(location.href);
      url.searchParams.set("q", q);
      history.replaceState(null, "", url.href);
      run(q);
    });
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { run(input.value); }, 250);
    });
    var initial = new URLSearchParams(location.search).get("q");
    if (initial) {
      input.value = initial;
      run(initial);
    }
  }

  /* Evidence: hover and keyboard focus reveal a claim's sentence with CSS alone; a tap or a click
     keeps it open (touch screens have no hover, and Safari does not focus a tapped button), and
     Escape closes it. */
  function initEvidence() {
    var claims = document.querySelectorAll(".claim");
    if (!claims.length) return;
    function close(except) {
      claims.forEach(function (c) {
        if (c !== except && c.classList.contains("open")) {
          c.classList.remove("open");
          c.querySelector(".claim-mark").setAttribute("aria-expanded", "false");
        }
      });
    }
    claims.forEach(function (claim) {
      var button = claim.querySelector(".claim-mark");
      button.addEventListener("click", function (event) {
        event.stopPropagation();
        var open = !claim.classList.contains("open");
        close(claim);
        claim.classList.toggle("open", open);
        button.setAttribute("aria-expanded", open ? "true" : "false");
      });
    });
    document.addEventListener("click", function (event) {
      if (!event.target.closest || !event.target.closest(".claim")) close(null);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      var inside = document.activeElement && document.activeElement.closest &&
        document.activeElement.closest(".claim");
      close(null);
      if (inside) {
        inside.querySelector(".claim-mark").focus();
        inside.classList.add("dismissed");
      }
    });
    document.addEventListener("focusin", function (event) {
      claims.forEach(function (c) {
        if (!c.contains(event.target)) c.classList.remove("dismissed");
      });
    });
  }

  /* The day overview is in digest order as written; its buttons (shown only when this script runs)
     put it in order of upvotes and back, and say so to screen readers. */
  function initOverview() {
    var list = document.getElementById("overview-list");
    var group = document.querySelector(".overview .sort");
    if (!list || !group) return;
    var status = document.getElementById("overview-status");
    var items = Array.prototype.slice.call(list.children);
    var buttons = group.querySelectorAll("button[data-sort]");
    function num(li, key) { return parseInt(li.getAttribute(key), 10) || 0; }
    function sortBy(kind) {
      var sorted = items.slice().sort(function (a, b) {
        if (kind === "upvotes") {
          var d = num(b, "data-upvotes") - num(a, "data-upvotes");
          if (d) return d;
        }
        return num(a, "data-order") - num(b, "data-order");
      });
      sorted.forEach(function (li) { list.appendChild(li); });
      buttons.forEach(function (b) {
        b.setAttribute("aria-pressed", b.getAttribute("data-sort") === kind ? "true" : "false");
      });
      if (status) status.textContent = status.getAttribute(kind === "upvotes" ? "data-msg-upvotes" : "data-msg-digest");
    }
    buttons.forEach(function (b) {
      b.addEventListener("click", function () { sortBy(b.getAttribute("data-sort")); });
    });
    group.hidden = false;
  }

  function ready() {
    initTheme();
    initEvidence();
    initOverview();
    var form = document.getElementById("search-form");
    if (form) initSearch(form);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
