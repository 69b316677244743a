// The login page: POST /api/v1/login, then back to the board (or the page
// the officer came from). It needs nothing but this file and style.css,
// the assets the API serves without a session.

const LANG_KEY = 'rw_lang';
const $ = (id) => document.getElementById(id);
let lang = 'zh';
try { lang = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh'; } catch (_) { /* default */ }
try { if (localStorage.getItem('rw_theme') === 'dark') document.documentElement.dataset.theme = 'dark'; } catch (_) { /* light */ }

const TEXT = {
  zh: {
    bad: '用户名或密码错误 Wrong username or password',
    throttled: '尝试次数过多，请稍后再试 Too many attempts, try again later',
    failed: '登录失败 Sign-in failed',
    empty: '请输入用户名和密码 Enter username and password',
    busy: '登录中… Signing in…',
  },
  en: {
    bad: 'Wrong username or password',
    throttled: 'Too many attempts, try again later',
    failed: 'Sign-in failed',
    empty: 'Enter username and password',
    busy: 'Signing in…',
  },
};

// next is where to go after signing in: a path on this site only.
function next() {
  const n = new URLSearchParams(location.search).get('next') || '/';
  return n.startsWith('/') && !n.startsWith('//') && !n.startsWith('/\\') && !n.startsWith('/login.html') ? n : '/';
}

function show(msg) {
  const e = $('login-error');
  e.textContent = msg;
  e.hidden = !msg;
}

function english() {
  // Keep only the English half of the page's own bilingual labels.
  const cjk = /[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+/g;
  for (const e of document.querySelectorAll('h1, label, button, title')) {
    for (const n of e.childNodes) {
      if (n.nodeType === Node.TEXT_NODE && n.nodeValue.trim()) {
        const en = n.nodeValue.replace(cjk, ' ').replace(/\s+·\s+/g, ' · ').trim();
        if (/[A-Za-z]/.test(en)) n.nodeValue = en;
      }
    }
  }
  document.documentElement.lang = 'en';
  $('login-lang').textContent = '中文';
}

async function submit(e) {
  e.preventDefault();
  const t = TEXT[lang];
  const username = $('username').value.trim();
  const password = $('password').value;
  if (!username || !password) { show(t.empty); return; }
  const btn = $('login-submit');
  btn.disabled = true;
  show('');
  document.body.dataset.state = 'busy';
  try {
    const res = await fetch('/api/v1/login', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (res.ok) {
      document.body.dataset.state = 'ok';
      location.assign(next());
      return;
    }
    show(res.status === 429 ? t.throttled : res.status === 401 || res.status === 403 ? t.bad : `${t.failed} (HTTP ${res.status})`);
  } catch (_) {
    show(t.failed);
  } finally {
    btn.disabled = false;
    if (document.body.dataset.state === 'busy') document.body.dataset.state = 'error';
  }
}

$('login-form').addEventListener('submit', submit);
$('login-lang').addEventListener('click', () => {
  try { localStorage.setItem(LANG_KEY, lang === 'en' ? 'zh' : 'en'); } catch (_) { /* not kept */ }
  location.reload();
});
if (lang === 'en') english();
document.body.dataset.ready = '1';
