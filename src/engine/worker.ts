/**
 * The inference worker's entry: the engine's API (protocol.ts) answered by one dispatch table. It is the
 * only place that imports transformers.js (and through it onnxruntime-web), with worker/ (runtime, probe,
 * slots, scheduling, files) and tasks/ (load, generate, embed, tokenize, check).
 *
 * It may not import React, zustand or any UI module.
 */
import './worker/runtime.ts'; // configures transformers.js before any task reads a model
import { serve } from '../lib/workerRpc.ts';
import { classifyError } from './errors.ts';
import type { EngineApi } from './protocol.ts';
import { checkRepository } from './tasks/check.ts';
import { embed, embedTokens } from './tasks/embed.ts';
import { generate, render } from './tasks/generate.ts';
import { importFolder, load } from './tasks/load.ts';
import { lookInside } from './tasks/lookInside.ts';
import { tokenize } from './tasks/tokenize.ts';
import { probe } from './worker/probe.ts';

serve<EngineApi>(
  {
    probe: () => probe(),
    load,
    generate,
    embed,
    embedTokens,
    tokenize,
    render,
    check: checkRepository,
    importFolder,
    lookInside,
  },
  (error) => classifyError(error).toData(),
);
