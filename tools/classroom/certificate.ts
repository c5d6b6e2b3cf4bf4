/**
 * The classroom server's https certificate: self-signed, made on first use and kept in a folder, so
 * students accept it once and the same laptop keeps the same certificate from one class to the next.
 * It names the laptop's addresses; on a network where the laptop has an address the kept certificate
 * does not name, a new one is made (and students accept it once more).
 *
 *   const { key, cert, made } = await classroomCertificate('.classroom', ['192.168.1.20']);
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import * as v from 'valibot';

const FILE = 'certificate.json';
const VALID_DAYS = 365;
/** Made again this long before it expires, so it never lapses in the middle of a lesson. */
const RENEW_BEFORE_MS = 7 * 24 * 3600 * 1000;

const KeptSchema = v.object({
  key: v.string(),
  cert: v.string(),
  addresses: v.array(v.string()),
  notAfter: v.number(),
});
type Kept = v.InferOutput<typeof KeptSchema>;

export interface ClassroomCertificate {
  key: string;
  cert: string;
  /** Whether it was made now (students see a new certificate warning) or kept from an earlier run. */
  made: boolean;
}

export async function classroomCertificate(
  folder: string,
  addresses: readonly string[],
  now = Date.now(),
): Promise<ClassroomCertificate> {
  const path = join(folder, FILE);
  const kept = await readFile(path, 'utf8').then(
    (text) => {
      const checked = v.safeParse(KeptSchema, JSON.parse(text));
      return checked.success ? checked.output : null;
    },
    () => null,
  );
  if (kept && kept.notAfter - RENEW_BEFORE_MS > now && addresses.every((a) => kept.addresses.includes(a))) {
    return { key: kept.key, cert: kept.cert, made: false };
  }
  const named = [...new Set(['127.0.0.1', ...addresses])];
  const notAfter = now + VALID_DAYS * 24 * 3600 * 1000;
  const pems = await generate([{ name: 'commonName', value: 'Glassbox classroom' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 3600 * 1000), // a student laptop whose clock is a little behind
    notAfterDate: new Date(notAfter),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [{ type: 2, value: 'localhost' }, ...named.map((ip) => ({ type: 7 as const, ip }))],
      },
    ],
  });
  const next: Kept = { key: pems.private, cert: pems.cert, addresses: named, notAfter };
  await mkdir(folder, { recursive: true });
  await writeFile(path, JSON.stringify(next), { mode: 0o600 });
  return { key: next.key, cert: next.cert, made: true };
}
