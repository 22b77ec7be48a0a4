import v8 from 'node:v8';
import vm from 'node:vm';

// A heap measurement means something only after a full collection; tests run without --expose-gc,
// so the flag is turned on here and `gc` taken from a fresh context, where V8 then defines it.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/** Bytes of live heap after a full garbage collection. */
export function liveHeapBytes(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}
