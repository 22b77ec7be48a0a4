import { randomUUID } from 'node:crypto';

/**
 * Curator's "protected" node names: `_c_<uuid>-<name>`. The UUID lets a client that lost the reply
 * to a create find the node it may have created (by listing the parent) instead of creating a
 * second one. Nodes from TypeScript, Java (Curator) and Go clients share this convention.
 */
export const PROTECTED_PREFIX = '_c_';
const PROTECTED_PREFIX_LENGTH = 40; // "_c_" + 36-character UUID + "-"
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function newProtectionId(): string {
  return randomUUID();
}

/** `_c_<uuid>-` — every protected node of one create attempt starts with it. */
export function protectionPrefix(id: string): string {
  return `${PROTECTED_PREFIX}${id}-`;
}

export function isProtectedName(name: string): boolean {
  return (
    name.startsWith(PROTECTED_PREFIX) &&
    name.length >= PROTECTED_PREFIX_LENGTH &&
    name[PROTECTED_PREFIX_LENGTH - 1] === '-' &&
    UUID.test(name.slice(3, PROTECTED_PREFIX_LENGTH - 1))
  );
}

/** The name without its protection prefix (unchanged when it has none). */
export function stripProtection(name: string): string {
  return isProtectedName(name) ? name.slice(PROTECTED_PREFIX_LENGTH) : name;
}
