// DOM helpers: elements built from text (never HTML strings), messages, and value formats.

/**
 * Creates an element. Attributes named on* become event listeners, `class` sets the class
 * list, `true` sets an empty attribute and false, null or undefined leave it out. Children
 * may be nodes, strings, numbers or (nested) arrays of them; text is always inserted as text.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      element.className = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  appendChildren(element, children);
  return element;
}

/** Appends nodes and text to `element`, skipping null, undefined and false. */
export function appendChildren(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

let nextId = 0;

/** Returns a page-unique id for pairing labels, hints and inputs. */
export function uniqueId(prefix) {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/**
 * Builds a labelled form field: label, control and an optional hint and error line, linked
 * through aria-describedby. `control` is an attribute object for an input (or `tag: 'textarea'`).
 */
export function field(labelText, control, hint) {
  const { tag = 'input', ...attributes } = control;
  const id = uniqueId(attributes.name || 'field');
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const input = h(tag, {
    id,
    'aria-describedby': [hintId, errorId].filter(Boolean).join(' '),
    ...attributes,
  });
  return h('div', { class: 'field' },
    h('label', { for: id }, labelText),
    input,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    h('p', { class: 'field-error', id: errorId, hidden: true }));
}

// ---- messages ----

let pendingFlash = null;

function messageRegion() {
  return document.getElementById('messages');
}

/** Shows a message in the live region (read out by screen readers). kind: info or error. */
export function announce(text, kind = 'info', details = []) {
  const region = messageRegion();
  const message = h('div', { class: `message message-${kind}` },
    h('p', {}, text),
    details.length ? h('ul', {}, details.map((line) => h('li', {}, line))) : null,
    h('button', {
      type: 'button',
      class: 'message-close',
      'aria-label': 'Dismiss message',
      onclick: () => message.remove(),
    }, '×'));
  region.append(message);
  return message;
}

/** Removes every message. */
export function clearMessages() {
  messageRegion().replaceChildren();
}

/** Keeps a message to show after the next page change (e.g. "Order placed"). */
export function flash(text, kind = 'info') {
  pendingFlash = { text, kind };
}

/** Shows the kept message, if any; called after each page change. */
export function showFlash() {
  if (!pendingFlash) return;
  announce(pendingFlash.text, pendingFlash.kind);
  pendingFlash = null;
}

/**
 * Shows an API error: its problem title and detail, and the field errors, both in the live
 * region and beside the matching controls of `form` (by the control's name).
 */
export function showProblem(error, form, fieldNames = {}) {
  if (error.sessionEnded) return;
  const problem = error.problem || {};
  const title = problem.title || 'Something went wrong';
  const detail = problem.detail ? `: ${problem.detail}` : '';
  const fieldErrors = Array.isArray(problem.errors) ? problem.errors : [];
  if (form) clearFieldErrors(form);
  const lines = fieldErrors.map((entry) => {
    const control = form?.elements.namedItem(fieldNames[entry.field] || entry.field);
    if (control instanceof HTMLElement) markInvalid(control, entry.message);
    return `${labelOf(control) || entry.field}: ${entry.message}`;
  });
  announce(`${title}${detail}`, 'error', lines);
}

function labelOf(control) {
  if (!(control instanceof HTMLElement) || !control.labels || !control.labels.length) return '';
  return control.labels[0].textContent;
}

/** Marks a control invalid and shows `message` in its error line. */
export function markInvalid(control, message) {
  control.setAttribute('aria-invalid', 'true');
  const error = document.getElementById(`${control.id}-error`);
  if (error) {
    error.textContent = message;
    error.hidden = false;
  }
}

/** Clears every control's invalid state and error line in `form`. */
export function clearFieldErrors(form) {
  for (const control of form.querySelectorAll('[aria-invalid]')) {
    control.removeAttribute('aria-invalid');
  }
  for (const error of form.querySelectorAll('.field-error')) {
    error.textContent = '';
    error.hidden = true;
  }
}

/**
 * Runs `action` for a form submission with the submit button disabled and marked busy, so a
 * second click cannot start a second request. Errors are shown with showProblem.
 */
export async function whileBusy(button, action) {
  if (button.disabled) return undefined;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await action();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

// ---- formats ----

const priceFormats = new Map();

/** "€12.90" for 1290 cents in EUR, in the page's language. */
export function formatPrice(cents, currency) {
  if (!priceFormats.has(currency)) {
    priceFormats.set(currency, new Intl.NumberFormat(document.documentElement.lang, {
      style: 'currency',
      currency,
    }));
  }
  return priceFormats.get(currency).format(cents / 100);
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Formats a timestamp in the reader's own time zone and locale. */
export function formatDate(timestamp) {
  const date = new Date(timestamp);
  return Number.isNaN(date.getTime()) ? timestamp : dateFormat.format(date);
}

/** Whole cents from a decimal text such as "12.9" or "12,90"; null when it is not one. */
export function parsePrice(text) {
  const match = /^\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!match) return null;
  const fraction = (match[2] || '').padEnd(2, '0');
  return Number(match[1]) * 100 + Number(fraction);
}

/** Formats a price as decimal text for an input ("12.90"). */
export function priceText(cents) {
  return (cents / 100).toFixed(2);
}

/** Builds a page: its heading (focused after navigation) and content; the title names the tab. */
export function page(title, ...children) {
  return h('section', { class: 'page', 'data-title': title },
    h('h1', { tabindex: '-1' }, title), ...children);
}
