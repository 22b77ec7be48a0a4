// The package's front door: the client and the recipes. Everything else has its own subpath
// (`@zk-cookbook/core/ensemble`, `/http`, `/monitor`, `/shell`, `/fourletter`, `/recipes/locks`, ...).
export * from './client/index.ts';
export * from './recipes/index.ts';
