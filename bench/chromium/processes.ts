/**
 * Chromium's processes as Linux's /proc shows them: their CPU time, the renderers' memory, waiting until
 * Chromium is idle, and the renderers' peak memory over a run (elsewhere than Linux: no waiting, no peak).
 *
 *   const { result, peakBytes } = await runWatchingMemory(() => callBenchPage(page, 'decoder', workload));
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { platform } from 'node:os';

/** Pids of the Chromium processes whose command line contains `marker` (Linux; elsewhere none). */
function chromiumPids(marker: string): number[] {
  if (platform() !== 'linux') return [];
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmdline.includes('chrom') && cmdline.includes(marker);
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number);
}

/** The renderer processes: the page and its workers. */
const rendererPids = () => chromiumPids('--type=renderer');

/** CPU seconds used so far by every Chromium process (Linux), or null where /proc does not tell. */
function chromiumCpuSeconds(): number | null {
  if (platform() !== 'linux') return null;
  let ticks = 0;
  for (const pid of chromiumPids('')) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0); // utime, stime
    } catch {
      // A process that exited meanwhile.
    }
  }
  return ticks / 100;
}

/** A field of `/proc/<pid>/status` in bytes (`VmRSS`, `VmHWM`); null once the process is gone. */
function statusBytes(pid: number, field: string): number | null {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** The renderers' resident memory together, in bytes (0 where /proc does not tell). */
function rendererResidentBytes(pids: number[] = rendererPids()): number {
  return pids.reduce((sum, pid) => sum + (statusBytes(pid, 'VmRSS') ?? 0), 0);
}

/**
 * Waits until Chromium is idle: under 5 % of a core and its renderers' memory steady (within 16 MB) over
 * half a second, 30 s at most. An engine that was just terminated takes seconds to let go of its threads
 * and gigabytes of memory: the runs that followed one were up to half as fast without this.
 */
export async function settle(): Promise<void> {
  const deadline = Date.now() + 30_000;
  const reading = () => ({ cpu: chromiumCpuSeconds(), memory: rendererResidentBytes() });
  let last = reading();
  while (last.cpu !== null && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = reading();
    if ((now.cpu ?? 0) - last.cpu < 0.025 && Math.abs(now.memory - last.memory) < 16e6) return;
    last = now;
  }
}

const RSS_SAMPLE_MS = 100;

/**
 * Watches the renderers' resident memory (the page and its workers) for one configuration: resets their
 * peak (Linux `clear_refs`) and samples their RSS every 100 ms, and `stop()` gives the larger of the two
 * readings. The kernel's peak alone once read 266 MB for a run holding a 250 MB model, right after a
 * 2 GB engine had been let go; the samples guard against that. Both would count memory that an engine
 * before left in the renderer: measure in a fresh one.
 */
function watchRendererMemory(): { stop(): number | null } {
  const pids = rendererPids();
  for (const pid of pids) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      // A renderer that exited meanwhile.
    }
  }
  let sampled = 0;
  const timer = setInterval(() => {
    for (const pid of pids) sampled = Math.max(sampled, statusBytes(pid, 'VmRSS') ?? 0);
  }, RSS_SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      const peaks = pids.flatMap((pid) => statusBytes(pid, 'VmHWM') ?? []);
      return peaks.length > 0 || sampled > 0 ? Math.max(sampled, ...peaks) : null;
    },
  };
}

/**
 * Runs `work` once Chromium has settled, with the renderers' memory watched over it: its result and their
 * peak resident bytes (null where /proc does not tell).
 */
export async function runWatchingMemory<T>(
  work: () => Promise<T>,
): Promise<{ result: T; peakBytes: number | null }> {
  await settle(); // a terminated engine lets go of its threads and memory slowly
  const memory = watchRendererMemory();
  let result: T;
  try {
    result = await work();
  } catch (error) {
    memory.stop(); // leaves no sampling timer behind a failed run
    throw error;
  }
  return { result, peakBytes: memory.stop() };
}
