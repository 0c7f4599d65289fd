// Reads a V8 .cpuprofile and says where the busy time went: self time by
// package or source folder (native frames such as Intl counted to their
// caller), and the inclusive time of the app's own functions.

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  /** Milliseconds sampled, idle left out. */
  busyMs: number;
  idleMs: number;
  /** Self time by group, largest first. */
  groups: Array<{ group: string; ms: number; share: number }>;
  /** Inclusive time of the app's own functions (src/), largest first. */
  ours: Array<{ fn: string; ms: number; share: number }>;
}

/** The package or source folder a script belongs to. */
export function groupOf(url: string, functionName: string): string | null {
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'V8 (program)';
  if (functionName === '(root)') return 'V8 (program)';
  if (!url) return null;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const src = url.indexOf('/src/');
  if (src >= 0) {
    const parts = url.slice(src + 1).split('/');
    // src/platform/views, src/modules/participation, src/app.ts
    return parts.slice(0, parts.length > 3 ? 3 : parts.length - 1).join('/') || 'src';
  }
  if (url.startsWith('node:')) return 'node (internal)';
  return url.split('/').slice(-1)[0] ?? url;
}

function keyOf(frame: CallFrame): string {
  const src = frame.url.indexOf('/src/');
  const file = src >= 0 ? frame.url.slice(src + 1).replace(/^file:\/\//, '') : frame.url;
  return `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
}

export function summarise(profile: CpuProfile, top = 12): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);

  // Self time per node from the samples (hitCount alone has no durations).
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i += 1) {
    const next = deltas[i + 1] ?? 0;
    self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + next / 1000);
  }

  // Group of a node: its own, or (native, eval'd template code) its nearest caller's.
  const groupCache = new Map<number, string>();
  const groupFor = (id: number): string => {
    const cached = groupCache.get(id);
    if (cached) return cached;
    const node = byId.get(id)!;
    const own = groupOf(node.callFrame.url, node.callFrame.functionName);
    const parentId = parent.get(id);
    const group = own ?? (parentId === undefined ? 'V8 (program)' : groupFor(parentId));
    groupCache.set(id, group);
    return group;
  };

  const groups = new Map<string, number>();
  let idle = 0;
  let busy = 0;
  for (const [id, ms] of self) {
    const group = groupFor(id);
    if (group === 'idle') {
      idle += ms;
      continue;
    }
    busy += ms;
    groups.set(group, (groups.get(group) ?? 0) + ms);
  }

  // Inclusive time of our functions, each counted once per stack (recursion).
  const ours = new Map<string, number>();
  for (const [id, ms] of self) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (!frame.url.includes('/src/') || frame.url.includes('/node_modules/')) continue;
      const key = keyOf(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      ours.set(key, (ours.get(key) ?? 0) + ms);
    }
  }
  const share = (ms: number) => (busy > 0 ? ms / busy : 0);
  return {
    busyMs: busy,
    idleMs: idle,
    groups: [...groups]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([group, ms]) => ({ group, ms, share: share(ms) })),
    ours: [...ours]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, ms]) => ({ fn, ms, share: share(ms) })),
  };
}
