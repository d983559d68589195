#!/usr/bin/env node
// Placeholder until the CLI lands.
process.stdout.write('vbs-backup\n');
