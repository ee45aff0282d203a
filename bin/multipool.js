#!/usr/bin/env node
// The `multipool` command; the code is compiled into dist by `npm run build`.
import { main } from '../dist/cluster/cli.js';

process.exitCode = await main(process.argv.slice(2));
