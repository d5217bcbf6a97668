/**
 * The exports one server runs at once (docs/product.md, Export). An export holds a database
 * connection for as long as it streams, and a .xlsx export a worker thread (~50 MiB and most of a
 * core), so a burst of downloads could starve the console's own reads; past the cap an export is
 * refused with `429 exports_busy` and Retry-After. One tenant holds at most half the slots (at
 * least one), so one account's downloads never keep another's waiting.
 */
export class ExportSlots {
  private running = 0;
  private readonly byTenant = new Map<string, number>();

  constructor(readonly capacity: number) {}

  /** The most one tenant may hold at once. */
  get tenantShare(): number {
    return Math.max(1, Math.floor(this.capacity / 2));
  }

  /**
   * A slot for one of the tenant's exports: its release (safe to call more than once), or why there
   * is none: the server's slots are all taken, or the tenant holds its share.
   */
  take(tenantId: string): { release: () => void } | { full: 'server' | 'tenant' } {
    const held = this.byTenant.get(tenantId) ?? 0;
    if (held >= this.tenantShare) return { full: 'tenant' };
    if (this.running >= this.capacity) return { full: 'server' };
    this.running++;
    this.byTenant.set(tenantId, held + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.running--;
        const left = (this.byTenant.get(tenantId) ?? 1) - 1;
        if (left === 0) this.byTenant.delete(tenantId);
        else this.byTenant.set(tenantId, left);
      },
    };
  }
}
