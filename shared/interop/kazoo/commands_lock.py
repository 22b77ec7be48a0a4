"""Kazoo's Lock, for interop tests. extra_lock_patterns=("-lock-",) makes Kazoo count Curator-style
nodes (ours) as contenders, so a TypeScript Mutex and a Kazoo Lock on one path exclude each other."""
from kazoo.recipe.lock import Lock


def handle(action, args, peer):
    name = args.get("name")
    if action == "create":
        patterns = tuple(args.get("extraLockPatterns", ["-lock-"]))
        peer.objects[name] = Lock(peer.client(args), args["path"], identifier=args.get("id"), extra_lock_patterns=patterns)
        return True
    lock = peer.objects[name]
    if action == "acquire":
        timeout = args.get("timeoutMs")
        return lock.acquire(timeout=None if timeout is None else timeout / 1000.0)
    if action == "release":
        return lock.release()
    if action == "isHeld":
        return lock.is_acquired
    if action == "holdAndIncrement":
        return hold_and_increment(peer.client(args), lock, args)
    if action == "contenders":
        return lock.contenders()
    raise ValueError("unknown lock action " + action)


def hold_and_increment(client, lock, args):
    """The critical section of a mutual-exclusion check (see MutexCommands.holdAndIncrement)."""
    import time

    holds = []
    for _ in range(args["rounds"]):
        lock.acquire()
        start = int(time.time() * 1000)
        try:
            value = int(client.get(args["counterPath"])[0].decode())
            time.sleep(args.get("holdMs", 5) / 1000.0)
            client.set(args["counterPath"], str(value + 1).encode())
        finally:
            holds.append([start, int(time.time() * 1000)])
            lock.release()
    return holds
