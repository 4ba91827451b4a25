// Names and usernames as people type them. `plain`: nothing in it can become markup on any
// platform, so it must go out exactly as typed; the rest must read as typed and stay inert.
export const NAMES: Array<{ name: string; plain: boolean }> = [
  { name: 'rachel_smith', plain: true },
  { name: "o'brien", plain: true },
  { name: 'a*b', plain: true },
  { name: 'rachel_smith_jr', plain: true },
  { name: 'Rachel *Smith*', plain: false },
  { name: '_x_', plain: false },
  { name: '[x](https://e.example)', plain: false },
  { name: '- list', plain: false },
  { name: '1. list', plain: false },
  { name: '<at>x</at>', plain: false },
  { name: '**boss** ~~gone~~ `code`', plain: false },
  { name: '# head', plain: false },
  { name: 'a\\*b\\*', plain: false },
  { name: 'Tom &amp; Jerry', plain: false },
];
