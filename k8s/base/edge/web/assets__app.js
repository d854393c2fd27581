// The storefront's entry point: restores the session, draws the navigation and shows the page
// the URL's fragment names (#/, #/products/ID, #/cart, #/orders, #/account, #/admin/...).

import * as api from './api.js';
import * as cart from './cart.js';
import { clearMessages, flash, h, showFlash, showProblem } from './dom.js';
import { accountView, loginView, registerView } from './views/account.js';
import { adminProductsView, adminUsersView } from './views/admin.js';
import { cartView } from './views/cart.js';
import { catalogView, productView } from './views/catalog.js';
import { ordersView } from './views/orders.js';

/** Pages by path pattern; `access` is who may open them (anyone, user or admin). */
const routes = [
  { pattern: /^\/$/, view: catalogView, access: 'anyone' },
  { pattern: /^\/products\/([^/]+)$/, view: productView, access: 'anyone' },
  { pattern: /^\/cart$/, view: cartView, access: 'anyone' },
  { pattern: /^\/login$/, view: loginView, access: 'anyone' },
  { pattern: /^\/register$/, view: registerView, access: 'anyone' },
  { pattern: /^\/orders$/, view: ordersView, access: 'user' },
  { pattern: /^\/account$/, view: accountView, access: 'user' },
  { pattern: /^\/admin\/products$/, view: adminProductsView, access: 'admin' },
  { pattern: /^\/admin\/users$/, view: adminUsersView, access: 'admin' },
];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let renderCount = 0;

/** Splits the fragment into path and query: "#/?q=mug" is ("/", q=mug). */
function currentLocation() {
  const fragment = window.location.hash.replace(/^#/, '') || '/';
  const question = fragment.indexOf('?');
  const path = question < 0 ? fragment : fragment.slice(0, question);
  const parameters = new URLSearchParams(question < 0 ? '' : fragment.slice(question + 1));
  return { path: path.startsWith('/') ? path : `/${path}`, query: parameters };
}

function navLink(href, text, current) {
  return h('li', {}, h('a', { href, 'aria-current': current ? 'page' : false }, text));
}

function renderNav() {
  const { path } = currentLocation();
  const count = cart.itemCount();
  const items = [
    navLink('#/', 'Products', path === '/' || path.startsWith('/products/')),
    navLink('#/cart', count ? `Cart (${count})` : 'Cart', path === '/cart'),
  ];
  const signedIn = api.user();
  if (signedIn) {
    items.push(navLink('#/orders', 'Orders', path === '/orders'));
    if (api.isAdmin()) {
      items.push(navLink('#/admin/products', 'Manage products', path === '/admin/products'));
      items.push(navLink('#/admin/users', 'Manage users', path === '/admin/users'));
    }
    items.push(navLink('#/account', 'Account', path === '/account'));
    const logOut = h('button', { type: 'button', class: 'link-button' }, 'Log out');
    logOut.addEventListener('click', () => {
      logOut.disabled = true;
      api.logout();
    });
    items.push(h('li', {}, logOut));
  } else {
    items.push(navLink('#/login', 'Log in', path === '/login'));
    items.push(navLink('#/register', 'Register', path === '/register'));
  }
  nav.replaceChildren(...items);
}

async function renderPage({ focus }) {
  renderCount += 1;
  const ticket = renderCount;
  const { path, query } = currentLocation();
  renderNav();

  const route = routes.find((entry) => entry.pattern.test(path));
  if (!route) {
    window.location.replace('#/');
    return;
  }
  if (route.access !== 'anyone' && !api.user()) {
    window.location.replace(`#/login?next=${encodeURIComponent(path)}`);
    return;
  }

  clearMessages();
  showFlash();
  main.setAttribute('aria-busy', 'true');
  let content;
  try {
    content = route.access === 'admin' && !api.isAdmin()
      ? h('section', { class: 'page', 'data-title': 'Not allowed' },
        h('h1', { tabindex: '-1' }, 'Not allowed'),
        h('p', {}, 'This page is for administrators.'))
      : await route.view({ params: path.match(route.pattern).slice(1).map(decodeURIComponent),
        query });
  } catch (error) {
    showProblem(error);
    content = h('section', { class: 'page', 'data-title': 'Error' },
      h('h1', { tabindex: '-1' }, 'This page could not be shown'),
      h('p', {}, h('a', { href: '#/' }, 'Back to the products')));
  }
  // A later navigation has started; its page wins.
  if (ticket !== renderCount) return;
  main.replaceChildren(content);
  main.removeAttribute('aria-busy');
  document.title = `${content.dataset.title || 'Shop'} · Agora`;
  if (focus) content.querySelector('h1')?.focus();
}

api.onSessionChange((reason) => {
  renderNav();
  if (reason === 'expired') {
    flash('Your session has ended. Please log in again.', 'error');
    const { path } = currentLocation();
    window.location.hash = `#/login?next=${encodeURIComponent(path === '/login' ? '/' : path)}`;
  } else if (reason === 'signed-out' || reason === 'signed-out-everywhere') {
    flash(reason === 'signed-out' ? 'You are signed out.'
      : 'You are signed out on every device.');
    if (window.location.hash === '#/') renderPage({ focus: true });
    else window.location.hash = '#/';
  }
});
cart.onCartChange(renderNav);
window.addEventListener('hashchange', () => renderPage({ focus: true }));

async function start() {
  await api.restoreSession();
  await renderPage({ focus: false });
  document.body.dataset.ready = 'true';
}

start();
