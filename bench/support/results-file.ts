/**
 * RESULTS.md keeps each benchmark's section between markers, so `--only name` can refresh
 * one section and keep the others from earlier runs (each section carries its own date).
 */

const start = (name: string) => `<!-- bench:${name} -->`;
const end = (name: string) => `<!-- /bench:${name} -->`;

export function wrapSection(name: string, markdown: string): string {
  return `${start(name)}\n${markdown.trim()}\n${end(name)}`;
}

/** The sections of an earlier RESULTS.md, by bench name. */
export function readSections(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  const pattern = /<!-- bench:([\w-]+) -->\n[\s\S]*?<!-- \/bench:\1 -->/g;
  for (const match of text.matchAll(pattern)) sections.set(match[1] as string, match[0]);
  return sections;
}
