#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the command works straight from a clone (`npm link` or `npx distillery`).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
