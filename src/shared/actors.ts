/**
 * Who did something, for people (docs/product.md, The ledger): the ledger and the audit log store
 * an actor as 'user:<email>', 'api_key:<key id>' or a fixed name; these are the names shown for it.
 */

/** The actors that are not a user or a key: their name and what kind of actor they are. */
export const FIXED_ACTORS: Readonly<Record<string, { name: string; kind: string }>> = {
  cli: { name: 'An operator', kind: 'Command line' },
  system: { name: 'Meterline', kind: 'Scheduled work' },
  demo: { name: 'Meterline', kind: 'Demo data' },
};

const quoted = (s: string) => `“${s}”`;

/**
 * A ledger entry's actor for people. `name` is the user's or the key's name when it still exists;
 * `charge` says the entry charges an interview, which only the interview engine's events do.
 */
export function ledgerActorName(actor: string, name: string | null, charge: boolean): string {
  if (actor.startsWith('user:')) return name ?? actor.slice('user:'.length);
  if (actor.startsWith('api_key:')) {
    if (name === null) return charge ? 'Interview engine — an unknown key' : 'An unknown API key';
    return charge ? `Interview engine — key ${quoted(name)}` : `API key ${quoted(name)}`;
  }
  const fixed = FIXED_ACTORS[actor];
  if (!fixed) return actor;
  return actor === 'system' ? fixed.name : `${fixed.name} (${fixed.kind.toLowerCase()})`;
}
