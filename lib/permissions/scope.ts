export interface GroupNode {
  id: number;
  parentId: number | null;
}

/** The ids of `roots` and of every group below them. */
export function subtreeIds(groups: readonly GroupNode[], roots: Iterable<number>): Set<number> {
  const children = new Map<number, number[]>();
  for (const g of groups) {
    if (g.parentId === null) continue;
    const list = children.get(g.parentId);
    if (list) list.push(g.id);
    else children.set(g.parentId, [g.id]);
  }
  const out = new Set<number>();
  const stack = [...roots];
  while (stack.length) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    for (const c of children.get(id) ?? []) stack.push(c);
  }
  return out;
}
