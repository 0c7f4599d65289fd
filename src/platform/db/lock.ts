import { closeSync, openSync, readFileSync, unlinkSync, writeSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

/**
 * PGlite does not lock its data folder, and two processes writing to one folder
 * silently lose writes (upstream electric-sql/pglite#1106). So every process that
 * opens the embedded database first takes this lock: a file created with O_EXCL
 * holding the owner's pid and that process's start time. A lock whose process is
 * gone (or whose pid now belongs to another process) is stale and taken over.
 */
export interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
  procStart: string | null;
  command: string;
}

export class DataDirLockedError extends Error {
  readonly code = 'DATA_DIR_LOCKED';
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner,
  ) {
    super(
      `The data folder ${dataDir} is in use by process ${owner.pid} ` +
        `(${owner.command}, started ${owner.startedAt}). ` +
        'Only one Coproduce process can use the embedded database at a time: ' +
        'stop that process first, or use PostgreSQL (DATABASE_URL) to run several.',
    );
  }
}

/** The kernel's start time of a process (Linux), which tells a reused pid apart. */
function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in brackets and may hold spaces.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true; // another machine's process: cannot tell, so respect it
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (owner.procStart === null) return true;
  const now = processStartTime(owner.pid);
  return now === null || now === owner.procStart;
}

function readOwner(file: string): LockOwner | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
  } catch {
    return null;
  }
}

export interface DataDirLock {
  file: string;
  release(): void;
}

/** Takes the exclusive lock on a data folder, or throws DataDirLockedError. */
export function lockDataDir(dataDir: string, command: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'coproduce.lock');
  const me: LockOwner = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    procStart: processStartTime(process.pid),
    command,
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(file);
      if (owner && isAlive(owner)) throw new DataDirLockedError(dataDir, owner);
      // Stale (its process died) or half-written: take it over. Re-read first so
      // that a lock another process has just taken is not removed.
      const again = readFileSync(file, 'utf8');
      if (owner === null || again === JSON.stringify(owner)) {
        try {
          unlinkSync(file);
        } catch {
          /* another process took it over first: try again */
        }
      }
      continue;
    }
    writeSync(fd, JSON.stringify(me));
    closeSync(fd);
    let released = false;
    return {
      file,
      release() {
        if (released) return;
        released = true;
        const owner = readOwner(file);
        if (owner && owner.pid === me.pid && owner.startedAt === me.startedAt) unlinkSync(file);
      },
    };
  }
  const owner = readOwner(file);
  if (owner) throw new DataDirLockedError(dataDir, owner);
  throw new Error(`Could not lock the data folder ${dataDir}`);
}
