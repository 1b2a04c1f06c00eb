#!/usr/bin/env node
// Entry point installed as `gpnet`: runs the compiled CLI (npm install builds it via `prepare`).
import '../dist/cli/main.js';
