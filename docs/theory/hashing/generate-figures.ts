// Regenerates the consistent-hashing pictures in docs/theory/images/:
//   npx tsx docs/theory/hashing/generate-figures.ts
// (figures.unit.test.ts fails when the committed files differ from what this writes.)
import { writeFileSync } from 'node:fs';
import { FIGURES } from './figures.ts';

const directory = new URL('../images/', import.meta.url);
for (const [name, draw] of Object.entries(FIGURES)) {
  writeFileSync(new URL(name, directory), draw());
  console.log(`wrote docs/theory/images/${name}`);
}
