"""Kazoo's Counter for interop tests. support_curator=True stores the value as 4 big-endian bytes, like
Curator's SharedCount and our SharedCount, so all three can count on one node.

Note: Kazoo's Counter re-runs its whole read-add-write under client.retry after a connection loss, so
under faults an increment whose reply was lost can be applied twice; interop tests run it without faults."""
from kazoo.recipe.counter import Counter


def handle(action, args, peer):
    name = args.get("name")
    if action == "create":
        peer.objects[name] = Counter(peer.client(args), args["path"], support_curator=args.get("supportCurator", True))
        return True
    counter = peer.objects[name]
    if action == "value":
        return counter.value
    if action == "add":
        counter += args.get("delta", 1)
        return {"preValue": counter.pre_value, "postValue": counter.post_value}
    if action == "increments":
        for _ in range(args["count"]):
            counter += 1
        return args["count"]
    raise ValueError("unknown counter action " + action)
