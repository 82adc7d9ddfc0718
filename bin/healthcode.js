#!/usr/bin/env node
// The compiled CLI; `npm run build` produces it.
import '../dist/cli/main.js';
