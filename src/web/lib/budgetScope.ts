import type { BudgetScopeKind } from '../../shared/budgets';

/** The tenant's recruiters and departments, as the attribute listing gives them. */
export interface KnownAttributes {
  recruiters: { id: string; name: string | null }[];
  departments: string[];
}

/**
 * What the budget form offers for a scope's value, and what it warns of: a budget counts the
 * interviews whose value equals its own exactly, so a name where an id belongs, another spelling
 * or a typo would count nothing (and a blocking budget hold nothing). Openings are not listed here:
 * their ids are typed as the interview engine sends them.
 */
export function scopeValueHint(
  kind: BudgetScopeKind,
  value: string,
  known: KnownAttributes | undefined,
): { options: string[]; warning?: string } {
  if (!known || kind === 'opening') return { options: [] };
  const options = kind === 'recruiter' ? known.recruiters.map((r) => r.id) : known.departments;
  if (value === '' || options.includes(value)) return { options };
  if (kind === 'recruiter') {
    const byName = known.recruiters.find((r) => r.name?.toLowerCase() === value.toLowerCase());
    if (byName)
      return {
        options,
        warning: `That is ${byName.name}’s name; a budget takes the recruiter’s id: ${byName.id}.`,
      };
  }
  const sameButCase = options.find((o) => o.toLowerCase() === value.toLowerCase());
  if (sameButCase)
    return {
      options,
      warning: `Interviews name it “${sameButCase}”: values match exactly, capitals included.`,
    };
  const what = kind === 'recruiter' ? 'recruiter id' : 'department';
  return {
    options,
    warning: `No interview has named this ${what} yet: the budget counts nothing until one does.`,
  };
}
