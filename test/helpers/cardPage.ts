import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Browser } from 'playwright-core';

const here = createRequire(import.meta.url);
const ADAPTIVE_CARDS = here.resolve('adaptivecards/dist/adaptivecards.min.js');
const ADAPTIVE_CARDS_CSS = here.resolve('adaptivecards/dist/adaptivecards.css');
// markdown-it's package exports leave out its browser bundle: found beside its package.json.
const MARKDOWN_IT = join(dirname(here.resolve('markdown-it/package.json')), 'dist/browser/markdown-it.umd.min.js');

export interface RenderedCard {
  name: string;
  /** The card as the renderer drew it (PNG). */
  png: Buffer;
  /** Each text block's text as shown (facts are text blocks too), and the HTML elements inside them. */
  texts: string[];
  tags: string[];
}

/**
 * Draws each card with Microsoft's Adaptive Cards renderer in a page of `browser`, 420 px wide
 * as in a Teams channel. With `markdown`, text goes through a CommonMark processor (markdown-it)
 * plugged into the renderer's onProcessMarkdown hook, as a host that processes markdown does;
 * without it the renderer shows the text as it is.
 */
export async function renderCards(
  browser: Browser,
  cards: ReadonlyArray<{ name: string; card: object }>,
  opts: { markdown: boolean },
): Promise<RenderedCard[]> {
  const page = await browser.newPage({ viewport: { width: 480, height: 800 }, deviceScaleFactor: 1 });
  try {
    await page.setContent('<!doctype html><html><body style="margin:0;background:#f5f5f5"></body></html>');
    await page.addStyleTag({ path: ADAPTIVE_CARDS_CSS });
    await page.addScriptTag({ path: MARKDOWN_IT });
    await page.addScriptTag({ path: ADAPTIVE_CARDS });
    const out: RenderedCard[] = [];
    for (const { name, card } of cards) {
      const found = await page.evaluate(drawCard, { card, markdown: opts.markdown });
      const png = await page.locator('#card').screenshot();
      out.push({ name, png, ...found });
    }
    return out;
  } finally {
    await page.close();
  }
}

/** Runs in the page: draws `card` into #card and reads its texts back. */
function drawCard({ card, markdown }: { card: object; markdown: boolean }): { texts: string[]; tags: string[] } {
  const g = globalThis as any;
  const AC = g.AdaptiveCards;
  const md = g.markdownit('commonmark');
  AC.AdaptiveCard.onProcessMarkdown = markdown
    ? (text: string, result: { outputHtml?: string; didProcess: boolean }) => {
        result.outputHtml = md.render(text);
        result.didProcess = true;
      }
    : undefined;
  const doc = g.document;
  doc.body.innerHTML = '<div id="card" style="width:420px;background:#fff;padding:8px;box-sizing:border-box"></div>';
  const ac = new AC.AdaptiveCard();
  ac.parse(card);
  doc.getElementById('card').appendChild(ac.render());
  const blocks = [...doc.querySelectorAll('#card .ac-textBlock')] as any[];
  return {
    texts: blocks.map((b) => String(b.textContent)),
    tags: blocks.flatMap((b) => [...b.querySelectorAll('*')].map((e: any) => String(e.tagName).toLowerCase())),
  };
}
