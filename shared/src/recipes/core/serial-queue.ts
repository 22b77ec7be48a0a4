/**
 * Runs async operations one after another, each starting when the previous one settled. A lock
 * object puts its acquires and releases through one queue so that its ownership changes one step at
 * a time: a release cannot overtake the acquire it belongs to, nor a new acquire a delete still in
 * flight (CURATOR-678).
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.tail.then(operation, operation);
    this.tail = result.catch(() => {});
    return result;
  }
}
