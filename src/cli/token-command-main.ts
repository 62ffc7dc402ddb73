#!/usr/bin/env node
/** Stand-alone entry of `hj212 token` (the `hj212` dispatcher calls token-command.ts `run` the same way). */
import { run } from './token-command.js';

process.exitCode = await run(process.argv.slice(2));
