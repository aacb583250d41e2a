import { readFile } from 'node:fs/promises';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { BudgetNewRequest } from '../index';
import { UsageError } from './errors';
import { MODEL_RULES, TIER_RULES, type FieldRule } from './tier-rules';

/** A tier as the file declares it, with the line it starts on (for messages). */
export interface DeclaredTier {
  tier: BudgetNewRequest & { budget_id: string };
  line: number;
}

/** One thing wrong with a tier file, where it is and which field. */
export interface FileProblem {
  line: number;
  column: number;
  field: string;
  message: string;
}

/** A tier file that cannot be applied; the message lists every problem as file:line:col. */
export class TierFileError extends UsageError {
  override name = 'TierFileError';

  constructor(
    readonly file: string,
    readonly problems: FileProblem[],
  ) {
    super(problems.map((p) => `${file}:${p.line}:${p.column}: ${p.field}: ${p.message}`)
      .join('\n'));
  }
}

/** Reads and checks a YAML or JSON tier file; throws `TierFileError` listing every problem. */
export async function readTierFile(file: string): Promise<DeclaredTier[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  return parseTierFile(file, text);
}

/** Parses tier-file text (YAML, which JSON also is). */
export function parseTierFile(file: string, text: string): DeclaredTier[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  const checker = new Checker(doc, lines);
  const tiers = doc.errors.length ? [] : checker.root();
  for (const error of doc.errors) {
    const at = error.linePos?.[0] ?? { line: 1, col: 1 };
    checker.problems.push({ line: at.line, column: at.col, field: '(syntax)',
      message: firstLine(error.message) });
  }
  const problems = checker.problems.sort((a, b) => a.line - b.line || a.column - b.column);
  if (problems.length) throw new TierFileError(file, problems);
  return tiers;
}

/** Walks the parsed file once, collecting problems with their positions. */
class Checker {
  readonly problems: FileProblem[] = [];
  readonly ids = new Map<string, number>();

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  root(): DeclaredTier[] {
    const root = this.doc.contents;
    if (!isMap(root)) {
      this.problem(root, '(top)', 'must be a map with a `tiers:` list');
      return [];
    }
    let list: Node | null = null;
    for (const pair of root.items) {
      const name = keyName(pair.key);
      if (name === 'tiers') list = pair.value as Node | null;
      else this.problem(pair.key as Node, String(name), 'unknown top-level field; want `tiers`');
    }
    if (!isSeq(list)) {
      this.problem(list ?? root, 'tiers', 'must be a list of tiers, each with a budget_id');
      return [];
    }
    const tiers = list.items.map((item, i) => this.tier(item as Node, `tiers[${i}]`));
    return tiers.filter((t): t is DeclaredTier => t !== undefined);
  }

  tier(node: Node, path: string): DeclaredTier | undefined {
    if (!isMap(node)) {
      this.problem(node, path, 'must be a map of tier fields');
      return undefined;
    }
    const before = this.problems.length;
    const tier: Record<string, unknown> = {};
    for (const pair of node.items) {
      const name = String(keyName(pair.key));
      const value = pair.value as Node | null;
      const field = `${path}.${name}`;
      const rule = (TIER_RULES as Record<string, FieldRule>)[name];
      if (!rule) {
        this.problem(pair.key as Node, field, `unknown field; a tier takes ${list(TIER_RULES)}`);
        continue;
      }
      const js = this.value(value);
      // An empty or null value declares the field unset, as if it were absent.
      if (js === null) continue;
      if (this.check(value ?? node, field, rule, js)) tier[name] = js;
      if (name === 'model_max_budget' && isMap(value)) this.models(value, field);
    }
    const idField = `${path}.budget_id`;
    if (tier['budget_id'] === undefined && !this.problems.some((p) => p.field === idField)) {
      this.problem(node, idField, 'is required: the file names each tier it manages');
    }
    if (typeof tier['budget_id'] === 'string') this.remember(tier['budget_id'], node, idField);
    if (this.problems.length > before) return undefined;
    return { tier: tier as DeclaredTier['tier'], line: this.position(node).line };
  }

  /** Each tier id once: a second tier with the same id is refused, naming the first. */
  remember(id: string, node: Node, field: string): void {
    const first = this.ids.get(id);
    if (first === undefined) this.ids.set(id, this.position(node).line);
    else this.problem(node, field, `duplicate tier "${id}" (first declared on line ${first})`);
  }

  models(map: Node, path: string): void {
    if (!isMap(map)) return;
    for (const pair of map.items) {
      const model = String(keyName(pair.key));
      const limits = pair.value as Node | null;
      if (!isMap(limits)) {
        this.problem(limits ?? (pair.key as Node), `${path}.${model}`, 'must be a map of limits');
        continue;
      }
      for (const inner of limits.items) {
        const name = String(keyName(inner.key));
        const field = `${path}.${model}.${name}`;
        const rule = (MODEL_RULES as Record<string, FieldRule>)[name];
        const js = this.value(inner.value as Node | null);
        if (!rule) {
          this.problem(inner.key as Node, field, `unknown field; takes ${list(MODEL_RULES)}`);
        } else if (js !== null) this.check((inner.value ?? inner.key) as Node, field, rule, js);
      }
    }
  }

  check(node: Node, field: string, rule: FieldRule, value: unknown): boolean {
    const problem = rule(value);
    if (problem) this.problem(node, field, problem);
    return problem === undefined;
  }

  value(node: Node | null): unknown {
    if (node === null || node === undefined) return null;
    return node.toJS(this.doc) as unknown;
  }

  problem(node: Node | null | undefined, field: string, message: string): void {
    const { line, column } = this.position(node);
    this.problems.push({ line, column, field, message });
  }

  position(node: Node | null | undefined): { line: number; column: number } {
    const offset = node?.range?.[0];
    if (offset === undefined) return { line: 1, column: 1 };
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }
}

function keyName(key: unknown): unknown {
  return isScalar(key) ? key.value : key;
}

function list(rules: object): string {
  return Object.keys(rules).join(', ');
}

/** yaml's pretty message, without the position (already given) and the source excerpt. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}
