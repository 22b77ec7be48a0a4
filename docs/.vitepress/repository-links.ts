import { posix } from 'node:path';
import type MarkdownIt from 'markdown-it';

type Token = ReturnType<MarkdownIt['parse']>[number];

/**
 * The pages also live in the repository, where a link to `../bench/README.md` or to a source file
 * beside the page is the right thing: GitHub follows it and `npm run lint:links` checks it. The site
 * contains only pages, so those targets would be dead links or 404s there. This rewrites every
 * relative link that leaves the docs folder, or points at something that is not a page, into the
 * repository path as code (or into a link to the repository when `DOCS_REPOSITORY_URL` names one,
 * e.g. https://github.com/owner/zk-cookbook/blob/main/). Links between pages are left to VitePress,
 * which fails the build if one is dead.
 */
export function repositoryLinks(
  md: MarkdownIt,
  options: { docsFolder: string; repositoryUrl?: string },
): void {
  md.core.ruler.push('repository_links', (state) => {
    const relativePath = (state.env as { relativePath?: string }).relativePath;
    if (relativePath === undefined) return;
    for (const block of state.tokens) {
      if (block.type === 'inline' && block.children) {
        block.children = rewriteChildren(block.children, relativePath, options, state.Token);
      }
    }
  });
}

function repositoryPath(href: string, relativePath: string, docsFolder: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('#') || href.startsWith('/')) return undefined;
  const target = href.replace(/[?#].*$/, '');
  const joined = posix.normalize(posix.join(posix.dirname(relativePath), target));
  const leavesDocs = joined.startsWith('../');
  const isPage = /\.md$/i.test(target) || target.endsWith('/') || target === '';
  if (!leavesDocs && isPage) return undefined;
  return posix.normalize(posix.join(docsFolder, joined)).replace(/\/$/, '');
}

function rewriteChildren(
  children: Token[],
  relativePath: string,
  options: { docsFolder: string; repositoryUrl?: string },
  TokenClass: new (type: string, tag: string, nesting: -1 | 0 | 1) => Token,
): Token[] {
  const result: Token[] = [];
  for (let index = 0; index < children.length; index += 1) {
    const token = children[index]!;
    const path =
      token.type === 'link_open'
        ? repositoryPath(token.attrGet('href') ?? '', relativePath, options.docsFolder)
        : undefined;
    if (path === undefined) {
      result.push(token);
      continue;
    }
    if (options.repositoryUrl) {
      token.attrSet('href', new URL(path, options.repositoryUrl).href);
      result.push(token);
      continue;
    }
    // Keep the link text, drop the anchor, and show where the file is unless the text already says it.
    let close = index + 1;
    let text = '';
    while (close < children.length && children[close]!.type !== 'link_close') {
      const inner = children[close]!;
      text += inner.content;
      result.push(inner);
      close += 1;
    }
    if (text.trim() !== path) {
      const code = new TokenClass('html_inline', '', 0);
      code.content = ` (<code class="repository-path" title="a file in the repository">${escapeHtml(path)}</code>)`;
      result.push(code);
    }
    index = close;
  }
  return result;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
