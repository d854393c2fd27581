// Cursor pagination: "Previous" and "Next" over an API list, keeping a stack of the cursors
// of the pages visited (the API only hands out the next page's cursor).

import { h, showProblem } from './dom.js';

/** Returns a new pagination state on the first page (cursor null); keep it to return later. */
export function firstPage() {
  return { cursors: [null], next: null };
}

/**
 * Builds a list with Previous/Next buttons. `fetchPage(cursor)` resolves to {items,
 * next_cursor}; `renderItems(items)` returns the node that shows a non-empty page, and an empty
 * page shows `emptyText`. `state` (from firstPage) keeps the reader's page. Returns
 * {element, reload}.
 */
export function pagedList({ label, fetchPage, renderItems, emptyText, state = firstPage() }) {
  const results = h('div', { class: 'results' });
  const pageText = h('span', { class: 'page-number', 'aria-live': 'polite' });
  const previous = h('button', { type: 'button', class: 'secondary' }, 'Previous');
  const next = h('button', { type: 'button', class: 'secondary' }, 'Next');
  const nav = h('nav', { class: 'pager', 'aria-label': `${label} pages` }, previous, pageText,
    next);

  let loading = 0;

  async function load() {
    loading += 1;
    const ticket = loading;
    results.setAttribute('aria-busy', 'true');
    previous.disabled = true;
    next.disabled = true;
    try {
      const page = await fetchPage(state.cursors[state.cursors.length - 1]);
      if (ticket !== loading) return;
      state.next = page.next_cursor;
      results.replaceChildren(page.items.length ? renderItems(page.items)
        : h('p', { class: 'empty' }, emptyText));
    } catch (error) {
      if (ticket !== loading) return;
      state.next = null;
      results.replaceChildren(h('p', { class: 'empty' }, 'This list could not be loaded.'));
      showProblem(error);
    } finally {
      if (ticket === loading) {
        results.removeAttribute('aria-busy');
        previous.disabled = state.cursors.length <= 1;
        next.disabled = !state.next;
        pageText.textContent = `Page ${state.cursors.length}`;
        // A list that fits on one page needs no page buttons.
        nav.hidden = state.cursors.length <= 1 && !state.next;
      }
    }
  }

  previous.addEventListener('click', () => {
    if (state.cursors.length <= 1) return;
    state.cursors.pop();
    load();
  });
  next.addEventListener('click', () => {
    if (!state.next) return;
    state.cursors.push(state.next);
    load();
  });

  load();
  return { element: h('div', { class: 'paged-list' }, results, nav), reload: load };
}
