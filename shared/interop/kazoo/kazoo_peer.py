"""A Kazoo 2.8 participant driven over stdin/stdout, so TypeScript tests can run real Kazoo recipes
next to ours on the same ZooKeeper paths. Same protocol as shared/interop/curator/CuratorPeer.java:

  in:  {"id": 7, "op": "lock.acquire", "actor": "l1", "args": {...}}
  out: {"id": 7, "ok": true, "result": ...} | {"id": 7, "ok": false, "error": "..."}
       {"event": "name", "data": {...}}

"op" is "<family>.<action>"; the family names a module commands_<family>.py in this directory with a
function handle(action, args, peer). Commands of one "actor" run in order on that actor's thread.
Run with Debian's python3 (/usr/bin/python3), which has python3-kazoo.
"""
import importlib
import json
import queue
import sys
import threading

from kazoo.client import KazooClient


class Peer:
    def __init__(self):
        self.clients = {}
        self.objects = {}
        self._actors = {}
        self._families = {}
        self._out_lock = threading.Lock()

    def emit(self, event, data):
        self._write({"event": event, "data": data})

    def client(self, args):
        name = args.get("client", "default")
        if name not in self.clients:
            raise ValueError("no client named %s (open it with client.open)" % name)
        return self.clients[name]

    def dispatch(self, command):
        actor = command.get("actor", "main")
        if actor not in self._actors:
            jobs = queue.Queue()
            thread = threading.Thread(target=self._run_actor, args=(jobs,), daemon=True)
            thread.start()
            self._actors[actor] = jobs
        self._actors[actor].put(command)

    def _run_actor(self, jobs):
        while True:
            command = jobs.get()
            try:
                result = self._run(command.get("op", ""), command.get("args", {}))
                self._write({"id": command.get("id"), "ok": True, "result": result})
            except Exception as error:  # report every failure to the caller, never die
                self._write({"id": command.get("id"), "ok": False, "error": "%s: %s" % (type(error).__name__, error)})

    def _run(self, op, args):
        family, _, action = op.partition(".")
        if family == "client":
            return self._client_command(action, args)
        if family not in self._families:
            self._families[family] = importlib.import_module("commands_" + family)
        return self._families[family].handle(action, args, self)

    def _client_command(self, action, args):
        name = args.get("client", "default")
        if action == "open":
            client = KazooClient(hosts=args["connect"], timeout=args.get("sessionTimeoutMs", 10000) / 1000.0)
            client.start(timeout=args.get("connectionTimeoutMs", 10000) / 1000.0)

            def listener(state, name=name):
                self.emit("connectionState", {"client": name, "state": str(state)})

            client.add_listener(listener)
            self.clients[name] = client
            return "%x" % client.client_id[0]
        if action == "session":
            return "%x" % self.clients[name].client_id[0]
        if action == "close":
            client = self.clients.pop(name, None)
            if client is not None:
                client.stop()
                client.close()
            return True
        raise ValueError("unknown client action " + action)

    def _write(self, message):
        line = json.dumps(message)
        with self._out_lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()


def main():
    peer = Peer()
    peer.emit("ready", {})
    for line in sys.stdin:
        if line.strip():
            peer.dispatch(json.loads(line))
    for client in list(peer.clients.values()):
        client.stop()


if __name__ == "__main__":
    main()
