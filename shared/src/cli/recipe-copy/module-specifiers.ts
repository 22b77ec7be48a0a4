/**
 * Where a TypeScript module names other modules: `import … from '…'`, `export … from '…'`,
 * `import '…'` and `import('…')`. Found by a small lexer rather than a regular expression over the
 * text, because the sources quote import statements in comments and strings (usage examples) and
 * those must neither be followed nor rewritten. The TypeScript compiler is a development dependency
 * only, so an installed package cannot lean on it; a unit test checks this lexer against it.
 */
export interface ModuleSpecifier {
  /** the module name, as written between the quotes */
  readonly text: string;
  /** offset of the first character inside the quotes */
  readonly start: number;
  /** offset just past the last character inside the quotes */
  readonly end: number;
}

/** Punctuation after which a `/` starts a regular expression rather than a division. */
const REGEX_AFTER_PUNCTUATION = new Set('([{,;:=!&|?+-*%<>~^'.split(''));
const REGEX_AFTER_KEYWORDS = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'punct'; text: string }
  | { kind: 'string'; specifier: ModuleSpecifier };

export function findModuleSpecifiers(source: string): ModuleSpecifier[] {
  const found: ModuleSpecifier[] = [];
  const recent: Token[] = []; // the last few significant tokens, newest last
  const push = (token: Token): void => {
    recent.push(token);
    if (recent.length > 3) recent.shift();
  };
  /** open `${` of template literals: the brace depth at which each one closes */
  const templateDepths: number[] = [];
  let braceDepth = 0;
  let index = 0;

  const readString = (quote: string): ModuleSpecifier => {
    const start = index + 1;
    let cursor = start;
    while (cursor < source.length && source[cursor] !== quote) {
      if (source[cursor] === '\\') cursor++;
      else if (source[cursor] === '\n') break; // unterminated: stop at the line end
      cursor++;
    }
    index = cursor + 1;
    return { text: source.slice(start, cursor), start, end: cursor };
  };

  /** Reads template text from `index` (just past a backtick or a closing `}`) to its end or to `${`. */
  const readTemplateText = (): void => {
    while (index < source.length) {
      const char = source[index]!;
      if (char === '\\') {
        index += 2;
      } else if (char === '`') {
        index++;
        push({ kind: 'punct', text: '`' });
        return;
      } else if (char === '$' && source[index + 1] === '{') {
        index += 2;
        templateDepths.push(braceDepth);
        braceDepth++;
        push({ kind: 'punct', text: '${' });
        return;
      } else {
        index++;
      }
    }
  };

  const regexMayStart = (): boolean => {
    const previous = recent.at(-1);
    if (!previous) return true;
    if (previous.kind === 'string') return false;
    if (previous.kind === 'word') return REGEX_AFTER_KEYWORDS.has(previous.text);
    return REGEX_AFTER_PUNCTUATION.has(previous.text) || previous.text === '${';
  };

  const skipRegex = (): void => {
    let inClass = false;
    index++;
    while (index < source.length) {
      const char = source[index]!;
      if (char === '\\') index++;
      else if (char === '[') inClass = true;
      else if (char === ']') inClass = false;
      else if (char === '/' && !inClass) break;
      else if (char === '\n') break;
      index++;
    }
    index++;
    while (index < source.length && /[a-z]/i.test(source[index]!)) index++;
    push({ kind: 'word', text: '/regex/' });
  };

  while (index < source.length) {
    const char = source[index]!;
    const next = source[index + 1];
    if (/\s/.test(char)) {
      index++;
    } else if (char === '/' && next === '/') {
      const lineEnd = source.indexOf('\n', index);
      index = lineEnd < 0 ? source.length : lineEnd;
    } else if (char === '/' && next === '*') {
      const commentEnd = source.indexOf('*/', index + 2);
      index = commentEnd < 0 ? source.length : commentEnd + 2;
    } else if (char === '"' || char === "'") {
      const literal = readString(char);
      const [beforeBefore, before] = [recent.at(-2), recent.at(-1)];
      const isWord = (token: Token | undefined, text: string): boolean =>
        token?.kind === 'word' && token.text === text;
      const isPunct = (token: Token | undefined, text: string): boolean =>
        token?.kind === 'punct' && token.text === text;
      if (
        isWord(before, 'from') ||
        isWord(before, 'import') ||
        (isPunct(before, '(') && isWord(beforeBefore, 'import'))
      ) {
        found.push(literal);
      }
      push({ kind: 'string', specifier: literal });
    } else if (char === '`') {
      index++;
      readTemplateText();
    } else if (char === '/' && regexMayStart()) {
      skipRegex();
    } else if (/[\w$]/.test(char)) {
      const start = index;
      while (index < source.length && /[\w$]/.test(source[index]!)) index++;
      const word = source.slice(start, index);
      // After a dot it is a property (`Buffer.from(…)`, `x.import(…)`), never a keyword.
      const afterDot = recent.at(-1)?.kind === 'punct' && (recent.at(-1) as { text: string }).text === '.';
      push({ kind: 'word', text: afterDot ? `.${word}` : word });
    } else {
      index++;
      if (char === '{') braceDepth++;
      if (char === '}') {
        braceDepth--;
        if (templateDepths.at(-1) === braceDepth) {
          templateDepths.pop();
          readTemplateText();
          continue;
        }
      }
      push({ kind: 'punct', text: char });
    }
  }
  return found;
}

/** Whether a specifier names a file of this package (relative) rather than a package or builtin. */
export function isRelativeSpecifier(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../');
}

/**
 * The source with every relative `.ts` specifier ending in `.js` instead: what `tsc` with an
 * ordinary configuration (no allowImportingTsExtensions) resolves to the same file, and what the
 * emitted JavaScript loads.
 */
export function rewriteTsSpecifiers(source: string): string {
  let result = source;
  for (const specifier of findModuleSpecifiers(source).reverse()) {
    if (!isRelativeSpecifier(specifier.text) || !specifier.text.endsWith('.ts')) continue;
    const rewritten = `${specifier.text.slice(0, -'.ts'.length)}.js`;
    result = result.slice(0, specifier.start) + rewritten + result.slice(specifier.end);
  }
  return result;
}
