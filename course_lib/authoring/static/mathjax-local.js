/* The course's MathJax settings, loaded as config=...,local/course. The MathJax that the
   jupyter-server-mathjax package ships has the STIX-Web web fonts only, not the TeX ones
   MathJax's HTML-CSS output asks for first: use STIX-Web. */
MathJax.Hub.Config({
  "HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null}
});
MathJax.Ajax.loadComplete("[MathJax]/config/local/course.js");
