export { run, main } from './main';
export { buildProgram } from './program';
export { AdminClient, DEFAULT_API } from './api-client';
export { CLI_EXIT, ApiError, VimUnreachableError } from './errors';
export type { CliIo } from './program';
