/* eslint-disable no-console -- a demo narrates what it does */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { playCorporateDemo } from './corporate-demo.js';

/** `npm run demo:corporate`: Digital Corporate Identity played against the platform of `npm start`. */
await playCorporateDemo({
  platformUrl: process.env['PLATFORM_URL'] ?? 'http://localhost:3000',
  adminToken:
    process.env['ADMIN_TOKEN'] ??
    readFileSync(join(process.env['DATA_DIR'] ?? 'data', 'admin-token'), 'utf8').trim(),
  say: (line) => console.log(line),
  ...(process.env['CITIZEN_ID'] && { browserCitizen: process.env['CITIZEN_ID'] }),
});
