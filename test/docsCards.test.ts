import test from 'ava';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCardPictures } from '../scripts/docsCards.ts';
import { launchChromium } from './helpers/browser.ts';
import { renderCards } from './helpers/cardPage.ts';
import { teamsCardMessages, teamsReviewCards } from './helpers/cardCases.ts';
import { NAMES } from './helpers/names.ts';
import { agentStory } from './helpers/agentStory.ts';
import { adaptiveCard } from '../src/platforms/teams/card.ts';
import { acceptVccBody } from '../src/vcc/acceptVccBody.ts';
import { DEFAULT_TEMPLATES, Renderer } from '../src/render/Renderer.ts';
import { TARGETS } from '../src/platforms/registry.ts';

/** A PNG's width and height from its IHDR chunk, or null when it is not a PNG. */
function pngSize(b: Buffer): { width: number; height: number } | null {
  if (b.length < 24 || !b.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))) return null;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

test('npm run docs:cards writes a picture of every card (the README shows one of them)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vcc-cards-'));
  try {
    const files = await writeCardPictures(dir);
    const expected = [
      ...teamsCardMessages()
        .map((c) => c.name)
        .filter((n) => n !== 'size-overflow'),
      ...teamsReviewCards().map((c) => c.name),
    ];
    t.deepEqual(
      files.map((f) => f.slice(dir.length + 1)),
      expected.map((n) => `${n}.png`),
    );
    for (const f of files) {
      const size = pngSize(readFileSync(f));
      t.truthy(size, f);
      t.true(size!.width >= 400 && size!.height >= 40, `${f}: ${JSON.stringify(size)}`);
    }
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const shown = /!\[[^\]]*\]\(docs\/cards\/([a-z-]+)\.png\)/.exec(readme);
    t.truthy(shown, 'the README shows a card');
    t.true(expected.includes(shown![1]!), `docs/cards/${shown![1]}.png is one the script writes`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("names in a Teams card, drawn by Microsoft's renderer: as typed without markdown processing, inert through CommonMark", async (t) => {
  const renderer = Renderer.load(DEFAULT_TEMPLATES, TARGETS);
  const cards = NAMES.map(({ name }, i) => {
    const r = acceptVccBody(agentStory(9400 + i, name, name).created(), 0);
    if (!r.ok) throw new Error(r.message);
    const m = renderer.event({ ...r.event, id: i + 1 }, { kinds: r.event.kinds, show: [] }, 'teams');
    return { name, card: adaptiveCard(m) };
  });
  const browser = await launchChromium();
  try {
    // The check can fail: a name sent unescaped shows as markup.
    const raw = {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [{ type: 'TextBlock', text: 'New agent: Rachel *Smith*' }],
    };
    t.deepEqual((await renderCards(browser, [{ name: 'raw', card: raw }], { markdown: true }))[0]!.tags, ['p', 'em']);
    const plain = await renderCards(browser, cards, { markdown: false });
    const processed = await renderCards(browser, cards, { markdown: true });
    NAMES.forEach(({ name, plain: typed }, i) => {
      const title = `New agent: ${name}`;
      if (typed) t.is(plain[i]!.texts[0]!.trim(), title, 'no markdown processing: exactly as typed');
      const shown = processed[i]!;
      t.is(shown.texts[0]!.replace(/\u200B/g, '').trim(), title, `through CommonMark: ${name}`);
      t.deepEqual(
        shown.tags.filter((tag) => tag !== 'p'),
        [],
        `no markup from ${JSON.stringify(name)}`,
      );
    });
  } finally {
    await browser.close();
  }
});
