// Loaded into a gateway process with --require (see sql-trace.ts): appends the text of every
// statement the process sends to Postgres to SQL_TRACE_FILE, one line each, so a test can count them.
'use strict';
const fs = require('node:fs');
const { Client } = require(require.resolve('pg', { paths: [process.cwd()] }));

const file = process.env.SQL_TRACE_FILE;
const query = Client.prototype.query;
Client.prototype.query = function (config, ...rest) {
  const text = typeof config === 'string' ? config : config && config.text;
  if (file && text) fs.appendFileSync(file, `${text.replace(/\s+/g, ' ')}\n`);
  return query.call(this, config, ...rest);
};
