// A binary min-heap under a caller's order, for the scheduling queue's active and back-off queues.

export class Heap<T> {
  readonly #items: T[] = [];
  readonly #less: (a: T, b: T) => boolean;

  constructor(less: (a: T, b: T) => boolean) {
    this.#less = less;
  }

  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  push(item: T): void {
    const items = this.#items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(items[i] as T, items[parent] as T)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < items.length && this.#less(items[l] as T, items[min] as T)) min = l;
      if (r < items.length && this.#less(items[r] as T, items[min] as T)) min = r;
      if (min === i) break;
      this.#swap(i, min);
      i = min;
    }
    return top;
  }

  #swap(a: number, b: number): void {
    const items = this.#items;
    const t = items[a] as T;
    items[a] = items[b] as T;
    items[b] = t;
  }
}
