// `npm run docs:cards`: a picture of each Teams card as Microsoft's Adaptive Cards renderer
// draws it (headless Chromium, markdown through CommonMark as Teams processes it), written to
// docs/cards/NAME.png for the README and the guides. Rerun after changing a template or the card builder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { adaptiveCard } from '../src/platforms/teams/card.ts';
import { launchChromium } from '../test/helpers/browser.ts';
import { renderCards } from '../test/helpers/cardPage.ts';
import { teamsCardMessages, teamsReviewCards } from '../test/helpers/cardCases.ts';

/** Writes one PNG per card case into `dir`; returns the files written. */
export async function writeCardPictures(dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const cards = teamsCardMessages()
    // The overflow case is a card of 28 KB of lines: a picture of it shows nothing more.
    .filter((c) => c.name !== 'size-overflow')
    .map((c) => ({ name: c.name, card: adaptiveCard(c.message) }))
    // Review cards as the bot posts them, with their controls.
    .concat(teamsReviewCards().map((c) => ({ name: c.name, card: adaptiveCard(c.message, true) })));
  const browser = await launchChromium();
  try {
    const drawn = await renderCards(browser, cards, { markdown: true });
    return drawn.map(({ name, png }) => {
      const file = join(dir, `${name}.png`);
      writeFileSync(file, png);
      return file;
    });
  } finally {
    await browser.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = await writeCardPictures(process.argv[2] ?? 'docs/cards');
  console.log(files.join('\n'));
}
