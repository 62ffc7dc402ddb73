/**
 * Building the flat CP map fast. A device sends the same keys in the same order frame after frame; a map built by
 * keyed stores (`cp[key] = value`) turns into a V8 dictionary after a dozen keys, and building one with 51 keys took
 * 3.7 µs here, against 0.09 µs for an object literal of the same keys (measured on this machine, Node 20). So key
 * sequences are remembered in a trie, and a sequence seen twice gets a factory compiled from an object literal
 * (`new Function`; the keys are embedded as JSON string literals, so wire data cannot inject code). Literal objects
 * are also fast-mode objects: `for…in` over them uses V8's enum cache, which readCp relies on.
 */
import { setKey } from './own.js';

type Factory = (values: readonly string[]) => Record<string, string>;

/** One key sequence: the node for keys k0..k(depth-1). */
interface ShapeNode {
  /** The child last followed (most frames repeat the same sequence, so one comparison usually suffices). */
  lastKey: string | undefined;
  lastChild: ShapeNode | undefined;
  children: Map<string, ShapeNode> | undefined;
  /** Frames that ended at this node; a factory is compiled on the second. */
  hits: number;
  build: Factory | undefined;
}

/** Trie size bound: a device inventing new keys in every frame must not grow memory (reset when exceeded). */
const MAX_NODES = 20_000;
/** Keys per literal factory; longer sequences (never seen in a 1024-byte segment) take the keyed-store path. */
const MAX_FACTORY_KEYS = 400;
/**
 * Distinct factories per process, kept for its lifetime and never replaced. Compiled code is not reclaimed promptly
 * when a factory is dropped: with a trie reset every 2,000 factories, the 10M-input fuzz run (scripts/fuzz-protocol.mjs)
 * saw the heap grow from 4 to 40 MB, so the number ever compiled is what is bounded. Sequences beyond it take the
 * keyed-store path.
 */
const MAX_FACTORIES = 512;
const compiled = new Map<string, Factory>();

function node(): ShapeNode {
  return { lastKey: undefined, lastChild: undefined, children: undefined, hits: 0, build: undefined };
}

let root = node();
let nodes = 0;

function child(parent: ShapeNode, key: string): ShapeNode {
  if (parent.lastKey === key) return parent.lastChild!;
  let next = parent.children?.get(key);
  if (next === undefined) {
    next = node();
    (parent.children ??= new Map()).set(key, next);
    nodes++;
  }
  parent.lastKey = key;
  parent.lastChild = next;
  return next;
}

function compile(keys: readonly string[], n: number): Factory | undefined {
  for (let i = 0; i < n; i++) if (keys[i] === '__proto__') return undefined; // a literal would set the prototype
  const props: string[] = [];
  for (let i = 0; i < n; i++) props.push(`${JSON.stringify(keys[i])}:v[${i}]`);
  const source = `return {${props.join(',')}};`;
  let build = compiled.get(source);
  if (build === undefined && compiled.size < MAX_FACTORIES) {
    build = new Function('v', source) as Factory;
    compiled.set(source, build);
  }
  return build;
}

/** The map `keys[i] → values[i]` for i < n, in that order. Keys must be distinct. */
export function buildCp(keys: readonly string[], values: readonly string[], n: number): Record<string, string> {
  if (nodes > MAX_NODES) {
    root = node();
    nodes = 0;
  }
  let at = root;
  for (let i = 0; i < n; i++) at = child(at, keys[i]!);
  if (at.build === undefined && ++at.hits === 2 && n <= MAX_FACTORY_KEYS) at.build = compile(keys, n);
  if (at.build !== undefined) return at.build(values);
  const cp: Record<string, string> = {};
  for (let i = 0; i < n; i++) setKey(cp, keys[i]!, values[i]!);
  return cp;
}
