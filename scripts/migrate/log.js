// @ts-check
'use strict';
/** Output of scripts/migrate.js: one sink, and the database password redacted from every line. */

const DEBUG = /^(1|true|yes)$/i.test(process.env.MIGRATE_DEBUG || '');

/** An expected failure: printed as one line, without a stack trace. */
class CliError extends Error {}

let redactPassword = '';
/** @param {string} password  DATABASE_URL's password, hidden from then on */
function setRedactedPassword(password) {
  redactPassword = password;
}

/**
 * Never let the password of DATABASE_URL reach the terminal or CI logs.
 * @param {unknown} text
 */
function redact(text) {
  let out = String(text).replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^@\s]*@/gi, '$1***@');
  if (redactPassword.length >= 3) out = out.split(redactPassword).join('***');
  return out;
}

/** @type {(line: string) => void} */
let logSink = (line) => void process.stdout.write(line + '\n');
/** @param {string} line */
function log(line) {
  logSink(redact(line));
}

/** @param {string} line */
function debugLog(line) {
  if (DEBUG) process.stderr.write('[migrate] ' + redact(line) + '\n');
}

/**
 * Sends log lines to `sink` (the gateway's logger at boot); returns the previous sink.
 * @param {(line: string) => void} sink
 */
function setLogSink(sink) {
  const previous = logSink;
  logSink = sink;
  return previous;
}

module.exports = { DEBUG, CliError, redact, setRedactedPassword, log, setLogSink, debugLog };
