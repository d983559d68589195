/**
 * The links of README.md and docs/architecture.md lead somewhere: every in-page `#anchor` is
 * made by a heading, every relative link names a file of the tree (and a heading of it, for a
 * markdown file with an anchor). Shown failing on a small tree made here.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { brokenLinks, headingAnchors } from './doc-checks';

const ROOT = path.resolve(__dirname, '..', '..');

test.each(['README.md', 'docs/architecture.md'])('%s: no link leads nowhere', (file) => {
  expect(brokenLinks(ROOT, file)).toEqual([]);
});

test('headings make the anchors GitHub makes: punctuation dropped, code marks dropped, repeats numbered, fenced lines are no headings', () => {
  expect([...headingAnchors([
    '# cdktf-vbs-backup', '### Vault (CBR) and vault trigger', '## `vbs-backup emulator`', '## Limits', '## Limits',
    '```sh', '# a comment, not a heading', '```', '#### AK/SK signing and the official SDKs',
  ].join('\n'))]).toEqual(['cdktf-vbs-backup', 'vault-cbr-and-vault-trigger', 'vbs-backup-emulator', 'limits', 'limits-1', 'aksk-signing-and-the-official-sdks']);
});

test('a dead anchor, a missing file and a missing anchor of another file are each reported with their line; code and external links are not links', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vbs-links-'));
  try {
    fs.mkdirSync(path.join(root, 'docs'));
    fs.writeFileSync(path.join(root, 'docs', 'other.md'), '# Other\n## Part two\n');
    fs.writeFileSync(path.join(root, 'README.md'), [
      '# Title', '## Regions and clouds',
      'See [regions](#regions-and-clouds), [endpoints](#endpoints-per-cloud).',
      'Files: [other](docs/other.md#part-two), [gone](docs/gone.md), [bad part](docs/other.md#part-three).',
      'Not links: `[x](#nowhere)`, [site](https://example.com/#x), [mail](mailto:a@b.c).',
      '```md', '[in a fence](#nowhere)', '```',
    ].join('\n'));
    expect(brokenLinks(root, 'README.md')).toEqual([
      'README.md:3: #endpoints-per-cloud (no heading makes that anchor)',
      'README.md:4: docs/gone.md (no such file)',
      'README.md:4: docs/other.md#part-three (docs/other.md has no heading making that anchor)',
    ]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
