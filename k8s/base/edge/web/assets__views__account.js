// Signing in and out: log in, register, and the account page with the active sessions and
// the password change.

import * as api from '../api.js';
import {
  announce, clearFieldErrors, field, flash, formatDate, h, markInvalid, page, showProblem,
  whileBusy,
} from '../dom.js';

/** Returns where to go after logging in: a local `next` page, else the catalog. */
function nextPage(parameters) {
  const next = parameters.get('next') || '';
  return /^\/[A-Za-z0-9/_-]*$/.test(next) ? `#${next}` : '#/';
}

function nextQuery(parameters) {
  const next = parameters.get('next');
  return next ? `?next=${encodeURIComponent(next)}` : '';
}

/** #/login */
export function loginView({ query: parameters }) {
  const form = h('form', { class: 'form', novalidate: true },
    field('Email', { name: 'email', type: 'email', autocomplete: 'username', required: true }),
    field('Password', { name: 'password', type: 'password', autocomplete: 'current-password',
      required: true }),
    h('button', { type: 'submit', class: 'primary' }, 'Log in'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    whileBusy(button, async () => {
      clearFieldErrors(form);
      const email = form.elements.namedItem('email').value.trim();
      const password = form.elements.namedItem('password').value;
      try {
        await api.login(email, password);
        flash(`Welcome, ${api.user().display_name}.`);
        window.location.hash = nextPage(parameters);
      } catch (error) {
        showProblem(error, form);
      }
    });
  });
  return page('Log in', form,
    h('p', {}, 'New here? ', h('a', { href: `#/register${nextQuery(parameters)}` },
      'Create an account')));
}

/** #/register: creates the account, then logs in with it. */
export function registerView({ query: parameters }) {
  const form = h('form', { class: 'form', novalidate: true },
    field('Email', { name: 'email', type: 'email', autocomplete: 'email', required: true,
      maxlength: 254 }),
    field('Display name', { name: 'display_name', autocomplete: 'nickname', required: true,
      maxlength: 100 }),
    field('Password', { name: 'password', type: 'password', autocomplete: 'new-password',
      required: true, minlength: 12, maxlength: 128 },
    '12 to 128 characters; not a common password and not your email.'),
    h('button', { type: 'submit', class: 'primary' }, 'Create account'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    whileBusy(button, async () => {
      clearFieldErrors(form);
      const email = form.elements.namedItem('email').value.trim();
      const displayName = form.elements.namedItem('display_name').value.trim();
      const password = form.elements.namedItem('password').value;
      try {
        await api.register(email, password, displayName);
        await api.login(email, password);
        flash(`Welcome, ${displayName}. Your account is ready.`);
        window.location.hash = nextPage(parameters);
      } catch (error) {
        showProblem(error, form);
      }
    });
  });
  return page('Create an account', form,
    h('p', {}, 'Already have an account? ', h('a', { href: `#/login${nextQuery(parameters)}` },
      'Log in')));
}

/** Names the browser and system of a user agent string, e.g. "Firefox on Windows". */
function deviceName(userAgent) {
  const browsers = [['Edg/', 'Edge'], ['Firefox/', 'Firefox'], ['Chrome/', 'Chrome'],
    ['Safari/', 'Safari'], ['curl/', 'curl']];
  const systems = [['Android', 'Android'], ['iPhone', 'iPhone'], ['iPad', 'iPad'],
    ['Windows', 'Windows'], ['Mac OS X', 'macOS'], ['Linux', 'Linux']];
  const browser = browsers.find(([marker]) => userAgent.includes(marker));
  const system = systems.find(([marker]) => userAgent.includes(marker));
  if (!browser) return 'Unknown browser';
  return system ? `${browser[1]} on ${system[1]}` : browser[1];
}

function sessionItem(session, reload) {
  const signOut = h('button', { type: 'button', class: 'secondary' }, 'Sign out this device');
  signOut.addEventListener('click', () => whileBusy(signOut, async () => {
    if (session.current) {
      await api.logout();
      return;
    }
    try {
      await api.request('DELETE', `/api/auth/sessions/${encodeURIComponent(session.id)}`);
      announce('That device is signed out.');
      await reload();
    } catch (error) {
      showProblem(error);
    }
  }));
  return h('li', { class: 'card session' },
    h('p', { class: 'session-device' }, deviceName(session.user_agent || ''),
      session.current ? h('strong', { class: 'badge' }, 'This device') : null),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Browser'), h('dd', { class: 'muted' }, session.user_agent || 'not sent'),
      h('dt', {}, 'Address'), h('dd', {}, session.ip || 'unknown'),
      h('dt', {}, 'Signed in'), h('dd', {}, formatDate(session.created_at)),
      h('dt', {}, 'Last active'), h('dd', {}, formatDate(session.last_seen_at))),
    signOut);
}

function sessionsSection() {
  const list = h('ul', { class: 'sessions', 'aria-label': 'Active sessions' });
  async function reload() {
    try {
      const { items } = await api.request('GET', '/api/auth/sessions');
      // This device first, then the others by their last activity.
      items.sort((a, b) => Number(b.current) - Number(a.current) ||
        b.last_seen_at.localeCompare(a.last_seen_at));
      list.replaceChildren(...items.map((session) => sessionItem(session, reload)));
    } catch (error) {
      showProblem(error);
    }
  }
  const everywhere = h('button', { type: 'button', class: 'danger' }, 'Sign out everywhere');
  everywhere.addEventListener('click', () => whileBusy(everywhere, async () => {
    try {
      await api.logoutEverywhere();
    } catch (error) {
      showProblem(error);
    }
  }));
  return {
    element: h('section', { class: 'panel', 'aria-labelledby': 'sessions-heading' },
      h('h2', { id: 'sessions-heading' }, 'Where you are signed in'), list, everywhere),
    reload,
  };
}

function passwordSection(onChanged) {
  const form = h('form', { class: 'form', novalidate: true },
    field('Current password', { name: 'current_password', type: 'password',
      autocomplete: 'current-password', required: true }),
    field('New password', { name: 'new_password', type: 'password',
      autocomplete: 'new-password', required: true, minlength: 12, maxlength: 128 },
    '12 to 128 characters. Your other devices are signed out.'),
    field('Repeat the new password', { name: 'repeat_password', type: 'password',
      autocomplete: 'new-password', required: true }),
    h('button', { type: 'submit', class: 'primary' }, 'Change password'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    whileBusy(button, async () => {
      clearFieldErrors(form);
      const current = form.elements.namedItem('current_password');
      const fresh = form.elements.namedItem('new_password');
      const repeat = form.elements.namedItem('repeat_password');
      if (fresh.value !== repeat.value) {
        markInvalid(repeat, 'The two new passwords differ.');
        announce('The two new passwords differ.', 'error');
        repeat.focus();
        return;
      }
      try {
        await api.request('POST', '/api/users/me/password', {
          body: { current_password: current.value, new_password: fresh.value },
        });
        form.reset();
        announce('Your password is changed, and your other devices are signed out.');
        await onChanged();
      } catch (error) {
        showProblem(error, form);
      }
    });
  });
  return h('section', { class: 'panel', 'aria-labelledby': 'password-heading' },
    h('h2', { id: 'password-heading' }, 'Change password'), form);
}

/** #/account: profile, active sessions and the password change. */
export async function accountView() {
  const current = api.user();
  const sessions = sessionsSection();
  await sessions.reload();
  return page('Your account',
    h('dl', { class: 'facts profile' },
      h('dt', {}, 'Name'), h('dd', {}, current.display_name),
      h('dt', {}, 'Email'), h('dd', {}, current.email)),
    sessions.element,
    passwordSection(sessions.reload));
}
