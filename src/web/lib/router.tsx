import {
  type AnchorHTMLAttributes,
  type MouseEvent,
  useCallback,
  useMemo,
  useSyncExternalStore,
} from 'react';

/**
 * A small history-API router: the path picks the page, the query string holds each page's
 * state (range, view, sort…) so a copied link reproduces the screen.
 */
const listeners = new Set<() => void>();
const notify = () => {
  for (const fn of listeners) fn();
};
window.addEventListener('popstate', notify);

function subscribe(fn: () => void) {
  listeners.add(fn);
  return () => {
    listeners.delete(fn);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
  if (!opts.replace) window.scrollTo({ top: 0 });
}

/** The current path and query string; re-renders on navigation. */
export function useLocation(): { pathname: string; search: string } {
  const href = useSyncExternalStore(subscribe, snapshot);
  return useMemo(() => {
    const i = href.indexOf('?');
    return i < 0 ? { pathname: href, search: '' } : { pathname: href.slice(0, i), search: href.slice(i) };
  }, [href]);
}

export type ParamUpdate = Record<string, string | number | null | undefined>;

/**
 * The query string as a read-only map and a setter that merges changes into it (null or
 * undefined removes a key). Filters replace the history entry; pass push for real moves.
 */
export function useSearchParams(): [
  URLSearchParams,
  (update: ParamUpdate, opts?: { push?: boolean }) => void,
] {
  const { pathname, search } = useLocation();
  const params = useMemo(() => new URLSearchParams(search), [search]);
  const set = useCallback(
    (update: ParamUpdate, opts: { push?: boolean } = {}) => {
      const next = new URLSearchParams(window.location.search);
      for (const [k, v] of Object.entries(update)) {
        if (v === null || v === undefined || v === '') next.delete(k);
        else next.set(k, String(v));
      }
      const qs = next.toString();
      navigate(`${pathname}${qs ? `?${qs}` : ''}`, { replace: !opts.push });
    },
    [pathname],
  );
  return [params, set];
}

/** Handles a click on a same-app link: a plain click navigates in place, modified clicks open a tab. */
export function linkClick(to: string) {
  return (event: MouseEvent<HTMLElement>) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
}

export function Link({ to, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  return <a href={to} onClick={linkClick(to)} {...rest} />;
}
