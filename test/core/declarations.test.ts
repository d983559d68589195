import * as fs from 'node:fs';
import * as path from 'node:path';

/** The built declarations (lib/, from `npm run build`): in the integration project (jest.config.js). */
describe('public declarations', () => {
  test('reach only constructs and this package: no cdktf or cdktn type in lib/index.d.ts or anything it imports', () => {
    const lib = path.resolve(__dirname, '..', '..', 'lib');
    const seen = new Set<string>();
    const offending: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = fs.readFileSync(file, 'utf8');
      if (/(from|import\()\s*['"](cdktf|cdktn|@cdktf\/[^'"]+)['"]/.test(text)) offending.push(path.relative(lib, file));
      for (const match of text.matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const base = path.resolve(path.dirname(file), match[1]);
        visit(fs.existsSync(`${base}.d.ts`) ? `${base}.d.ts` : path.join(base, 'index.d.ts'));
      }
    };
    visit(path.join(lib, 'index.d.ts'));
    expect(seen.size).toBeGreaterThan(5);
    expect(offending).toEqual([]);
  });
});
