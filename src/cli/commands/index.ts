import type { Command } from 'commander';

/** Every CLI command module registers itself on the program. One line per command file. */
export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [
];
