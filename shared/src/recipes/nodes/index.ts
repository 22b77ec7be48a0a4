export { PersistentNode, type PersistentNodeOptions, type PersistentNodeEvents } from './persistent-node.ts';
