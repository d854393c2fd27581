// Headless Chromium (Debian's package) through playwright-core, and page helpers the tests
// share: opening the shop, logging in, and saving screenshots.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { repository } from './agora.js';

const chromiumArguments = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Where screenshots go: AGORA_SCREENSHOT_DIR, else build/debug/screenshots. */
export const screenshotDir = process.env.AGORA_SCREENSHOT_DIR ||
  path.join(repository, 'build', 'debug', 'screenshots');

/** Launches Chromium from /usr/bin/chromium (or CHROMIUM_PATH). */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: chromiumArguments,
    headless: true,
  });
}

/**
 * Opens a new browser context (its own cookies and storage) with one page on the shop. Console
 * errors (content security policy reports among them) and uncaught exceptions are collected in
 * `problems`. Failed loads are left out, because the session restore on every start gets a
 * 401 when no user is signed in; the tests check statuses through the API.
 */
export async function openShop(browser, baseUrl, { viewport } = {}) {
  const context = await browser.newContext({
    baseURL: baseUrl,
    ignoreHTTPSErrors: true,
    viewport: viewport || { width: 1200, height: 900 },
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (message.text().startsWith('Failed to load resource')) return;
    problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('dialog', (dialog) => dialog.accept());
  await goTo(page, '/');
  return { context, page, problems };
}

/**
 * Loads `urlPath` as a fresh document (as a reload does: the app starts over and restores its
 * session from the cookie) and waits until the app has drawn its first page.
 */
export async function goTo(page, urlPath) {
  // Only the fragment would differ otherwise, and the browser would keep the document.
  await page.goto('about:blank');
  await page.goto(urlPath);
  await page.waitForSelector('body[data-ready="true"]');
}

/** Logs in through the form and waits for the account link of the navigation. */
export async function logIn(page, email, password) {
  await goTo(page, '/#/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('link', { name: 'Account', exact: true }).waitFor();
}

/** Saves a full-page screenshot as NAME.png and returns its path. */
export async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
