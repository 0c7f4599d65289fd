import { can, type CurrentUser } from '../auth/index.ts';
import { STAFF_AREAS, type NavigationItem, type StaffArea } from '../manifest.ts';

/** One area of the staff navigation as a reader sees it: only the links they may follow. */
export interface StaffAreaLinks {
  area: StaffArea;
  /** The area's page, or its one link where the reader may follow only one. */
  href: string;
  links: NavigationItem[];
}

/**
 * The staff navigation grouped by area (manifest `navigation[].area`), for one
 * reader: areas with no link they may follow are left out, so the top row is
 * a handful of words however many modules are installed.
 */
export function staffAreas(
  items: readonly NavigationItem[],
  user: CurrentUser | null | undefined,
): StaffAreaLinks[] {
  const visible = items
    .filter((item) => item.side === 'staff' && item.href !== '/staff')
    .filter((item) => !item.action || can(user ?? null, item.action))
    .sort((a, b) => a.order - b.order);
  return STAFF_AREAS.flatMap((area) => {
    const links = visible.filter((item) => (item.area ?? 'settings') === area);
    if (links.length === 0) return [];
    return [{ area, href: links.length === 1 ? links[0]!.href : `/staff/areas/${area}`, links }];
  });
}

/** Whether a page belongs to an area: its own page, or under one of its links. */
export function inArea(entry: StaffAreaLinks, path: string): boolean {
  if (path === `/staff/areas/${entry.area}`) return true;
  return entry.links.some((item) => path === item.href || path.startsWith(`${item.href}/`));
}
