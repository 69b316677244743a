// DOM helpers. Every string that reaches the page goes through textContent:
// AIS text (names, call signs, destinations, ENI, station names) is
// attacker-controlled and must never be parsed as markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

// el builds an element: el('div', {class: 'x', dataset: {mmsi: '1'}}, 'text', child, ...).
// Strings among the children become text nodes; null and undefined are skipped.
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

// svg builds an SVG element in the SVG namespace.
export function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

function setAttrs(node, attrs) {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'dataset') {
      for (const [dk, dv] of Object.entries(v)) node.dataset[dk] = String(dv);
    } else if (k === 'text') {
      node.textContent = String(v);
    } else if (k.startsWith('on') && typeof v === 'function') {
      node.addEventListener(k.slice(2), v);
    } else {
      node.setAttribute(k, v === true ? '' : String(v));
    }
  }
}

function append(node, children) {
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

// clear removes every child of node.
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

// setText sets node's text only when it changed, to spare layout work.
export function setText(node, text) {
  const s = String(text);
  if (node.textContent !== s) node.textContent = s;
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', reg: '®', middot: '·' };
const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

// plainText turns an operator-supplied HTML snippet (a tile attribution) into
// escaped plain text, safe to hand to Leaflet, which treats attributions as
// HTML: tags are dropped, common entities decoded, the rest escaped. No
// parser is involved, so nothing in the snippet is ever loaded or run.
export function plainText(html) {
  const text = String(html || '')
    .replace(/<[^>]*>?/g, '')
    .replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (m, e) => {
      if (e[0] !== '#') return ENTITIES[e.toLowerCase()] || m;
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp > 31 && cp < 0x110000 ? String.fromCodePoint(cp) : '';
    })
    .replace(/\s+/g, ' ')
    .trim();
  return Array.from(text).slice(0, 200).join('').replace(/[&<>"']/g, (c) => ESCAPES[c]);
}
