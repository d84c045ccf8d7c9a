export * from './types';
export { UnknownPolicyError } from './errors';
export { createPolicy, isPolicyName } from './registry';
export { seededRandom } from './random';
