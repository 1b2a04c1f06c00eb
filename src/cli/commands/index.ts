import type { Command } from 'commander';
import { register as copy } from './copy.js';
import { register as demo } from './demo.js';
import { register as evaluate } from './evaluate.js';
import { register as exportResults } from './export.js';
import { register as generate } from './generate.js';
import { register as importExtract } from './import.js';
import { register as incentives } from './incentives.js';
import { register as indicators } from './indicators.js';
import { register as measure } from './measure.js';
import { register as report } from './report.js';
import { register as serve } from './serve.js';
import { register as recall } from './recall.js';
import { register as users } from './users.js';

/** Every CLI command module registers itself on the program. One line per command file. */
export type RegisterCommand = (program: Command) => void;

/** In the order `gpnet --help` lists them: the usual path from data to results first. */
export const COMMANDS: RegisterCommand[] = [demo, generate, importExtract, measure, exportResults, indicators, evaluate, incentives, recall, serve, users, report, copy];
