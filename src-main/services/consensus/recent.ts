// The newest results by id (comparisons for export, agreement regions for decisions), bounded: the oldest
// entry goes once `capacity` is exceeded.
export class Recent<T> {
  private readonly entries = new Map<string, T>();

  constructor(readonly capacity = 16) {}

  get(id: string): T | undefined {
    const v = this.entries.get(id);
    if (v !== undefined) {
      this.entries.delete(id);
      this.entries.set(id, v);
    }
    return v;
  }

  set(id: string, value: T): void {
    this.entries.delete(id);
    this.entries.set(id, value);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
