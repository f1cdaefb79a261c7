/** A reply written in Markdown comes as HTML the hub sanitised; the widget still builds it afresh from an
 * allow-list (parsed inert by DOMParser: nothing runs or loads), so no markup it does not know ever shows. */

const ALLOWED = new Set(
  "P BR STRONG EM B I DEL S CODE PRE UL OL LI BLOCKQUOTE H1 H2 H3 H4 H5 H6 A HR TABLE THEAD TBODY TR TH TD".split(" "),
);
const DROPPED = new Set(["SCRIPT", "STYLE", "TEMPLATE", "IFRAME", "OBJECT", "NOSCRIPT"]);

function copyAllowed(from: Node, into: Node): void {
  from.childNodes.forEach((c) => {
    if (c.nodeType === Node.TEXT_NODE) {
      into.appendChild(document.createTextNode((c as Text).data));
      return;
    }
    if (c.nodeType !== Node.ELEMENT_NODE) return;
    const source = c as Element;
    if (DROPPED.has(source.tagName)) return;
    if (!ALLOWED.has(source.tagName)) {
      copyAllowed(source, into); // its words only
      return;
    }
    const el = document.createElement(source.tagName.toLowerCase());
    if (el instanceof HTMLAnchorElement) {
      const href = source.getAttribute("href") ?? "";
      if (/^(https?:|mailto:)/i.test(href)) {
        el.href = href;
        el.target = "_blank";
        el.rel = "noopener noreferrer";
      }
    }
    if (el instanceof HTMLOListElement && source.getAttribute("start")) {
      el.start = parseInt(source.getAttribute("start") ?? "1", 10) || 1;
    }
    copyAllowed(source, el);
    into.appendChild(el);
  });
}

/** Fill `into` with the allowed part of `html`. */
export function renderAllowed(html: string, into: HTMLElement): void {
  into.textContent = "";
  copyAllowed(new DOMParser().parseFromString(html, "text/html").body, into);
}
