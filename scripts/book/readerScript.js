// The book's reader features (issue 25, item 7), one small offline script on every page:
//   - dark mode: follows prefers-color-scheme; the ◐ button in the header switches it (remembered);
//   - a "copy" button on every code block;
//   - the section being read is highlighted in the page's contents;
//   - search: the box in the header searches every page's headings and text (assets/searchIndex.js,
//     loaded as a script so it also works for pages opened from disk), results as links.
(function () {
  "use strict";
  var root = document.documentElement;
  var stored = null;
  try {
    stored = localStorage.getItem("descent-theme");
  } catch (e) {
    /* no storage (a page opened from disk) */
  }
  if (stored === "dark" || stored === "light") root.setAttribute("data-theme", stored);

  function ready(f) {
    if (document.readyState !== "loading") f();
    else document.addEventListener("DOMContentLoaded", f);
  }
  ready(function () {
    var toggle = document.querySelector(".theme-toggle");
    if (toggle)
      toggle.addEventListener("click", function () {
        var dark = root.getAttribute("data-theme")
          ? root.getAttribute("data-theme") === "dark"
          : matchMedia("(prefers-color-scheme: dark)").matches;
        var next = dark ? "light" : "dark";
        root.setAttribute("data-theme", next);
        try {
          localStorage.setItem("descent-theme", next);
        } catch (e) {
          /* not remembered */
        }
      });

    Array.prototype.forEach.call(document.querySelectorAll("pre.code"), function (pre) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "copy";
      b.textContent = "copy";
      b.setAttribute("aria-label", "copy the code");
      b.addEventListener("click", function () {
        var code = pre.innerText.replace(/\n$/, "");
        var done = function () {
          b.textContent = "copied";
          setTimeout(function () {
            b.textContent = "copy";
          }, 1500);
        };
        if (navigator.clipboard && navigator.clipboard.writeText)
          navigator.clipboard.writeText(code).then(done, function () {
            fallback(code);
            done();
          });
        else {
          fallback(code);
          done();
        }
      });
      pre.parentNode.insertBefore(b, pre);
    });
    function fallback(t) {
      var a = document.createElement("textarea");
      a.value = t;
      document.body.appendChild(a);
      a.select();
      try {
        document.execCommand("copy");
      } catch (e) {
        /* nothing */
      }
      a.remove();
    }

    // the section being read: the last h2/h3 above the top third of the window
    var links = Array.prototype.slice.call(document.querySelectorAll(".toc a[href^='#']"));
    var heads = links.map(function (a) {
      return document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
    });
    function mark() {
      var k = -1;
      for (var i = 0; i < heads.length; i++)
        if (heads[i] && heads[i].getBoundingClientRect().top < innerHeight / 3) k = i;
      links.forEach(function (a, i) {
        a.classList.toggle("current", i === k);
        if (i === k) a.setAttribute("aria-current", "location");
        else a.removeAttribute("aria-current");
      });
    }
    if (links.length) {
      addEventListener("scroll", mark, { passive: true });
      mark();
    }

    var box = document.querySelector(".search input");
    var list = document.querySelector(".search ol");
    if (box && list)
      box.addEventListener("input", function () {
        var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
        list.innerHTML = "";
        if (!words.length || !window.DESCENT_SEARCH) return;
        var hits = window.DESCENT_SEARCH.filter(function (e) {
          var t = (e.title + " " + e.heading + " " + e.text).toLowerCase();
          return words.every(function (w) {
            return t.indexOf(w) >= 0;
          });
        }).slice(0, 12);
        hits.forEach(function (e) {
          var li = document.createElement("li"),
            a = document.createElement("a");
          a.href = e.page + (e.id ? "#" + e.id : "");
          a.textContent = e.title + (e.heading ? " › " + e.heading : "");
          li.appendChild(a);
          list.appendChild(li);
        });
        if (!hits.length) {
          var li = document.createElement("li");
          li.textContent = "nothing found";
          list.appendChild(li);
        }
      });
  });
})();
