/**
 * Writes a folder atomically: it is assembled under a temporary name beside its destination and renamed
 * into place only when complete, so an interrupted run never leaves a folder that looks finished.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces `folder` with what `fill` writes into the staging folder it is given. When `fill` throws, the
 * staging folder is removed and `folder` keeps its previous contents.
 */
export async function writeFolderAtomically(
  folder: string,
  fill: (staging: string) => Promise<void>,
): Promise<void> {
  await removeAbandonedStaging(folder);
  const staging = join(dirname(folder), `.${basename(folder)}.tmp-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    await fill(staging);
    await swapIntoPlace(staging, folder);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Replaces `folder` with `staging` using renames only, so readers see the old folder or the new one. */
async function swapIntoPlace(staging: string, folder: string): Promise<void> {
  await mkdir(dirname(folder), { recursive: true });
  const old = join(dirname(folder), `.${basename(folder)}.old-${process.pid}`);
  await rm(old, { recursive: true, force: true });
  const hadFolder = existsSync(folder);
  if (hadFolder) await rename(folder, old);
  try {
    await rename(staging, folder);
  } catch (error) {
    if (hadFolder) await rename(old, folder); // put the previous complete folder back
    throw error;
  }
  await rm(old, { recursive: true, force: true });
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0 only asks whether the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes `.main.tmp-<pid>` / `.main.old-<pid>` left beside `folder` by runs that were killed. */
async function removeAbandonedStaging(folder: string): Promise<void> {
  const parent = dirname(folder);
  if (!existsSync(parent)) return;
  const pattern = new RegExp(
    `^\\.${basename(folder).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(tmp|old)-(\\d+)$`,
  );
  for (const entry of readdirSync(parent)) {
    const pid = Number(pattern.exec(entry)?.[2]);
    if (Number.isInteger(pid) && pid !== process.pid && !processIsAlive(pid)) {
      await rm(join(parent, entry), { recursive: true, force: true });
    }
  }
}
