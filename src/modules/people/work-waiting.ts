import { sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/index.ts';
import type { WorkWaiting } from '../../platform/manifest.ts';
import { trainingExpiring } from './queries.ts';

/** The register's figures on the staff home, in one statement. */
export const registerWaiting: WorkWaiting = {
  counts: {
    duplicates: {
      labelKey: 'workWaiting.register.duplicates',
      href: '/staff/people/duplicates',
      action: 'people:merge',
    },
    training: {
      labelKey: 'workWaiting.register.training',
      href: '/staff/people?training=expiring',
      action: 'people:view',
    },
    rights: {
      labelKey: 'workWaiting.register.rights',
      href: '/staff/rights?due=soon',
      action: 'rights:manage',
    },
    changeRequests: {
      labelKey: 'workWaiting.register.changeRequests',
      href: '/staff/people/change-requests',
      action: 'people:edit',
    },
  },
  async read(tx, days) {
    const [row] = rowsOf<Record<string, number>>(
      await tx.execute(sql`
        select
          (select count(*) from possible_duplicates d where d.status = 'open')::int as duplicates,
          (select count(*) from people p where p.erased_at is null
            and exists (${trainingExpiring(sql`p.id`, days.monthStart, days.monthEnd)}))::int as training,
          (select count(*) from rights_requests r where r.status = 'open'
            and coalesce(r.extended_to, r.due_on) <= ${days.weekEnd}::date)::int as rights,
          (select count(*) from person_change_requests c
            where c.status = 'open')::int as "changeRequests"`),
    );
    return row ?? {};
  },
};
