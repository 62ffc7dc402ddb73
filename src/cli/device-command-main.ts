#!/usr/bin/env node
/** Stand-alone entry of `hj212 device` (the `hj212` dispatcher calls device-command.ts `run` the same way). */
import { run } from './device-command.js';

process.exitCode = await run(process.argv.slice(2));
