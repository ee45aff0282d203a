#!/usr/bin/env node
// The `multipool` command; the code is compiled into dist by `npm run build`.
// The whole package is loaded first, as a user's program loads it: results that hold shared primitives
// (a Lock a task made) are revived on arrival, which needs their classes registered.
import '../dist/index.js';
import { main } from '../dist/cluster/cli.js';

process.exitCode = await main(process.argv.slice(2));
