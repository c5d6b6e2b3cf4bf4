/**
 * The app's tunable defaults in one home, each with why it has its value. Measured ones cite the
 * benchmark (`npm run bench`, bench/results/latest.md).
 *
 *   import { EMBED_BATCH_SIZE } from '../core/settings.ts'; // → 16
 */

/**
 * Sentences the encoder reads per forward pass. On WASM, 16 held 50-59 sentences/s (q8, 2 threads) over
 * repeated rounds in one page, while one at a time swung from 17 to 54 and 32 was slower; a GPU needs
 * batches to fill its cores.
 */
export const EMBED_BATCH_SIZE = 16;

/** How many of the likeliest candidates a recorded token step keeps. */
export const STEP_CANDIDATES = 10;

/** Progress events (downloads, reads, batches) are sent at most this often, so they never flood the page. */
export const PROGRESS_INTERVAL_MS = 100;

/**
 * WASM threads at most. ONNX Runtime Web's kernels stop scaling past a few threads, and every thread is a
 * worker with its own memory; on 2 cores, two threads decode fp32 1.2× and prefill 1.8× faster than one.
 */
export const MAX_WASM_THREADS = 8;

/** A model's context length when its config states none (the smallest the catalog's models use). */
export const FALLBACK_CONTEXT_LENGTH = 2048;

/** Attempts per file before a download gives up (dropped connections and 5xx/429 answers retry). */
export const DOWNLOAD_ATTEMPTS = 6;

/** A host's answer to a small request (a listing, a config, a byte range) may take this long. */
export const HOST_ANSWER_TIMEOUT_MS = 30_000;

/** A download connection that delivers nothing for this long is dropped and resumed. */
export const DOWNLOAD_STALL_MS = 30_000;

/** The first wait before a download retries; it doubles each retry (0.5, 1, 2, 4, 8 s). */
export const DOWNLOAD_BACKOFF_MS = 500;

/**
 * Downloads are written to storage in blocks of this size. Network chunks are tens of kilobytes: written
 * one by one, the round trips to storage dominated a download.
 */
export const WRITE_BLOCK_BYTES = 4 * 1024 * 1024;
