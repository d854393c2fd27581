// Administration: products (create, change price and stock, delete) and users (filter by
// email, change roles, disable).

import { query, request, user } from '../api.js';
import {
  announce, clearFieldErrors, field, formatDate, h, markInvalid, page, parsePrice, priceText,
  showProblem, uniqueId, whileBusy,
} from '../dom.js';
import { firstPage, pagedList } from '../pager.js';

function labelled(labelText, attributes) {
  const id = uniqueId(attributes.name || 'control');
  return [h('label', { for: id, class: 'visually-hidden' }, labelText),
    h('input', { id, ...attributes })];
}

// ---- products ----

function productRow(product, reload) {
  const [priceLabel, price] = labelled(`Price of ${product.name} (${product.currency})`, {
    name: 'price', value: priceText(product.price_cents), inputmode: 'decimal', size: 8,
  });
  const [stockLabel, stock] = labelled(`Stock of ${product.name}`, {
    name: 'stock', type: 'number', min: 0, value: product.stock, inputmode: 'numeric',
  });
  const save = h('button', { type: 'button', 'aria-label': `Save ${product.name}` }, 'Save');
  const remove = h('button', { type: 'button', class: 'danger',
    'aria-label': `Delete ${product.name}` }, 'Delete');

  save.addEventListener('click', () => whileBusy(save, async () => {
    const cents = parsePrice(price.value);
    const units = Number(stock.value);
    if (cents === null) {
      announce(`Enter the price of ${product.name} as a number such as 12.90.`, 'error');
      price.focus();
      return;
    }
    if (!Number.isInteger(units) || units < 0) {
      announce(`Enter the stock of ${product.name} as a whole number of 0 or more.`, 'error');
      stock.focus();
      return;
    }
    const change = {};
    if (cents !== product.price_cents) change.price_cents = cents;
    if (units !== product.stock) change.stock = units;
    if (!Object.keys(change).length) {
      announce(`Nothing changed for ${product.name}.`);
      return;
    }
    try {
      const updated = await request('PATCH',
        `/api/catalog/products/${encodeURIComponent(product.id)}`, { body: change });
      Object.assign(product, updated);
      announce(`Saved ${updated.name}: ${priceText(updated.price_cents)} ${updated.currency}, ` +
        `${updated.stock} in stock.`);
    } catch (error) {
      showProblem(error);
    }
  }));

  remove.addEventListener('click', () => whileBusy(remove, async () => {
    if (!window.confirm(`Delete ${product.name}? Shoppers will no longer see it.`)) return;
    try {
      await request('DELETE', `/api/catalog/products/${encodeURIComponent(product.id)}`);
      announce(`Deleted ${product.name}.`);
      await reload();
    } catch (error) {
      showProblem(error);
    }
  }));

  return h('tr', {},
    h('td', { 'data-label': 'Product' },
      h('a', { href: `#/products/${encodeURIComponent(product.id)}` }, product.name),
      h('span', { class: 'muted sku' }, product.sku)),
    h('td', { 'data-label': `Price (${product.currency})` }, priceLabel, price),
    h('td', { 'data-label': 'Stock' }, stockLabel, stock),
    h('td', { class: 'actions' }, save, remove));
}

function productTable(items, reload) {
  return h('table', { class: 'admin-table' },
    h('caption', { class: 'visually-hidden' }, 'Products'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Product'), h('th', { scope: 'col' }, 'Price'),
      h('th', { scope: 'col' }, 'Stock'),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
    h('tbody', {}, items.map((product) => productRow(product, reload))));
}

function createProductForm(onCreated) {
  const form = h('form', { class: 'form form-grid', novalidate: true },
    field('SKU', { name: 'sku', required: true, maxlength: 64, autocomplete: 'off' },
      'Letters, digits, dot, dash or underscore.'),
    field('Name', { name: 'name', required: true, maxlength: 200 }),
    field('Description', { tag: 'textarea', name: 'description', maxlength: 4000, rows: 2 }),
    field('Price', { name: 'price', required: true, inputmode: 'decimal' }, 'For example 12.90.'),
    field('Stock', { name: 'stock', type: 'number', min: 0, value: 0, required: true }),
    h('button', { type: 'submit', class: 'primary' }, 'Create product'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    whileBusy(button, async () => {
      clearFieldErrors(form);
      const value = (name) => form.elements.namedItem(name).value;
      const cents = parsePrice(value('price'));
      if (cents === null) {
        markInvalid(form.elements.namedItem('price'), 'Enter a price such as 12.90.');
        announce('Enter a price such as 12.90.', 'error');
        return;
      }
      const body = {
        sku: value('sku').trim(),
        name: value('name').trim(),
        description: value('description').trim(),
        price_cents: cents,
        stock: Number(value('stock')),
      };
      try {
        const created = await request('POST', '/api/catalog/products', { body });
        form.reset();
        announce(`Created ${created.name} (${created.sku}).`);
        await onCreated();
      } catch (error) {
        showProblem(error, form, { price_cents: 'price' });
      }
    });
  });
  return h('details', { class: 'panel' }, h('summary', {}, 'New product'), form);
}

let productSearch = { text: '', state: firstPage() };

/** #/admin/products */
export function adminProductsView({ query: parameters }) {
  const search = (parameters.get('q') || '').trim();
  if (search !== productSearch.text) productSearch = { text: search, state: firstPage() };

  const searchForm = h('form', { class: 'search', role: 'search' },
    field('Search products', { name: 'q', type: 'search', value: search, maxlength: 200 }),
    h('button', { type: 'submit' }, 'Search'));
  searchForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = searchForm.elements.namedItem('q').value.trim();
    window.location.hash = `#/admin/products${query({ q: text })}`;
  });

  let list;
  const reload = () => list.reload();
  list = pagedList({
    label: 'Product',
    state: productSearch.state,
    emptyText: 'No products.',
    fetchPage: (cursor) => request('GET',
      `/api/catalog/products${query({ limit: 20, q: search, cursor })}`),
    renderItems: (items) => productTable(items, reload),
  });
  return page('Manage products', createProductForm(reload), searchForm, list.element);
}

// ---- users ----

function userRow(account) {
  const isSelf = account.id === user()?.id;
  const [adminLabel, admin] = labelled(`${account.email} is an admin`, {
    name: 'admin', type: 'checkbox', checked: account.roles.includes('admin'),
  });
  const [disabledLabel, disabled] = labelled(`${account.email} is disabled`, {
    name: 'disabled', type: 'checkbox', checked: Boolean(account.disabled), disabled: isSelf,
  });
  const save = h('button', { type: 'button', 'aria-label': `Save ${account.email}` }, 'Save');
  save.addEventListener('click', () => whileBusy(save, async () => {
    const change = {};
    if (admin.checked !== account.roles.includes('admin')) {
      change.roles = admin.checked ? ['customer', 'admin'] : ['customer'];
    }
    if (disabled.checked !== Boolean(account.disabled)) change.disabled = disabled.checked;
    if (!Object.keys(change).length) {
      announce(`Nothing changed for ${account.email}.`);
      return;
    }
    try {
      const updated = await request('PATCH', `/api/users/${encodeURIComponent(account.id)}`,
        { body: change });
      Object.assign(account, updated);
      const state = updated.disabled ? 'disabled' : 'active';
      announce(`Saved ${updated.email}: ${updated.roles.join(', ')}; ${state}.`);
    } catch (error) {
      admin.checked = account.roles.includes('admin');
      disabled.checked = Boolean(account.disabled);
      showProblem(error);
    }
  }));
  return h('tr', {},
    h('td', { 'data-label': 'User' }, h('span', { class: 'email' }, account.email),
      h('span', { class: 'muted' }, account.display_name)),
    h('td', { 'data-label': 'Since' }, formatDate(account.created_at)),
    h('td', { 'data-label': 'Admin' }, adminLabel, admin),
    h('td', { 'data-label': 'Disabled' }, disabledLabel, disabled),
    h('td', { class: 'actions' }, save));
}

function userTable(items) {
  return h('table', { class: 'admin-table' },
    h('caption', { class: 'visually-hidden' }, 'Users'),
    h('thead', {}, h('tr', {},
      ['User', 'Since', 'Admin', 'Disabled'].map((name) => h('th', { scope: 'col' }, name)),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
    h('tbody', {}, items.map(userRow)));
}

/** #/admin/users and #/admin/users?email=ada: accounts, filtered by email prefix. */
export function adminUsersView({ query: parameters }) {
  const prefix = (parameters.get('email') || '').trim();
  const filter = h('form', { class: 'search', role: 'search' },
    field('Email starts with', { name: 'email', type: 'search', value: prefix,
      autocomplete: 'off' }),
    h('button', { type: 'submit' }, 'Filter'));
  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = filter.elements.namedItem('email').value.trim();
    window.location.hash = `#/admin/users${query({ email: text })}`;
  });

  const list = pagedList({
    label: 'User',
    emptyText: prefix ? `No user's email starts with “${prefix}”.` : 'No users.',
    fetchPage: (cursor) => request('GET',
      `/api/users${query({ limit: 20, email: prefix, cursor })}`),
    renderItems: userTable,
  });
  return page('Manage users', filter, list.element);
}
