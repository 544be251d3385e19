import { describe, expect, it } from '@jest/globals';
import { toCsv } from './csv.js';

describe('CSV export', () => {
  it('writes a header and quotes what needs quoting', () => {
    expect(
      toCsv([
        { name: 'Tax, "returns"', logins: 3 },
        { name: 'Rates', logins: 0 },
      ]),
    ).toBe('name,logins\r\n"Tax, ""returns""",3\r\nRates,0\r\n');
  });

  it('never lets a cell start a spreadsheet formula', () => {
    expect(toCsv([{ name: '=HYPERLINK("x")' }, { name: '-1+2' }])).toBe(
      'name\r\n"\'=HYPERLINK(""x"")"\r\n\'-1+2\r\n',
    );
  });

  it('is empty without rows', () => {
    expect(toCsv([])).toBe('');
  });
});
