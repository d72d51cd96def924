"""Trees stored with a parent link (departments, question categories): their reading order."""

from collections.abc import Iterable
from typing import Any, Protocol, TypeVar


class TreeNode(Protocol):
    pk: Any
    parent_id: Any
    name: str


Node = TypeVar("Node", bound=TreeNode)


def in_tree_order(nodes: Iterable[Node]) -> list[Node]:
    """Nodes depth-first, siblings by name: the order a tree is read in. Roots are those
    whose parent is not among the nodes (for a whole tree: parent None)."""
    children: dict[Any, list[Node]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    present = {n.pk for kids in children.values() for n in kids}
    roots = [n for parent, kids in children.items() if parent not in present for n in kids]
    ordered: list[Node] = []
    stack = sorted(roots, key=lambda n: n.name.casefold(), reverse=True)
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack += sorted(children.get(node.pk, []), key=lambda n: n.name.casefold(), reverse=True)
    return ordered
