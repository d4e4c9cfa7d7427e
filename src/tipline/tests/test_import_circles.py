"""No import circle anywhere in the code, late imports counted: the floors in pyproject's
import-linter contracts keep rooms from reaching up, and this keeps the modules inside a
room (and rooms on one floor) from reaching round. Imports only for type checking do not
run, so they do not count."""

import grimp


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one node (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(edges[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
    return found


def _production_modules(graph: grimp.ImportGraph) -> set[str]:
    return {
        module
        for module in graph.modules
        if ".tests" not in module and ".migrations" not in module and module != "tipline.conftest"
    }


def test_the_circle_finder_finds_a_circle() -> None:
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_and_no_room_imports_itself_round_a_circle() -> None:
    graph = grimp.build_graph("tipline", exclude_type_checking_imports=True)
    modules = _production_modules(graph)
    between_modules = {
        module: graph.find_modules_directly_imported_by(module) & modules for module in modules
    }
    assert _circles(between_modules) == []

    def room(module: str) -> str:
        return ".".join(module.split(".")[:2])

    between_rooms: dict[str, set[str]] = {room(module): set() for module in modules}
    for module, imported in between_modules.items():
        between_rooms[room(module)] |= {room(other) for other in imported} - {room(module)}
    assert _circles(between_rooms) == []
