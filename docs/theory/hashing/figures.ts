import {
  ConsistentHashRing,
  distribution,
  movementOnJoin,
  nodeNames,
  sampleKeyPositions,
  type Scheme,
} from './consistent-hash-ring.ts';

/**
 * The pictures on the consistent-hashing page, as SVG text. Pure functions of fixed inputs (MD5 of
 * fixed names), so regenerating gives the same bytes and a test can tell when the committed files
 * are stale.
 */

export const FIGURE_KEYS = 10_000;
export const VIRTUAL_NODES = 160;
const COLOURS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];
const FONT = 'font-family="system-ui, sans-serif" font-size="12"';
const round = (value: number): string => (Math.round(value * 10) / 10).toString();

function svg(width: number, height: number, body: string[], title: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${title}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function ringDrawing(
  ring: ConsistentHashRing,
  nodes: readonly string[],
  cx: number,
  cy: number,
  radius: number,
): string[] {
  const points = ring.positions;
  const angle = (position: number): number => (position / 2 ** 32) * 2 * Math.PI - Math.PI / 2;
  const at = (position: number, r: number): [number, number] => [
    cx + r * Math.cos(angle(position)),
    cy + r * Math.sin(angle(position)),
  ];
  const body: string[] = [];
  points.forEach((point, index) => {
    // The arc ending at a point belongs to that point's node: keys there walk clockwise to it.
    const previous = points[(index - 1 + points.length) % points.length]!.position;
    const start = previous <= point.position ? previous : previous - 2 ** 32;
    const [x1, y1] = at(start, radius);
    const [x2, y2] = at(point.position, radius);
    const large = point.position - start > 2 ** 31 ? 1 : 0;
    const colour = COLOURS[nodes.indexOf(point.node) % COLOURS.length];
    body.push(
      `<path d="M ${round(x1)} ${round(y1)} A ${radius} ${radius} 0 ${large} 1 ${round(x2)} ${round(y2)}" fill="none" stroke="${colour}" stroke-width="14"/>`,
    );
  });
  for (const point of points) {
    const [x, y] = at(point.position, radius);
    body.push(`<circle cx="${round(x)}" cy="${round(y)}" r="3" fill="#222"/>`);
  }
  return body;
}

/** Four nodes on the ring, one point each and 16 points each: who owns which arc. */
export function ringFigure(): string {
  const nodes = nodeNames(4);
  const body: string[] = [];
  [1, 16].forEach((virtualNodes, panel) => {
    const ring = new ConsistentHashRing(virtualNodes);
    for (const node of nodes) ring.add(node);
    const cx = 170 + panel * 340;
    body.push(...ringDrawing(ring, nodes, cx, 170, 120));
    const shares = distribution({ kind: 'ring', virtualNodes }, nodes, sampleKeyPositions(FIGURE_KEYS));
    const text = nodes
      .map((node) => `${Math.round(((shares.perNode.get(node) ?? 0) / FIGURE_KEYS) * 100)}%`)
      .join(' / ');
    body.push(
      `<text x="${cx}" y="320" text-anchor="middle" ${FONT}>${virtualNodes === 1 ? '1 point per node' : `${virtualNodes} virtual nodes per node`}</text>`,
    );
    body.push(`<text x="${cx}" y="338" text-anchor="middle" ${FONT}>keys: ${text}</text>`);
  });
  nodes.forEach((node, index) => {
    body.push(`<rect x="${150 + index * 110}" y="352" width="12" height="12" fill="${COLOURS[index]}"/>`);
    body.push(`<text x="${166 + index * 110}" y="363" ${FONT}>${node}</text>`);
  });
  return svg(
    680,
    375,
    body,
    'Four nodes on a consistent-hash ring, with one point and with 16 virtual nodes each',
  );
}

/** Keys per node for ten nodes: plain ring, ring with virtual nodes, and modulo for reference. */
export function distributionFigure(): string {
  const nodes = nodeNames(10);
  const keys = sampleKeyPositions(FIGURE_KEYS);
  const schemes: { label: string; scheme: Scheme; colour: string }[] = [
    { label: 'ring, 1 point per node', scheme: { kind: 'ring', virtualNodes: 1 }, colour: '#e15759' },
    {
      label: `ring, ${VIRTUAL_NODES} virtual nodes`,
      scheme: { kind: 'ring', virtualNodes: VIRTUAL_NODES },
      colour: '#4e79a7',
    },
    { label: 'hash mod N', scheme: { kind: 'modulo' }, colour: '#bab0ac' },
  ];
  const results = schemes.map(({ scheme }) => distribution(scheme, nodes, keys));
  const max = Math.max(...results.flatMap((result) => [...result.perNode.values()]));
  const left = 50;
  const top = 20;
  const height = 220;
  const groupWidth = 60;
  const body: string[] = [];
  const y = (value: number): number => top + height - (value / max) * height;
  const ideal = FIGURE_KEYS / nodes.length;
  nodes.forEach((node, index) => {
    results.forEach((result, s) => {
      const value = result.perNode.get(node) ?? 0;
      body.push(
        `<rect x="${left + index * groupWidth + 8 + s * 15}" y="${round(y(value))}" width="14" height="${round(top + height - y(value))}" fill="${schemes[s]!.colour}"/>`,
      );
    });
    body.push(
      `<text x="${left + index * groupWidth + 30}" y="${top + height + 15}" text-anchor="middle" ${FONT}>${index + 1}</text>`,
    );
  });
  body.push(
    `<line x1="${left}" x2="${left + nodes.length * groupWidth}" y1="${round(y(ideal))}" y2="${round(y(ideal))}" stroke="#222" stroke-dasharray="4 3"/>`,
  );
  body.push(
    `<text x="${left + nodes.length * groupWidth + 4}" y="${round(y(ideal)) + 4}" ${FONT}>even: ${ideal}</text>`,
  );
  body.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + height}" stroke="#222"/>`);
  body.push(`<text x="${left - 6}" y="${top + 4}" text-anchor="end" ${FONT}>${max}</text>`);
  body.push(`<text x="${left - 6}" y="${top + height}" text-anchor="end" ${FONT}>0</text>`);
  body.push(
    `<text x="${left + 300}" y="${top + height + 32}" text-anchor="middle" ${FONT}>node (${FIGURE_KEYS} keys over 10 nodes)</text>`,
  );
  schemes.forEach(({ label, colour }, s) => {
    const cv = results[s]!.coefficientOfVariation.toFixed(2);
    body.push(
      `<rect x="${left + s * 250}" y="${top + height + 45}" width="12" height="12" fill="${colour}"/>`,
    );
    body.push(
      `<text x="${left + s * 250 + 16}" y="${top + height + 56}" ${FONT}>${label} (spread ${cv})</text>`,
    );
  });
  return svg(800, 320, body, 'Keys per node with and without virtual nodes');
}

/** Share of keys that move when node N+1 joins N nodes, for N = 1..20. */
export function movementFigure(): string {
  const keys = sampleKeyPositions(FIGURE_KEYS);
  const counts = Array.from({ length: 20 }, (_, i) => i + 1);
  const series: { label: string; colour: string; values: number[]; dashed?: boolean }[] = [
    {
      label: 'hash mod N',
      colour: '#bab0ac',
      values: counts.map((n) => movementOnJoin({ kind: 'modulo' }, n, keys).movedFraction),
    },
    {
      label: 'ring, 1 point per node',
      colour: '#e15759',
      values: counts.map((n) => movementOnJoin({ kind: 'ring', virtualNodes: 1 }, n, keys).movedFraction),
    },
    {
      label: `ring, ${VIRTUAL_NODES} virtual nodes`,
      colour: '#4e79a7',
      values: counts.map(
        (n) => movementOnJoin({ kind: 'ring', virtualNodes: VIRTUAL_NODES }, n, keys).movedFraction,
      ),
    },
    { label: 'ideal 1/(N+1)', colour: '#222', values: counts.map((n) => 1 / (n + 1)), dashed: true },
  ];
  const left = 50;
  const top = 20;
  const width = 560;
  const height = 240;
  const x = (n: number): number => left + ((n - 1) / 19) * width;
  const y = (fraction: number): number => top + height - fraction * height;
  const body: string[] = [];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    body.push(`<line x1="${left}" x2="${left + width}" y1="${y(tick)}" y2="${y(tick)}" stroke="#ddd"/>`);
    body.push(`<text x="${left - 6}" y="${y(tick) + 4}" text-anchor="end" ${FONT}>${tick * 100}%</text>`);
  }
  for (const n of [1, 5, 10, 15, 20])
    body.push(`<text x="${x(n)}" y="${top + height + 16}" text-anchor="middle" ${FONT}>${n}</text>`);
  body.push(
    `<text x="${left + width / 2}" y="${top + height + 34}" text-anchor="middle" ${FONT}>N nodes before one more joins</text>`,
  );
  series.forEach(({ label, colour, values, dashed }, s) => {
    const path = values
      .map((value, i) => `${i === 0 ? 'M' : 'L'} ${round(x(i + 1))} ${round(y(value))}`)
      .join(' ');
    body.push(
      `<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"${dashed ? ' stroke-dasharray="5 4"' : ''}/>`,
    );
    body.push(
      `<line x1="${left + width + 20}" x2="${left + width + 40}" y1="${top + 10 + s * 20}" y2="${top + 10 + s * 20}" stroke="${colour}" stroke-width="2"${dashed ? ' stroke-dasharray="5 4"' : ''}/>`,
    );
    body.push(`<text x="${left + width + 46}" y="${top + 14 + s * 20}" ${FONT}>${label}</text>`);
  });
  return svg(820, 300, body, 'Share of keys moved when a node joins');
}

export const FIGURES: Record<string, () => string> = {
  'consistent-hashing-ring.svg': ringFigure,
  'consistent-hashing-distribution.svg': distributionFigure,
  'consistent-hashing-moved.svg': movementFigure,
};
